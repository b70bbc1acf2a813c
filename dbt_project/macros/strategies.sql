{#- dbt's append and delete+insert strategies, by which the raw, staging, quarantine, resource and
    most subject and share models write a build's rows: delete+insert analyses the day's rows
    first, and both build the table's indexes again after a day larger than what the table holds
    (a first file far larger than its history, a backlog). -#}

{% macro postgres__get_incremental_append_sql(arg_dict) -%}
{%- call indexes_built_after(arg_dict['target_relation'], arg_dict['temp_relation']) -%}
{{ default__get_incremental_append_sql(arg_dict) }}
{%- endcall -%}
{%- endmacro %}

{#- The day's rows are analysed first: the planner otherwise takes them for a few pages and deletes
    the rows they replace by one lookup a row, four seconds for a file of a million rows where
    reading the table once takes one. -#}
{% macro postgres__get_incremental_delete_insert_sql(arg_dict) -%}
analyze {{ arg_dict['temp_relation'] }};
{% call indexes_built_after(arg_dict['target_relation'], arg_dict['temp_relation']) -%}
{{ default__get_incremental_delete_insert_sql(arg_dict) }}
{%- endcall -%}
{%- endmacro %}

{#- The statements of the call block, which write the rows of `source` into `target`; when
    `source` holds more rows than `target` did at its last count, with the indexes of `target`
    dropped before them and built again after them, but those backing a constraint and those
    ordered by batch first, to whose end a day's rows are written in order. An index built whole
    sorts its entries once; one written row by row is searched for each row, in an order that
    reaches every page of it: a million rows written into resource's four indexes by person and
    record took six seconds, and building them whole two. A unique index built again still
    refuses a repeated key, failing the build as the write would have. Until the build commits,
    the table cannot be read: dropping an index locks it. -#}
{% macro indexes_built_after(target, source) -%}
{%- set rebuilt = [] -%}
{%- if execute -%}
{%- set counted = run_query(
    "select (select count(*) from " ~ source ~ "), (select reltuples::bigint from pg_class where oid = '"
    ~ target ~ "'::regclass)").rows[0] -%}
{%- if counted[0] > counted[1] -%}
{%- set rebuilt = run_query(
    "select held.indexrelid::regclass::text, pg_get_indexdef(held.indexrelid) from pg_index as held"
    ~ " where held.indrelid = '" ~ target ~ "'::regclass"
    ~ " and not exists (select 1 from pg_constraint where conindid = held.indexrelid)"
    ~ " and (select attname from pg_attribute where attrelid = held.indrelid and attnum = held.indkey[0])"
    ~ " is distinct from '_batch_id' order by 1").rows -%}
{%- endif -%}
{%- endif -%}
{%- if rebuilt -%}
{{ log(this ~ ": the day's " ~ counted[0] ~ " rows are more than the " ~ counted[1] ~ " it held at its last count;"
       ~ " its indexes not led by the batch are built again after them", info=true) }}
{%- for index in rebuilt %}
drop index {{ index[0] }};
{%- endfor %}
{{ caller() }}
{%- for index in rebuilt %};
{{ index[1] }}
{%- endfor -%}
{%- else -%}
{{ caller() }}
{%- endif -%}
{%- endmacro %}
