{#- This build's sync id: Dagster passes its run id; a bare dbt run uses dbt's invocation id.
    Read only when the SQL is compiled to run: an environment variable read while parsing is
    remembered, and a new value every build would make dbt parse every model using it again. -#}
{% macro sync_id() -%}
    {%- if execute -%}
        {{ return(env_var('HUBEI_DATA_SYNC_ID', invocation_id)) }}
    {%- else -%}
        {{ return('') }}
    {%- endif -%}
{%- endmacro %}

{#- The day profiles and flags are computed for: the `as_of` var, or today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of', none) -%} date '{{ var("as_of") }}' {%- else -%} current_date {%- endif -%}
{%- endmacro %}

{#- Rows of `relation` that are new or differ from what this model already holds.

    Each row carries a hash of its business columns (lineage columns starting with `_`
    excluded), so a row re-sent unchanged in a later batch is not rewritten; an
    incremental build writes only the difference, and the sync ids say which rows this
    build inserted and which it updated. -#}
{% macro changed_rows(relation, key, lineage=true) -%}
{%- set keys = [key] if key is string else key -%}
select
    h.*,
    {% if is_incremental() -%}
    coalesce(t._first_sync_id, '{{ sync_id() }}') as _first_sync_id,
    {%- else -%}
    '{{ sync_id() }}'::text as _first_sync_id,
    {%- endif %}
    '{{ sync_id() }}'::text as _sync_id,
    now() as _synced_at
from ({{ hashed_rows(relation, lineage) }}) as h
{% if is_incremental() -%}
left join {{ this }} as t
    on {% for k in keys %}t.{{ k }} = h.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
where t.{{ keys[0] }} is null or t._row_hash <> h._row_hash
{%- endif %}
{%- endmacro %}

{#- Every row of `relation`, for a model that recomputes some keys whole and removes the rest of
    them afterwards (macros/children_touched.sql): a row as this model already holds it keeps its
    sync ids and time, so only the difference counts as written. A full build: `changed_rows`.

    Each row looks up its key in this model on its own (a lateral subquery with a limit, which the
    planner cannot flatten into a join): the rows recomputed are few beside the table, but their
    count is estimated from columns whose distinct values a sample undercounts, and a join planned
    for millions reads this model's whole key index, a cost that grows with history. -#}
{% macro rewritten_rows(relation, key, lineage=true) -%}
{%- if not is_incremental() -%}
{{ changed_rows(relation, key, lineage) }}
{%- else -%}
select
    h.*,
    coalesce(t._first_sync_id, '{{ sync_id() }}') as _first_sync_id,
    case when t._row_hash = h._row_hash then t._sync_id else '{{ sync_id() }}' end as _sync_id,
    case when t._row_hash = h._row_hash then t._synced_at else now() end as _synced_at
from ({{ hashed_rows(relation, lineage) }}) as h
left join lateral (
    select held._first_sync_id, held._sync_id, held._synced_at, held._row_hash
    from {{ this }} as held
    where held.{{ key }} = h.{{ key }}
    limit 1
) as t on true
{%- endif %}
{%- endmacro %}

{#- The rows of `relation` with a hash of their business columns (lineage columns excluded).

    Rows without lineage columns (`lineage=false`) are hashed as their text, a quarter of the
    cost of building their JSON to drop the lineage from (0.7 s of a day's 3.5 s of child
    profiles at ten million rows); dates in it are written in the ISO style every build sets
    (macros/build_settings.sql). -#}
{% macro hashed_rows(relation, lineage=true) -%}
select
    c.*,
    {% if lineage -%}
    md5((to_jsonb(c) - array['_batch_id', '_row_number'])::text) as _row_hash
    {%- else -%}
    md5(c::text) as _row_hash
    {%- endif %}
from {{ relation }} as c
{%- endmacro %}
