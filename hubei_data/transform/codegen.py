"""Writes the raw, staging, resource and quarantine dbt models from the source contracts,
and the subject and share folders' yml from the catalog.

The files are generated, committed and read like any dbt file; a test keeps them equal
to what the declarations say, so the declarations stay the one definition.
"""

from pathlib import Path

import yaml

from hubei_data.catalog.dbt_yml import folder_yml
from hubei_data.contracts import SOURCES, Source
from hubei_data.contracts.model import ExistsIn, HubeiDivision
from hubei_data.transform.sql_rules import TYPE_PARSERS, column_checks, row_checks

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
HEADER = "-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.\n"
CATALOG_HEADER = "# Generated from hubei_data/catalog by `hubei-data contracts generate`; do not edit.\n"
LINEAGE = ("_extra", "_defect", "_batch_id", "_row_number")


def generate() -> dict[str, str]:
    """Every generated file, by path relative to the dbt project."""
    files: dict[str, str] = {}
    for source in SOURCES.values():
        files[f"models/raw/raw_{source.name}.sql"] = raw_model(source)
        files[f"models/staging/stg_{source.name}.sql"] = staging_model(source)
        files[f"models/resource/res_{source.name}.sql"] = resource_model(source)
        files[f"models/quarantine/qua_{source.name}.sql"] = quarantine_model(source)
    files["models/raw/raw_batches.sql"] = RAW_BATCHES
    files["models/quarantine/qua_issues.sql"] = issues_model()
    files["models/raw/_raw__sources.yml"] = _yaml(sources_yml())
    files["models/raw/_raw__models.yml"] = _yaml(layer_yml("raw"))
    files["models/staging/_staging__models.yml"] = _yaml(layer_yml("staging"))
    files["models/resource/_resource__models.yml"] = _yaml(layer_yml("resource"))
    files["models/quarantine/_quarantine__models.yml"] = _yaml(layer_yml("quarantine"))
    for path, document in folder_yml().items():
        files[path] = CATALOG_HEADER + _dump(document)
    return files


def write(project: Path = DBT_PROJECT) -> list[str]:
    """Write the generated files; return the ones that changed."""
    files = generate()
    changed = stale(project)
    for relative in changed:
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8")
    return changed


def stale(project: Path = DBT_PROJECT) -> list[str]:
    """Generated files that differ from what the contracts say now."""
    return [
        relative
        for relative, text in generate().items()
        if not (project / relative).exists() or (project / relative).read_text(encoding="utf-8") != text
    ]


def _dump(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _yaml(document: dict) -> str:
    return "# " + HEADER[3:] + _dump(document)


def _lines(items: list[str], indent: int = 8) -> str:
    pad = " " * indent
    return ",\n".join(pad + item for item in items)


def raw_model(source: Source) -> str:
    columns = [*source.column_names, *LINEAGE]
    return f"""{HEADER}{{{{ config(alias='{source.name}', indexes=[{{'columns': ['_batch_id']}}]) }}}}

with landed as (

    select * from {{{{ source('landing', '{source.name}') }}}}

),

final as (

    select
{_lines(columns)}
    from landed
    {{% if is_incremental() %}}
    where not exists (
        select 1 from {{{{ this }}}} as kept where kept._batch_id = landed._batch_id
    )
    {{% endif %}}

)

select * from final
"""


RAW_BATCHES = f"""{HEADER}{{{{ config(alias='batches', unique_key='batch_id') }}}}

with received as (

    select * from {{{{ source('landing', 'batches') }}}}

),

final as (

    select * from received
    {{% if is_incremental() %}}
    where batch_id not in (select kept.batch_id from {{{{ this }}}} as kept)
    {{% endif %}}

)

select * from final
"""


def _lookups(source: Source) -> tuple[list[str], list[str]]:
    """CTEs and joins for the rules that look outside the row (division list, references)."""
    ctes, joins = [], []
    for column in source.columns:
        for rule in column.rules:
            if isinstance(rule, HubeiDivision) and "divisions as" not in "".join(ctes):
                ctes.append(
                    "divisions as (\n\n    select division_code from {{ ref('hubei_divisions') }}\n\n)"
                )
            if isinstance(rule, HubeiDivision):
                joins.append(
                    f"left join divisions as d_{column.name}\n"
                    f"        on d_{column.name}.division_code = c.{column.name}"
                )
            if isinstance(rule, ExistsIn):
                target = SOURCES[rule.source].column(rule.column)
                clean = "std.clean_code" if target.code else "std.clean"
                ctes.append(
                    f"known_{rule.source} as (\n\n    select distinct {clean}({rule.column}) as {rule.column}\n"
                    f"    from {{{{ ref('raw_{rule.source}') }}}}\n\n)"
                )
                joins.append(
                    f"left join known_{rule.source} as k_{column.name}\n"
                    f"        on k_{column.name}.{rule.column} = c.{column.name}"
                )
    return ctes, joins


def staging_model(source: Source) -> str:
    cleaned = [
        f"{'std.clean_code' if c.code else 'std.clean'}({c.name}) as {c.name}" for c in source.columns
    ]
    typed = [
        f"{TYPE_PARSERS[c.type]}({c.name}) as {c.name}__value" for c in source.columns if c.type != "text"
    ]
    key = ", ".join(source.key)
    typed.append(f"row_number() over (partition by _batch_id, {key} order by _row_number) as _occurrence")
    checks = [check for column in source.columns for check in column_checks(source, column)]
    checks += row_checks(source)
    issues = ",\n".join(" " * 12 + check.issue() for check in checks)
    ctes, joins = _lookups(source)
    lookups = "".join(f"{cte},\n\n" for cte in ctes)
    joined = "".join(f"\n    {join}" for join in joins)
    return f"""{HEADER}{{{{ config(alias='{source.name}') }}}}

with received as (

    select * from {{{{ ref('raw_{source.name}') }}}}

),

{lookups}standardised as (

    select
{_lines([*cleaned, *LINEAGE])}
    from received

),

typed as (

    select
        *,
{_lines(typed)}
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
{issues}
        ], null)) as _issues
    from typed as c{joined}

),

final as (

    select * from checked

)

select * from final
"""


def _typed_columns(source: Source) -> list[str]:
    return [c.name if c.type == "text" else f"{c.name}__value as {c.name}" for c in source.columns]


def resource_model(source: Source) -> str:
    key = ", ".join(source.key)
    order = ["_batch_id desc", "_row_number desc"]
    if source.watermark:
        order.insert(0, f"{source.watermark}__value desc")
    return f"""{HEADER}{{{{ config(alias='{source.name}') }}}}

with passed as (

    select * from {{{{ ref('stg_{source.name}') }}}}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by {key} order by {', '.join(order)}) as _version
    from passed

),

final as (

    select
{_lines([*_typed_columns(source), '_batch_id', '_row_number'])}
    from latest
    where _version = 1

)

select * from final
"""


def quarantine_model(source: Source) -> str:
    return f"""{HEADER}{{{{ config(alias='{source.name}') }}}}

with flagged as (

    select * from {{{{ ref('stg_{source.name}') }}}}
    where jsonb_array_length(_issues) > 0

),

final as (

    select
{_lines([*source.column_names, '_issues', *LINEAGE])}
    from flagged

)

select * from final
"""


def issues_model() -> str:
    parts = [
        f"""{s.name} as (

    select
        '{s.name}' as source,
        {s.key[0]} as key,
        _issues,
        _batch_id,
        _row_number
    from {{{{ ref('qua_{s.name}') }}}}

)"""
        for s in SOURCES.values()
    ]
    union = "\n    union all\n".join(f"    select * from {s}" for s in SOURCES)
    return f"""{HEADER}{{{{ config(alias='issues') }}}}

with batches as (

    select * from {{{{ ref('raw_batches') }}}}

),

{(','+chr(10)+chr(10)).join(parts)},

flagged as (

{union}

),

final as (

    select
        flagged.source,
        flagged.key,
        issue ->> 'rule' as rule,
        issue ->> 'column' as column_name,
        issue ->> 'detail' as detail,
        flagged._batch_id as batch_id,
        batches.origin as file,
        flagged._row_number as row_number
    from flagged
    cross join lateral jsonb_array_elements(flagged._issues) as issues (issue)
    left join batches on batches.batch_id = flagged._batch_id

)

select * from final
"""


def _column_doc(source: Source, name: str) -> dict:
    column = source.column(name)
    rules = (["required"] if column.required else []) + [r.name for r in column.rules]
    return {
        "name": name,
        "description": f"{column.chinese}",
        "meta": {"chinese": column.chinese, "type": column.type, "rules": rules},
    }


LINEAGE_DOCS = [
    {"name": "_extra", "description": "Columns received that the contract does not name, kept as sent (JSON)."},
    {"name": "_defect", "description": "What was wrong with the row's shape in the file, if anything."},
    {"name": "_batch_id", "description": "The batch (file or extract window) the row arrived in; see raw.batches."},
    {"name": "_row_number", "description": "Row in the file (header = 1) or position in the extract."},
]

LAYERS = {
    "raw": ("raw", "原始库: every row of {name} ({chinese}) ever received, exactly as sent, append-only."),
    "staging": ("stg", "{chinese}: standardised (NFKC, trimmed, codes upper-cased), typed, every rule checked."),
    "resource": ("res", "资源库: {chinese}, clean rows only, latest version per business key."),
    "quarantine": ("qua", "{chinese}: rows that break a rule of SOURCES.md, with every rule they break."),
}


def sources_yml() -> dict:
    tables = [
        {
            "name": s.name,
            "description": f"{s.chinese} ({s.owner} {s.system}): the batches just received, values as sent.",
            "meta": {"chinese": s.chinese, "owner": s.owner, "system": s.system, "channel": s.channel,
                     "key": list(s.key)},
            "columns": [_column_doc(s, c) for c in s.column_names] + LINEAGE_DOCS,
        }
        for s in SOURCES.values()
    ]
    tables.append({"name": "batches", "description": "Every file and extract window received: loaded or rejected, and why."})
    return {"version": 2, "sources": [{"name": "landing", "schema": "landing", "tables": tables}]}


def layer_yml(layer: str) -> dict:
    prefix, template = LAYERS[layer]
    models = [_model_doc(layer, prefix, template, s) for s in SOURCES.values()]
    if layer == "raw":
        models.append({
            "name": "raw_batches",
            "description": "原始库 batch log: every file and extract window received, loaded or rejected.",
            "columns": [{"name": "batch_id", "data_tests": ["unique", "not_null"]}],
        })
    if layer == "quarantine":
        models.append({
            "name": "qua_issues",
            "description": "One row per rule a received row breaks: source, business key, rule, detail, file and row.",
            "columns": [{"name": n, "data_tests": ["not_null"]} for n in ("source", "rule", "detail", "batch_id")],
        })
    return {"version": 2, "models": models}


def _model_doc(layer: str, prefix: str, template: str, source: Source) -> dict:
    doc = {
        "name": f"{prefix}_{source.name}",
        "description": template.format(name=source.name, chinese=source.chinese),
        "meta": {"source": source.name, "key": list(source.key)},
        "columns": [_column_doc(source, c) for c in source.column_names],
    }
    if layer == "resource":
        _add_resource_tests(source, doc)
    return doc


def _add_resource_tests(source: Source, doc: dict) -> None:
    from hubei_data.contracts.model import OneOf

    by_name = {c["name"]: c for c in doc["columns"]}
    for column in source.columns:
        tests = []
        if column.required:
            tests.append("not_null")
        for rule in column.rules:
            if isinstance(rule, OneOf):
                tests.append({"accepted_values": {"arguments": {"values": list(rule.values)}}})
        if source.key == (column.name,):
            tests.append("unique")
        if tests:
            by_name[column.name]["data_tests"] = tests
    if len(source.key) > 1:
        doc["data_tests"] = [{"unique_combination": {"arguments": {"columns": list(source.key)}}}]
