"""The SQL of the raw, staging, resource and quarantine models of each source contract.

Staging and quarantine take in each raw batch once and resource merges it by key, through the
batch ledger (dbt_project/macros/batch_ledger.sql), so a day's build costs what the day sent.
A source whose rules look up another source's data is rebuilt whole instead: a row's verdict
can change when that data arrives.
"""

from hubei_data.contracts import SOURCES, Source
from hubei_data.contracts.model import ExistsIn, HubeiDivision
from hubei_data.ingest.landing import LINEAGE
from hubei_data.transform.sql_rules import TYPE_PARSERS, column_checks, row_checks

HEADER = "-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.\n"

# What the child identifiers read of each version of a day's records, from staging's index alone (find_day_versions
# in dbt_project/macros/children_touched.sql): at ten million rows, a second against one and a half reading the rows.
# Every version is in the index, not only those that passed: the planner would take an index of those for a cheap
# filter of the day's batch, and read all of it.
VERSION_READS = {
    "vaccination": ("child_id_no", "birth_cert_no", "child_name", "birth_date__value", "vaccine_code", "dose_no__value",
                    "vaccinated_on__value", "_batch_id", "_issues"),
}
PASSED = "jsonb_array_length(_issues) = 0"

# What the subject models look children up by when a build recomputes only the children its
# batches touched (dbt_project/macros/children_touched.sql).
LOOKUP_INDEXES = {
    "vaccination": (("child_id_no",), ("birth_cert_no",), ("child_name",)),
    "birth_certificate": (("birth_date", "child_name"),),
}


def _index(columns: tuple[str, ...], unique: bool = False, include: tuple[str, ...] = ()) -> str:
    """One entry of a config `indexes` list; `include` makes it covering (dbt_project/macros/indexes.sql)."""
    entry = f"'columns': {list(columns)}"
    if unique:
        entry += ", 'unique': True"
    if include:
        entry += f", 'include': {list(include)}"
    return "{" + entry + "}"


def _indexes(*entries: str) -> str:
    return f"[{', '.join(entries)}]"


def _lines(items: list[str], indent: int = 8) -> str:
    pad = " " * indent
    return ",\n".join(pad + item for item in items)


def raw_model(source: Source) -> str:
    columns = [*source.column_names, *LINEAGE]
    config = _config(
        alias=f"'{source.name}'",
        indexes="[{'columns': ['_batch_id']}]",
        post_hook=f"\"{{{{ record_raw_batches(source('landing', '{source.name}')) }}}}\"",
    )
    return f"""{HEADER}{config}

with landed as (

    select * from {{{{ source('landing', '{source.name}') }}}}

),

final as (

    select
{_lines(columns)}
    from landed
    {{% if is_incremental() %}}
    -- batch by batch, not row by row: the planner cannot mistake raw's size for a landing row's share of it
    where landed._batch_id in (
        select batches._batch_id from (select distinct _batch_id from landed) as batches
        where not exists (select 1 from {{{{ this }}}} as kept where kept._batch_id = batches._batch_id)
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


def _version_index(source: Source) -> str:
    """Staging's index of each key's versions, with what the subject models read of them where they read a day's
    versions (VERSION_READS)."""
    return _index(source.key, include=VERSION_READS.get(source.name, ()))


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
    return f"""{HEADER}{_batchwise_config(source, f'raw.{source.name}', _version_index(source))}

with received as (

    select * from {{{{ ref('raw_{source.name}') }}}}{_taken(source, "where")}

),

{lookups}standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
{_lines([*cleaned, *LINEAGE])}
    from received
    offset 0

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


def _batchwise_config(source: Source, read: str, *indexed: str) -> str:
    """A staging or quarantine model's config: appended batch by batch, or rebuilt whole."""
    if source.checks_other_sources:
        return f"{{{{ config(alias='{source.name}', materialized='table') }}}}"
    return _config(
        alias=f"'{source.name}'",
        indexes=_indexes(_index(("_batch_id", "_row_number"), unique=True), *indexed),
        pre_hook=_take_batches([read]),
    )


def _take_batches(reads: list[str], then: str = "") -> str:
    """The pre-hook, quoted, that takes in the batches of `reads` (schema.table) this model has not; `then` after."""
    listed = "', '".join(reads)
    return f"\"{{{{ take_batches(['{listed}']) }}}}{then}\""


def _config(**settings: str) -> str:
    """A model's config block, one setting a line."""
    return "{{ config(\n" + "".join(f"    {name}={value},\n" for name, value in settings.items()) + ") }}"


def _taken(source: Source, keyword: str) -> str:
    """The filter to the batches this build took in, unless the source is rebuilt whole."""
    if source.checks_other_sources:
        return ""
    return f"\n    {keyword} _batch_id in ({{{{ taken_batches() }}}})"


def _typed_columns(source: Source) -> list[str]:
    return [c.name if c.type == "text" else f"{c.name}__value as {c.name}" for c in source.columns]


def resource_model(source: Source) -> str:
    """Each key's newest passed row; a build writes a row of the batches it took in unless the row it holds is newer.

    The rows held are compared by what orders versions alone, which the key's unique index carries, so a day's
    lookups read that index and never the table: at ten million rows, half a second against two reading the rows."""
    if source.checks_other_sources:
        return _whole_resource_model(source)
    kept = ", ".join(f"'{k}'" for k in source.key)
    order = _version_order(source)
    config = _config(
        alias=f"'{source.name}'",
        unique_key=f"[{kept}]",
        indexes=_indexes(_index(source.key, unique=True, include=order), _index(("_batch_id",)),
                         *(_index(columns) for columns in LOOKUP_INDEXES.get(source.name, ()))),
        pre_hook=_take_batches([f"staging.{source.name}"]),
        meta="{'tested_rows': 'taken_batches'}",
    )
    key = ", ".join(source.key)
    newest = ", ".join(_newest_first(source))
    same_key = "\n                and ".join(f"held.{k} = day.{k}" for k in source.key)
    return f"""{HEADER}{config}

with passed as (

    select * from {{{{ ref('stg_{source.name}') }}}}
    where {PASSED} and _batch_id in ({{{{ taken_batches() }}}})

),

versions as (

    select
{_lines([*_typed_columns(source), '_batch_id', '_row_number'])},
        row_number() over (partition by {key} order by {newest}) as _version
    from passed

),

final as (

    select
{_lines([*source.column_names, '_batch_id', '_row_number'])}
    from versions as day
    where
        _version = 1
        {{% if is_incremental() %}}
        and not exists (
            select 1 from {{{{ this }}}} as held
            where
                {same_key}
                and ({", ".join(f"held.{c}" for c in order)}) > ({", ".join(f"day.{c}" for c in order)})
        )
        {{% endif %}}

)

select * from final
"""


def _version_order(source: Source) -> list[str]:
    """What orders a key's versions, oldest to newest: the watermark, when the source has one, then batch and row."""
    return [*([source.watermark] if source.watermark else []), "_batch_id", "_row_number"]


def _newest_first(source: Source) -> list[str]:
    """`_version_order` for an `order by` over staging, whose watermark is read typed."""
    return [f"{column}__value desc" if column == source.watermark else f"{column} desc"
            for column in _version_order(source)]


def _whole_resource_model(source: Source) -> str:
    key = ", ".join(source.key)
    return f"""{HEADER}{{{{ config(alias='{source.name}', materialized='table') }}}}

with passed as (

    select * from {{{{ ref('stg_{source.name}') }}}}
    where {PASSED}

),

latest as (

    select
        *,
        row_number() over (partition by {key} order by {', '.join(_newest_first(source))}) as _version
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
    return f"""{HEADER}{_batchwise_config(source, f'staging.{source.name}')}

with flagged as (

    select * from {{{{ ref('stg_{source.name}') }}}}
    where jsonb_array_length(_issues) > 0{_taken(source, "and")}

),

final as (

    select
{_lines([*source.column_names, '_issues', *LINEAGE])}
    from flagged

)

select * from final
"""


def issues_model() -> str:
    """Every issue of every quarantined row, one per line: batch-wise sources' new batches are
    appended; the rows of sources rebuilt whole are replaced."""
    batchwise = [f"quarantine.{s.name}" for s in SOURCES.values() if not s.checks_other_sources]
    whole = ", ".join(f"'{s.name}'" for s in SOURCES.values() if s.checks_other_sources)
    replace_whole = f"{{% if is_incremental() %}}; delete from {{{{ this }}}} where source in ({whole}){{% endif %}}"
    config = _config(alias="'issues'", pre_hook=_take_batches(batchwise, then=replace_whole))
    parts = [
        f"""{s.name} as (

    select
        '{s.name}' as source,
        {s.key[0]} as key,
        _issues,
        _batch_id,
        _row_number
    from {{{{ ref('qua_{s.name}') }}}}{_taken(s, "where")}

)"""
        for s in SOURCES.values()
    ]
    union = "\n    union all\n".join(f"    select * from {s}" for s in SOURCES)
    return f"""{HEADER}{config}

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
