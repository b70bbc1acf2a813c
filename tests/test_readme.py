"""README.md says what the platform serves: its share datasets and its data APIs, no more and no fewer."""

import re
from pathlib import Path

from hubei_data.api.spec import load_apis
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS

README = (Path(__file__).parents[1] / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(title)
    return README[start:README.index("\n### ", start + 1)]


def test_the_share_table_lists_every_share_dataset():
    listed = re.findall(r"^\| `share\.(\w+)` \|", _section("### Read the share datasets"), re.MULTILINE)
    assert sorted(listed) == sorted(table_name(dataset) for dataset in SHARE_DATASETS)


def test_the_data_api_section_names_every_shipped_api():
    shipped = _section("### Serve other agencies through the data API").split("Shipped:", 1)[1].split("`hubei-data api")[0]
    assert sorted(re.findall(r"`(\w+)`", shipped)) == sorted(load_apis())
