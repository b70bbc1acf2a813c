"""The share library (共享库): one dataset per entry of the sharing list (共享清单), declared in
registry/catalog/share/."""

from hubei_data.catalog.library import SHARE_DATASETS
from hubei_data.catalog.models import table_name

__all__ = ["DATASETS", "SHARE_DATASETS"]

# Each dataset by the name of its table, as data APIs, feeds and subscriptions name it.
DATASETS = {table_name(dataset): dataset for dataset in SHARE_DATASETS}
