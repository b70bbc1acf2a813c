"""Data API definitions (接口定义) as declared: wizard, SQL or metric mode, their parameters and page sizes."""

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from hubei_data.registry.metrics import Code
from hubei_data.registry.standards import Declaration, Name, Text

API_MODES = ("wizard", "sql", "metric")
# The request body's own names, which no parameter may take.
RESERVED = ("page", "page_size")


class PageSize(Declaration):
    """How many rows a page holds unless the caller asks, and the most it may ask for."""

    default: int = 20
    max: int = 100

    @model_validator(mode="after")
    def _in_order(self):
        if not 1 <= self.default <= self.max <= 1000:
            raise ValueError("page_size needs 1 <= default <= max <= 1000")
        return self


class WizardParam(Declaration):
    """A request parameter over a field of the dataset; a range is sent as <name>_from and <name>_to."""

    name: Name
    field: Name
    op: Literal["equals", "range", "prefix", "in"] = "equals"
    required: bool = False

    @property
    def request_names(self) -> tuple[str, ...]:
        return (f"{self.name}_from", f"{self.name}_to") if self.op == "range" else (self.name,)


class SqlParam(Declaration):
    """A named parameter of the SQL, typed as the request body carries it."""

    name: Name
    type: Literal["string", "integer", "number", "date", "boolean"]
    required: bool = False

    @property
    def request_names(self) -> tuple[str, ...]:
        return (self.name,)


class _Api(Declaration):
    """What every API states: the name of its path (/v1/apis/<name>), its title and its page sizes."""

    name: Code
    title: Text
    description: str = ""
    page_size: PageSize = PageSize()


class _Queried(_Api):
    """An API whose caller gives parameters, of which `require_any` names those a request gives one of."""

    require_any: tuple[Name, ...] | None = None

    @model_validator(mode="after")
    def _parameters(self):
        names = [name for param in self.params for name in param.request_names]
        reserved = [name for name in names if name in RESERVED]
        if reserved:
            raise ValueError(f"parameter names must be other than page and page_size: {', '.join(reserved)}")
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be distinct")
        declared = [param.name for param in self.params]
        if any(name not in declared for name in self.require_any or ()):
            raise ValueError(f"require_any lists parameter names ({', '.join(declared)})")
        return self


class WizardApi(_Queried):
    """Wizard mode: parameters and response fields over one share dataset, rows in the dataset's key order."""

    mode: Literal["wizard"]
    dataset: Name
    params: tuple[WizardParam, ...] = Field(min_length=1)
    fields: tuple[Name, ...] = Field(min_length=1)


class SqlApi(_Queried):
    """SQL mode: one parameterised SELECT over share tables."""

    mode: Literal["sql"]
    params: tuple[SqlParam, ...] = Field(min_length=1)
    sql: Text


class MetricApi(_Api):
    """Metric mode: any metric's computed values by period; its parameters and fields are fixed."""

    mode: Literal["metric"]


def _mode(value) -> str | None:
    return value.get("mode") if isinstance(value, dict) else getattr(value, "mode", None)


Api = Annotated[
    Annotated[WizardApi, Tag("wizard")] | Annotated[SqlApi, Tag("sql")] | Annotated[MetricApi, Tag("metric")],
    Discriminator(_mode),
]
