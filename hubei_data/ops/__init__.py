"""Operating the platform itself: backups and restore drills, and watching the platform and alerting on it."""
