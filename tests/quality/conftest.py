"""Fixtures of the quality tests: a warehouse of a module's own for tests that land and build."""

import os
import uuid

import pytest

from hubei_data import runner
from hubei_data import warehouse as wh
from hubei_data.control import schema


@pytest.fixture(scope="module")
def own_warehouse(warehouse):
    """A database of this module's own, so no other test's rows join its tickets and profiles."""
    name = f"quality_{uuid.uuid4().hex[:8]}"
    info = wh.create_database(name)
    schema.upgrade(info)
    before = os.environ.get(wh.URL_VARIABLE)
    os.environ[wh.URL_VARIABLE] = info.url
    wh.connect_info.cache_clear()
    runner.instance.cache_clear()
    yield info
    if before is None:
        os.environ.pop(wh.URL_VARIABLE, None)
    else:
        os.environ[wh.URL_VARIABLE] = before
    wh.connect_info.cache_clear()
    runner.instance.cache_clear()
    wh.drop_database(name)
