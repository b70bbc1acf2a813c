"""Operating the platform itself: backups and restore drills, watching the platform and alerting on it, freezes
and the run queue."""
