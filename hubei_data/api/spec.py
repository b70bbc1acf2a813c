"""API definitions (接口定义): one YAML file each in `apis/`, wizard, SQL or metric mode, checked when loaded."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from hubei_data.api.sql_check import SqlRuleError, check_sql
from hubei_data.catalog.models import Dataset, table_name
from hubei_data.catalog.share import SHARE_DATASETS

APIS_VARIABLE = "HUBEI_DATA_APIS"
DATASETS = {table_name(d): d for d in SHARE_DATASETS}
TYPES = ("string", "integer", "number", "date", "boolean")
OPERATORS = ("equals", "range", "prefix", "in")
_ITEM_TYPES = {"text": "string", "bigint": "integer", "integer": "integer", "numeric": "number", "date": "date",
               "boolean": "boolean"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_KEYS = {"name", "title", "description", "mode", "dataset", "sql", "params", "fields", "require_any", "page_size"}


MODES = ("wizard", "sql", "metric")
# Metric APIs answer computed indicator values (aggregates, never records) from metric.metric_values.
METRIC_FIELDS = ("metric_code", "period_start", "period_end", "dims", "value")
METRIC_SQL = (
    "select metric_code, period_start, period_end, dims::text as dims, value from metric.metric_values"
    " where metric_code = %(metric_code)s"
    " and (%(period_from)s::date is null or period_start >= %(period_from)s::date)"
    " and (%(period_to)s::date is null or period_end <= %(period_to)s::date)"
    " order by partition_key, dims::text"
)


class ApiSpecError(Exception):
    """An API definition file that breaks a rule: the file and what is wrong."""


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


def apis_dir() -> Path:
    return Path(os.environ.get(APIS_VARIABLE, Path(__file__).resolve().parents[2] / "apis"))


def load_apis(directory: Path | None = None) -> dict[str, ApiSpec]:
    """Every API definition in the directory, by name; the first broken file stops the load."""
    directory = directory or apis_dir()
    found: dict[str, ApiSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ApiSpecError(f"{path}: not valid YAML: {error}") from None
        spec = parse(document, path)
        if spec.name in found:
            raise ApiSpecError(f"{path}: API name {spec.name!r} is already defined")
        found[spec.name] = spec
    return found


def parse(document, path: Path) -> ApiSpec:
    """One definition from its document, or ApiSpecError naming the file and the broken rule."""

    def fail(message: str):
        raise ApiSpecError(f"{path}: {message}")

    if not isinstance(document, dict):
        fail("an API definition is a mapping")
    unknown = sorted(set(document) - _KEYS)
    if unknown:
        fail(f"unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    for key in ("name", "title", "mode"):
        if key not in document:
            fail(f"{key} is required")
    name = document["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        fail(f"name {name!r} must be lowercase letters, digits and _")
    mode = document["mode"]
    if mode not in MODES:
        fail(f"mode {mode!r} is not one of {', '.join(MODES)}")
    sizes = document.get("page_size") or {}
    default, largest = sizes.get("default", 20), sizes.get("max", 100)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (default, largest)) \
            or not 1 <= default <= largest <= 1000:
        fail("page_size needs 1 <= default <= max <= 1000")
    common = dict(name=name, title=str(document["title"]), description=str(document.get("description", "")),
                  mode=mode, default_page_size=default, max_page_size=largest)
    if mode == "metric":
        extra = sorted(set(document) & {"dataset", "sql", "params", "fields", "require_any"})
        if extra:
            fail(f"a metric API's parameters and fields are fixed: remove {', '.join(extra)}")
        return ApiSpec(**common, params=METRIC_PARAMS, fields=METRIC_FIELDS, require_any=(), personal={},
                       sql=METRIC_SQL)
    if not isinstance(document.get("params"), list) or not document["params"]:
        fail("params is a non-empty list")
    if mode == "wizard":
        return _wizard(document, common, fail)
    return _sql(document, common, fail)


def _wizard(document: dict, common: dict, fail) -> ApiSpec:
    dataset = DATASETS.get(document.get("dataset"))
    if dataset is None:
        fail(f"dataset {document.get('dataset')!r} is not a share dataset ({', '.join(DATASETS)})")
    items = {i.name: i for i in dataset.items}
    params = []
    for raw in document["params"]:
        if not isinstance(raw, dict) or not {"name", "field"} <= set(raw) <= {"name", "field", "op", "required"}:
            fail("a wizard parameter is a mapping of name, field and optionally op and required")
        item = items.get(raw["field"])
        if item is None:
            fail(f"parameter {raw['name']}: field {raw['field']!r} is not in {document['dataset']}")
        op = raw.get("op", "equals")
        if op not in OPERATORS:
            fail(f"parameter {raw['name']}: operator {op!r} is not one of {', '.join(OPERATORS)}")
        if op == "prefix" and item.data_type != "text":
            fail(f"parameter {raw['name']}: prefix needs a text field")
        params.append(Param(str(raw["name"]), _ITEM_TYPES[item.data_type], bool(raw.get("required", False)),
                            item.name, op))
    fields = _fields(document, items, fail)
    return ApiSpec(
        **common, params=_checked_params(params, fail), fields=fields, require_any=_require_any(document, params, fail),
        personal={f: items[f].masking for f in fields if items[f].masked_on_delivery}, dataset=dataset,
        order=dataset.key,
    )


def _sql(document: dict, common: dict, fail) -> ApiSpec:
    params = []
    for raw in document["params"]:
        if not isinstance(raw, dict) or not {"name", "type"} <= set(raw) <= {"name", "type", "required"}:
            fail("a SQL-mode parameter is a mapping of name, type and optionally required")
        if raw["type"] not in TYPES:
            fail(f"parameter {raw['name']}: type {raw['type']!r} is not one of {', '.join(TYPES)}")
        params.append(Param(str(raw["name"]), raw["type"], bool(raw.get("required", False))))
    params = _checked_params(params, fail)
    if not isinstance(document.get("sql"), str):
        fail("sql is required in SQL mode")
    try:
        checked = check_sql(document["sql"], {p.name for p in params}, set(DATASETS))
    except SqlRuleError as error:
        fail(f"sql: {error}")
    personal = {}
    for table in checked.tables:
        for item in DATASETS[table].items:
            if item.masked_on_delivery and item.name in checked.columns:
                personal[item.name] = item.masking
    return ApiSpec(
        **common, params=params, fields=checked.columns, require_any=_require_any(document, params, fail),
        personal=personal, sql=checked.text,
    )


def _checked_params(params: list[Param], fail) -> tuple[Param, ...]:
    names = [n for p in params for n in p.request_names]
    bad = [n for n in names if not _NAME.match(n) or n in ("page", "page_size")]
    if bad:
        fail(f"parameter names must be lowercase identifiers other than page and page_size: {bad}")
    if len(set(names)) != len(names):
        fail("parameter names must be distinct")
    return tuple(params)


def _fields(document: dict, items: dict, fail) -> tuple[str, ...]:
    fields = document.get("fields")
    if not isinstance(fields, list) or not fields:
        fail("fields (the response fields) is a non-empty list")
    strangers = [f for f in fields if f not in items]
    if strangers:
        fail(f"fields not in {document['dataset']}: {', '.join(map(str, strangers))}")
    return tuple(fields)


def _require_any(document: dict, params: list[Param], fail) -> tuple[str, ...]:
    """Names of which a request gives at least one: wizard APIs never answer a bare full scan."""
    names = [p.name for p in params]
    chosen = document.get("require_any", names if document["mode"] == "wizard" else [])
    if not isinstance(chosen, list) or any(n not in names for n in chosen):
        fail(f"require_any lists parameter names ({', '.join(names)})")
    return tuple(chosen)
