"""Subject models and share datasets as the catalog describes them."""

from dataclasses import dataclass

from hubei_data.catalog.items import SHARE_TYPES, Item


@dataclass(frozen=True)
class Model:
    """A subject (主体库) model: its dbt name, key and items."""

    name: str
    chinese: str
    description: str
    key: tuple[str, ...]
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        names = [i.name for i in self.items]
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name}: an item is declared twice")
        unknown = [k for k in self.key if k not in names]
        if unknown:
            raise ValueError(f"model {self.name}: key names unknown items {unknown}")

    def item(self, name: str) -> Item:
        return next(i for i in self.items if i.name == name)


@dataclass(frozen=True)
class Dataset(Model):
    """A share dataset (共享数据集): a share model plus its government catalog entry."""

    summary: str = ""
    resource_code: str = ""
    provider: str = ""
    category: str = ""
    share_type: str = ""
    conditions: str = ""
    consumers: str = ""
    method: str = "库表交换（前置库）、数据接口"
    update_frequency: str = "每日"
    record_level: bool = True

    @property
    def api_only(self) -> bool:
        """Holds personal fields whole: only the data API, masking by grant, may serve it."""
        return any(i.masked_on_delivery for i in self.items)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.share_type not in SHARE_TYPES[:2]:
            raise ValueError(f"dataset {self.name}: share type must be one of {SHARE_TYPES[:2]}")
        fields = ("summary", "resource_code", "provider", "category", "conditions", "consumers")
        missing = [f for f in fields if not getattr(self, f)]
        if missing:
            raise ValueError(f"dataset {self.name}: catalog fields missing: {', '.join(missing)}")


def table_name(model: Model) -> str:
    """The table a model builds: its name without the layer prefix (dbt alias)."""
    return model.name.split("_", 1)[1]
