"""Data APIs as the service answers them: the registry's definitions (registry/apis/), checked against the share
datasets they read."""

from dataclasses import dataclass
from pathlib import Path

from hubei_data import registry
from hubei_data.api.sql_check import SqlRuleError, check_sql
from hubei_data.catalog.declared import datasets_read
from hubei_data.catalog.models import Dataset
from hubei_data.catalog.share import DATASETS
from hubei_data.governance.negative import read_breaches
from hubei_data.registry.apis import MetricApi, SqlApi, WizardApi

_ITEM_TYPES = {"text": "string", "bigint": "integer", "integer": "integer", "numeric": "number", "date": "date",
               "boolean": "boolean"}
# Metric APIs answer computed indicator values (aggregates, never records) from metric.metric_values.
METRIC_FIELDS = ("metric_code", "period_start", "period_end", "dims", "value")
METRIC_SQL = (
    "select metric_code, period_start, period_end, dims::text as dims, value from metric.metric_values"
    " where metric_code = %(metric_code)s"
    " and (%(period_from)s::date is null or period_start >= %(period_from)s::date)"
    " and (%(period_to)s::date is null or period_end <= %(period_to)s::date)"
    " order by partition_key, dims::text"
)


@dataclass(frozen=True)
class Param:
    """One request parameter: in wizard mode a field and an operator over it."""

    name: str
    type: str
    required: bool = False
    field: str | None = None
    op: str = "equals"

    @property
    def request_names(self) -> tuple[str, ...]:
        """The names the request body uses: a range is given as <name>_from and <name>_to."""
        return (f"{self.name}_from", f"{self.name}_to") if self.op == "range" else (self.name,)


@dataclass(frozen=True)
class ApiSpec:
    name: str
    title: str
    description: str
    mode: str
    params: tuple[Param, ...]
    fields: tuple[str, ...]
    require_any: tuple[str, ...]
    default_page_size: int
    max_page_size: int
    personal: dict[str, str]
    dataset: Dataset | None = None
    sql: str = ""
    order: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return f"/v1/apis/{self.name}"


METRIC_PARAMS = (Param("metric_code", "string", required=True), Param("period_from", "date"), Param("period_to", "date"))


def load_apis(root: Path | None = None) -> dict[str, ApiSpec]:
    """Every API the registry declares, by name, each checked against the share datasets it reads and the negative
    list (负面清单).

    The registry's loader knows a wizard API's dataset exists; whether its fields can be asked and answered as it
    declares, and what an SQL API's query reads, takes the items as the catalog builds them, so it is checked here;
    it needs no database."""
    return specs(registry.load(root))


def specs(declared: registry.Registry) -> dict[str, ApiSpec]:
    """The APIs of a loaded registry, each checked as `load_apis` checks them."""
    return {name: _spec(declared, name, api) for name, api in declared.apis.items()}


def _spec(declared: registry.Registry, name: str, api: WizardApi | SqlApi | MetricApi) -> ApiSpec:
    def fail(field: str | None, reason: str):
        raise declared.error("apis", name, field, reason)

    common = dict(name=name, title=api.title, description=api.description, mode=api.mode,
                  default_page_size=api.page_size.default, max_page_size=api.page_size.max)
    if api.mode == "metric":
        return ApiSpec(**common, params=METRIC_PARAMS, fields=METRIC_FIELDS, require_any=(), personal={},
                       sql=METRIC_SQL)
    spec = _wizard(api, common, fail) if api.mode == "wizard" else _sql(api, common, fail)
    found = read_breaches(declared.lists["negative"], datasets_read(spec), spec.fields)
    if found:
        fail("fields" if api.mode == "wizard" else "sql", "; ".join(found))
    return spec


def _require_any(api: WizardApi | SqlApi) -> tuple[str, ...]:
    """Names of which a request gives at least one: wizard APIs never answer a bare full scan."""
    if api.require_any is not None:
        return api.require_any
    return tuple(param.name for param in api.params) if api.mode == "wizard" else ()


def _wizard(api: WizardApi, common: dict, fail) -> ApiSpec:
    dataset = DATASETS[api.dataset]
    items = {item.name: item for item in dataset.items}
    params = []
    for number, param in enumerate(api.params):
        item = items.get(param.field)
        if item is None:
            fail(f"params[{number}].field", f"field {param.field!r} is not in {api.dataset}")
        if param.op == "prefix" and item.data_type != "text":
            fail(f"params[{number}].op", "prefix needs a text field")
        params.append(Param(param.name, _ITEM_TYPES[item.data_type], param.required, item.name, param.op))
    strangers = [field for field in api.fields if field not in items]
    if strangers:
        fail("fields", f"fields not in {api.dataset}: {', '.join(strangers)}")
    return ApiSpec(
        **common, params=tuple(params), fields=api.fields, require_any=_require_any(api),
        personal={f: items[f].masking for f in api.fields if items[f].masked_on_delivery}, dataset=dataset,
        order=dataset.key,
    )


def _sql(api: SqlApi, common: dict, fail) -> ApiSpec:
    params = tuple(Param(param.name, param.type, param.required) for param in api.params)
    try:
        checked = check_sql(api.sql, {param.name for param in params}, set(DATASETS))
    except SqlRuleError as error:
        fail("sql", str(error))
    personal = {}
    for table in checked.tables:
        for item in DATASETS[table].items:
            if item.masked_on_delivery and item.name in checked.columns:
                personal[item.name] = item.masking
    return ApiSpec(**common, params=params, fields=checked.columns, require_any=_require_any(api), personal=personal,
                   sql=checked.text)
