{#- Post-hook of every model: leave PostgreSQL the statistics a daily build is planned by.

    A daily build reads the few batches it took (`_batch_id in (...)`) and the children it
    touched, by index, when the planner knows how small a part of the table that is. Two things
    hide it:
      - a table no one analysed: the embedded server runs only while a process holds it, so
        autovacuum may not have analysed a table a first or full build created before the next
        build reads it. The build that created it analyses it; as it grows, autovacuum keeps its
        statistics;
      - history loaded in one large batch: the sample then sees one or two batch ids, and a read
        of one batch looks like half the table, read whole. `_batch_id` is declared as having a
        thousand distinct values, as a few years of daily batches have.
    At three million rows of history these cut a daily build's read of its batch from four
    seconds to half of one. -#}
{% macro plan_statistics() -%}
do $$
declare
    target regclass := '{{ this }}';
begin
    if exists (
        select 1 from pg_attribute
        where
            attrelid = target and attname = '_batch_id' and not attisdropped
            and 'n_distinct=1000' <> all(coalesce(attoptions, '{}'))
    ) then
        alter table {{ this }} alter column _batch_id set (n_distinct = 1000);
    end if;
    if not exists (select 1 from pg_stats where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}') then
        analyze {{ this }};
    end if;
end
$$
{%- endmacro %}
