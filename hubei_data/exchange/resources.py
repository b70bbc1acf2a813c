"""The bureau as a Dagster resource: where it is and the app key and secret it issued."""

import os

import dagster as dg

from hubei_data.exchange.bureau import Bureau, HttpBureau
from hubei_data.exchange.push import Retry


class BureauResource(dg.ConfigurableResource):
    """The national bureau's receiving interface; the secret comes only from the environment."""

    url: str
    app_key: str
    app_secret: str
    batch_size: int = 500
    attempts: int = 6
    backoff_seconds: float = 0.5
    timeout_seconds: float = 10.0

    def client(self) -> Bureau:
        return HttpBureau(self.url, self.app_key, self.app_secret, self.timeout_seconds)

    def retry(self) -> Retry:
        return Retry(attempts=self.attempts, base_seconds=self.backoff_seconds)


URL, APP_KEY, APP_SECRET = "HUBEI_DATA_BUREAU_URL", "HUBEI_DATA_BUREAU_APP_KEY", "HUBEI_DATA_BUREAU_APP_SECRET"


class BureauNotConfigured(Exception):
    def __init__(self, missing: list[str]):
        super().__init__(f"the bureau is not configured: set {', '.join(missing)}")


def missing_configuration() -> list[str]:
    """The bureau settings not set in the environment; empty when pushes can run."""
    return [name for name in (URL, APP_KEY, APP_SECRET) if not os.environ.get(name)]


def require_configuration() -> dict[str, str]:
    """The three settings from the environment, or one clear error naming what is missing."""
    missing = missing_configuration()
    if missing:
        raise BureauNotConfigured(missing)
    return {name: os.environ[name] for name in (URL, APP_KEY, APP_SECRET)}


def bureau_resource() -> BureauResource:
    return BureauResource(url=dg.EnvVar(URL), app_key=dg.EnvVar(APP_KEY), app_secret=dg.EnvVar(APP_SECRET))
