"""The web process's app on loopback over the session's warehouse, with no Dagster behind it."""

import pytest

from hubei_data.web.app import Settings, create_app
from tests.serving import serving
from tests.web.browsers import Web


@pytest.fixture(scope="module")
def web(warehouse, tmp_path_factory):
    """The app with no Dagster behind it (its socket is never bound) and no catalog generated yet."""
    directory = tmp_path_factory.mktemp("web")
    app = create_app(Settings(warehouse.url, directory / "dagster.sock", directory / "static_index.html"))
    with serving(app) as base:
        yield Web(base, warehouse.url, directory / "static_index.html")
