"""One Dagster concurrency pool per place pushes go to, so runs and workers never push to one target more at once
than its limit: 1 by default (the instance's dagster.yaml, runner.py), or what `dagster instance concurrency set`
gave that pool."""

BUREAU = "push/bureau"


def front_end_pool(target_env: str) -> str:
    """A department's front-end database, named by the variable holding its URL: subscriptions writing to the same
    database share its pool."""
    return f"push/{target_env}"
