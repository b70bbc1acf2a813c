"""A source contract refuses what the models built from it could not keep right."""

import dataclasses

import pytest

from hubei_data.contracts import SOURCES


@pytest.mark.parametrize("change", [{"required": False}, {"type": "text"}])
def test_an_update_time_that_may_be_missing_or_is_not_a_timestamp_is_refused(change):
    """A key's newest version is the one with the latest 更新时间, so every row has to carry one that orders."""
    enterprise = SOURCES["enterprise"]
    columns = tuple(dataclasses.replace(c, **change) if c.name == "updated_at" else c for c in enterprise.columns)
    with pytest.raises(ValueError, match="updated_at orders a key's versions"):
        dataclasses.replace(enterprise, columns=columns)
