"""A wrong bureau feed (registry/feeds.yaml) is refused whole, naming the file, the feed, the field and why."""

import pytest

from hubei_data import registry
from hubei_data.exchange.feeds import FEEDS, feeds
from hubei_data.registry import RegistryError
from tests.registry.breaking import edit as _edit, refusal as _refusal

FILE = "registry/feeds.yaml"


def test_the_declared_feeds_are_the_ones_pushed():
    assert list(FEEDS) == ["cosmetic_filing", "drug_sampling", "penalty"]
    assert FEEDS["penalty"].query.startswith("select case_no as record_key, _synced_at, case_no, uscc,")


def test_a_typo_in_a_feed_field_is_refused_with_the_field_it_was_meant_to_be(copy):
    _edit(copy, "feeds.yaml", "  uscc_fields: [registrant_uscc]", "  uscc_field: [registrant_uscc]")
    error = _refusal(copy)
    assert str(error) == f"{FILE}: feed cosmetic_filing: uscc_field: unknown field; did you mean uscc_fields?"
    assert (error.file, error.entry, error.field) == (FILE, "feed cosmetic_filing", "uscc_field")


def test_a_required_field_the_feed_does_not_send_is_refused(copy):
    _edit(copy, "feeds.yaml", "  required: [case_no, uscc, enterprise_name, decided_on]",
          "  required: [case_no, uscc, enterprise, decided_on]")
    assert str(_refusal(copy)) == f"{FILE}: feed penalty: required names what is not among the fields: enterprise"


def test_a_feed_declared_twice_is_refused(copy):
    with (copy / "feeds.yaml").open("a", encoding="utf-8") as file:
        file.write("penalty:\n  chinese: 处罚\n  dataset: penalty_info\n  source: select 1\n  key: case_no\n"
                   "  fields: [case_no]\n")
    assert "'penalty' is declared twice" in str(_refusal(copy))


def test_a_feed_following_a_dataset_that_is_not_shared_is_refused(copy):
    _edit(copy, "feeds.yaml", "  dataset: penalty_info\n", "  dataset: penalties\n")
    with pytest.raises(RegistryError) as refused:
        feeds(registry.load(copy))
    assert str(refused.value).startswith(f"{FILE}: feed penalty: dataset: 'penalties' is not a share dataset (")
