"""Reports (报告): the weekly government-data sharing report, the annual O&M report and ad-hoc SQL reports."""


class ReportError(Exception):
    """A report that cannot be made or written, in the one line a person reads (a bad week, a full disk…)."""
