"""The shipped registry copied for a test to break a part of."""

import shutil

import pytest

from hubei_data import registry


@pytest.fixture
def copy(tmp_path):
    """The shipped registry copied into a folder named registry/ of the test's own, to break a part of."""
    root = tmp_path / "registry"
    shutil.copytree(registry.project_registry(), root)
    return root
