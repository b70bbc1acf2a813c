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
    excluded), so a row re-sent unchanged in a later batch is not counted as changed: an
    incremental build writes only the difference, and the sync ids say which rows this
    build inserted and which it updated. Such a row still takes the batch and row of the
    version sent last, as a full build would give it, with its sync ids and time kept. -#}
{% macro changed_rows(relation, key, lineage=true) -%}
{%- set keys = [key] if key is string else key -%}
{%- set held_lineage = [] -%}
{%- if execute and is_incremental() -%}
    {%- set held_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- for column in lineage_columns() if column in held_columns -%}
        {%- do held_lineage.append(column) -%}
    {%- endfor -%}
{%- endif -%}
select
    h.*,
    {% if is_incremental() -%}
    {%- set this_build = "'" ~ sync_id() ~ "'" -%}
    {%- for column, stamp in stamps_kept('t', 'h._row_hash', this_build, this_build, 'now()').items() %}
    {{ stamp }} as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
    {%- else -%}
    '{{ sync_id() }}'::text as _first_sync_id,
    '{{ sync_id() }}'::text as _sync_id,
    now() as _synced_at
    {%- endif %}
from ({{ hashed_rows(relation, lineage) }}) as h
{% if is_incremental() -%}
left join {{ this }} as t
    on {% for k in keys %}t.{{ k }} = h.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
where
    t.{{ keys[0] }} is null or t._row_hash <> h._row_hash
    {%- for column in held_lineage %} or t.{{ column }} is distinct from h.{{ column }}{% endfor %}
{%- endif %}
{%- endmacro %}

{#- Every row of `relation`, stamped as written by this build, for a model that recomputes some
    keys whole: its incremental strategy, `recomputed`, writes only those that changed. -#}
{% macro recomputed_rows(relation, lineage=true) -%}
select
    h.*,
    '{{ sync_id() }}'::text as _first_sync_id,
    '{{ sync_id() }}'::text as _sync_id,
    now() as _synced_at
from ({{ hashed_rows(relation, lineage) }}) as h
{%- endmacro %}

{#- The incremental strategy of a model that recomputes some keys whole (macros/children_touched.sql,
    `recomputed_keys`): of those keys, the rows it holds that it computed again differently, or
    did not compute again, are deleted, and the new and different rows inserted. A row computed
    again the same is left as it is: most of a day's children are recomputed unchanged, and
    rewriting them was a third of a day's child profiles at ten million rows. A row whose
    business columns are the same but whose lineage moved to a later batch is written with its
    sync ids and time kept; a changed row keeps the sync id it was first written in.

    The rows held of those keys are read once, by key, before any is deleted: a new row is one
    whose key was not among them, so whether a row is new needs no second read of the table. A
    changed row is inserted only as its old row comes out of the delete, so the two never meet
    in the key's unique index. The rows computed again are analysed first: the planner would
    otherwise take the new table for a few pages and compare it with the rows held by nested loops. -#}
{% macro get_incremental_recomputed_sql(arg_dict) -%}
{%- set held = arg_dict['target_relation'] -%}
{%- set computed = arg_dict['temp_relation'] -%}
{%- set key = arg_dict['unique_key'] -%}
{%- if key is not string -%}
{{ exceptions.raise_compiler_error("the recomputed strategy takes one key column, not " ~ key) }}
{%- endif -%}
{%- set columns = arg_dict['dest_columns'] | map(attribute='name') | list -%}
{%- set lineage = lineage_columns() if '_batch_id' in columns else [] -%}
{%- set kept_when_same = stamps_kept('removed', 'new._row_hash', 'new._first_sync_id', 'new._sync_id', 'new._synced_at') -%}
analyze {{ computed }};
with held_before as materialized (

    select {{ key }}, _row_hash{% for column in lineage %}, {{ column }}{% endfor %}
    from {{ held }}
    where {{ key }} in (select {{ key }} from {{ computed }} union all {{ recomputed_keys(key) }})

),

removed as (

    delete from {{ held }} as old
    where old.{{ key }} in (
        select {{ key }} from held_before as kept
        where not exists (
            select 1 from {{ computed }} as new
            where
                new.{{ key }} = kept.{{ key }} and new._row_hash = kept._row_hash
                {%- for column in lineage %}
                and new.{{ column }} = kept.{{ column }}
                {%- endfor %}
        )
    )
    returning old.{{ key }}, old._row_hash, old._first_sync_id, old._sync_id, old._synced_at

)

insert into {{ held }} ({{ columns | join(', ') }})
select
    {%- for column in columns %}
    {{ kept_when_same.get(column, 'new.' ~ column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from {{ computed }} as new
left join removed on removed.{{ key }} = new.{{ key }}
where removed.{{ key }} is not null or new.{{ key }} not in (select {{ key }} from held_before)
{%- endmacro %}

{#- The stamps of a row written again over `held`, the row held before, as column: expression. It
    keeps the sync id it was first written in; when its business columns are the same (only its
    lineage moved) it keeps its sync id and time too, so it is neither counted nor pushed as
    changed. The other arguments are the new row's digest and stamps. -#}
{% macro stamps_kept(held, new_hash, new_first_sync_id, new_sync_id, new_synced_at) -%}
{%- set same = held ~ '._row_hash = ' ~ new_hash -%}
{{ return({
    '_first_sync_id': 'coalesce(' ~ held ~ '._first_sync_id, ' ~ new_first_sync_id ~ ')',
    '_sync_id': 'case when ' ~ same ~ ' then ' ~ held ~ '._sync_id else ' ~ new_sync_id ~ ' end',
    '_synced_at': 'case when ' ~ same ~ ' then ' ~ held ~ '._synced_at else ' ~ new_synced_at ~ ' end',
}) }}
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
    md5((to_jsonb(c) - array['{{ lineage_columns() | join("', '") }}'])::text) as _row_hash
    {%- else -%}
    md5(c::text) as _row_hash
    {%- endif %}
from {{ relation }} as c
{%- endmacro %}

{#- The columns that say which batch and row a row came from: not business columns, so not hashed. -#}
{% macro lineage_columns() -%}
    {{ return(['_batch_id', '_row_number']) }}
{%- endmacro %}
