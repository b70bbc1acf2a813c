"""The Celery app a worker runs (`celery -A hubei_data.celery_worker worker`): it executes the steps that runs send
through the broker HUBEI_DATA_CELERY_BROKER names, each as a Dagster step of the run that sent it.

Before taking work it reaches the warehouse and the Dagster instance as every command does, and loads the
definitions once, so a step starts without loading them again; a worker started before a change to the
subscriptions, APIs or metrics is restarted to see it.
"""

from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from hubei_data import executor, runner


def _app():
    url = executor.broker()
    if url is None:
        raise RuntimeError(f"{executor.BROKER_VARIABLE} is not set: name the broker the runs send their steps to")
    runner.prepare_dagster_home()
    runner.definitions()
    app = make_app(CeleryExecutor.for_cli(broker=url, backend=url).app_args())
    create_task(app)
    return app


app = _app()
