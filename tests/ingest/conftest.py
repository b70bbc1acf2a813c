"""Fixtures of the ingestion tests: empty landing folders and a Dagster instance for sensors and runs."""

import shutil

import dagster as dg
import pytest

from hubei_data import warehouse as wh
from hubei_data.ingest import landing as landing_module


@pytest.fixture
def landing(warehouse):
    """The landing folders of the test warehouse, emptied so that only this test's files are in them."""
    root = wh.data_dir() / "landing"
    for folder in root.glob("*"):
        for path in folder.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return root


@pytest.fixture
def conn(warehouse):
    """A connection to the test warehouse, in autocommit, its landing schema in place."""
    with wh.connect(autocommit=True) as connection:
        landing_module.ensure_landing(connection)
        yield connection


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance
