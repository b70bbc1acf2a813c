"""Subject models and share datasets as the catalog describes them."""

from dataclasses import dataclass

from hubei_data.catalog.items import Item


@dataclass(frozen=True)
class Model:
    """A subject (主体库) model: its dbt name, the body providing it (提供方), key and items, as the registry
    declares them (hubei_data.catalog.library)."""

    name: str
    chinese: str
    description: str
    provider: str
    key: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Dataset(Model):
    """A share dataset (共享数据集): a share model plus its government catalog entry."""

    summary: str
    resource_code: str
    category: str
    share_type: str
    conditions: str
    consumers: str
    method: str
    update_frequency: str
    record_level: bool

    @property
    def api_only(self) -> bool:
        """Holds personal fields whole: only the data API, masking by grant, may serve it."""
        return any(i.masked_on_delivery for i in self.items)


def table_name(model: Model) -> str:
    """The table a model builds: its name without the layer prefix (dbt alias)."""
    return model.name.split("_", 1)[1]
