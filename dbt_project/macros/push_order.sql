{#- The order pushes read a share table in, batch after batch (hubei_data/exchange/share_push.py):
    by sync time, then key in byte order, the same on every server whatever its collation. With this
    index a batch is a range of it, read from where the last one ended; without it each batch would
    sort every row left to push.
    A hook rather than an `indexes` entry: dbt makes those only with the table, and a warehouse
    built before this index gets it at its next build. -#}
{% macro push_order_index() -%}
{%- set keys = config.get('unique_key') -%}
{%- set keys = [keys] if keys is string else keys -%}
create index if not exists {{ adapter.quote(this.identifier ~ '_push_order') }} on {{ this }}
(_synced_at{% for key in keys %}, {{ adapter.quote(key) }} collate "C"{% endfor %})
{%- endmacro %}
