{#- The batch ledger (raw.model_batches): which batches each incremental model has taken in.

    A daily build then reads only the batches its inputs took in since its own last build,
    so its cost follows the day's change, not the history. Each model takes its batches in
    a pre-hook inside its own transaction and reads exactly those (`taken_batches()`), so a
    batch committed upstream meanwhile waits for the next build: nothing is read twice or
    skipped, and a build that fails takes nothing. -#}

{% macro create_batch_ledger() -%}
do $$
begin
    perform pg_advisory_xact_lock(hashtext('hubei_data.model_batches'));
    create schema if not exists raw;
    create table if not exists raw.model_batches (
        model text not null,
        batch_id bigint not null,
        taken_by xid8 not null default pg_current_xact_id(),
        taken_at timestamptz not null default now(),
        primary key (model, batch_id)
    );
    -- the build (sync id) that took the batch, whose tests check that batch's rows
    alter table raw.model_batches add column if not exists taken_in text;
    -- the children each build of the child identifiers touched (macros/children_touched.sql)
    create table if not exists raw.children_touched (taken_in text not null, identifier text);
    create index if not exists children_touched_taken_in on raw.children_touched (taken_in);
    -- identifiers of children whose records changed nothing the profiles count
    alter table raw.children_touched add column if not exists profile_kept boolean not null default false;
end
$$
{%- endmacro %}

{%- macro ledger_name(relation) -%}
    {{ relation.schema }}.{{ relation.identifier }}
{%- endmacro %}

{#- Pre-hook: take the batches `inputs` (schema.table names) hold that this model has not.
    A first or full build takes every batch its inputs hold, or, `from_ledger`, every batch they
    took in (for inputs without a batch column); an incremental one, those the inputs took in
    since (an input's ledger entries commit with its rows). -#}
{% macro take_batches(inputs, from_ledger=false) -%}
{%- if is_incremental() or from_ledger -%}
{%- if not is_incremental() -%}
delete from raw.model_batches where model = '{{ ledger_name(this) }}';
{% endif -%}
insert into raw.model_batches (model, batch_id, taken_in)
select distinct '{{ ledger_name(this) }}', batch_id, '{{ sync_id() }}' from raw.model_batches
where model in ('{{ inputs | join("', '") }}')
on conflict do nothing
{%- else -%}
delete from raw.model_batches where model = '{{ ledger_name(this) }}';
insert into raw.model_batches (model, batch_id, taken_in)
select distinct '{{ ledger_name(this) }}', _batch_id, '{{ sync_id() }}' from (
    {% for input in inputs %}select _batch_id from {{ input }}{% if not loop.last %} union all {% endif %}{% endfor %}
) as held
{%- endif -%}
{%- endmacro %}

{#- The batches this build of the model took in (for `where _batch_id in (...)`). -#}
{% macro taken_batches() -%}
select batch_id from raw.model_batches
where model = '{{ ledger_name(this) }}' and taken_by = pg_current_xact_id()
{%- endmacro %}

{#- Raw's post-hook: the batches landed in `landing` (a landing table) that raw now holds, for the
    models that read raw. Read from the batch log beside it, a row a file, not from the landed rows,
    which a day's file fills with a hundred thousand. -#}
{% macro record_raw_batches(landing) -%}
{%- set batches = api.Relation.create(database=landing.database, schema=landing.schema, identifier='batches') -%}
insert into raw.model_batches (model, batch_id)
select '{{ ledger_name(this) }}', landed.batch_id
from {{ batches }} as landed
where
    landed.source = '{{ landing.identifier }}' and landed.status = 'loaded'
    and exists (select 1 from {{ this }} as kept where kept._batch_id = landed.batch_id)
on conflict do nothing
{%- endmacro %}
