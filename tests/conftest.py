"""Shared fixtures: one real embedded PostgreSQL (or HUBEI_DATA_DATABASE_URL) per test session."""

import os
import tempfile

import pytest

from hubei_data import warehouse as warehouse_module


@pytest.fixture(scope="session")
def warehouse() -> warehouse_module.ConnectInfo:
    """A warehouse for the session, with the data directory in a short temporary path.

    Unix socket paths are limited to about 100 characters, so the directory lives under /tmp.
    """
    os.environ[warehouse_module.DIR_VARIABLE] = tempfile.mkdtemp(prefix="hd")
    warehouse_module.connect_info.cache_clear()
    return warehouse_module.connect_info()
