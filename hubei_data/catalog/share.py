"""The share library (共享库): one dataset per entry of the sharing list (共享清单), declared in
registry/catalog/share/."""

from hubei_data.catalog.library import SHARE_DATASETS
from hubei_data.catalog.models import Dataset, table_name

__all__ = ["SHARE_DATASETS", "dataset"]


def dataset(name: str) -> Dataset:
    """The share dataset building share.<name>."""
    return next(each for each in SHARE_DATASETS if table_name(each) == name)
