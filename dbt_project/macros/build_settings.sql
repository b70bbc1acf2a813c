{#- Pre-hook of every model: its sorts' and hashes' memory, and the cost of reads by index, for
    the model's own transaction only.

    A full build sorts and hashes whole batches and tables: with PostgreSQL's default of 4MB a
    million-row build spills to disk (a full build of 2M vaccination rows, 80 s against 70), so
    it gets 256MB. A daily build sorts a day's rows, and PostgreSQL sizes a hash table by the
    planner's estimate up to twice this memory, allocated and cleared before the first row: a
    day's lookups by key, estimated at millions of rows, found a few thousand children in 70 ms
    and spent 450 ms more on the hash tables 256MB allowed. It gets 64MB.

    Pages are read from memory or SSD, not spinning disks: a daily build's lookups by index cost
    little more than reading in order. Dates are written as text in the ISO style whatever the
    server's default, so a row hashed as its text (macros/sync.sql) hashes the same in every build. -#}
{% macro build_settings() -%}
set local work_mem = '{{ "64MB" if is_incremental() else "256MB" }}';
set local random_page_cost = 1.1;
set local datestyle = 'ISO'
{%- endmacro %}
