"""Where a run's steps execute: in the process running it, which needs nothing set up, or on Celery workers
(`celery -A hubei_data.celery_worker worker`) when HUBEI_DATA_CELERY_BROKER names the broker they listen to."""

import os

import dagster as dg

BROKER_VARIABLE = "HUBEI_DATA_CELERY_BROKER"


def broker() -> str | None:
    """The broker's URL (e.g. `redis://broker.example:6379/0`), or None to execute steps where the run is."""
    return os.environ.get(BROKER_VARIABLE) or None


def run_executor() -> dg.ExecutorDefinition | None:
    """Dagster's Celery executor, its steps' results coming back through the broker too; None keeps Dagster's
    default executor."""
    if broker() is None:
        return None
    from dagster_celery import celery_executor

    return celery_executor.configured({"broker": {"env": BROKER_VARIABLE}, "backend": {"env": BROKER_VARIABLE}})
