{#- dbt-postgres's index DDL, with one more key in a model's `indexes` config: `include`, columns
    stored in the index beside those it is ordered by, so a lookup by key that needs only them
    reads the index alone (a covering index), never the table. The resource models look up each
    key's newest version so, and the child identifiers each version of a day's records
    (hubei_data/transform/model_sql.py). dbt-postgres checks an index config against its own
    keys, so `include` is taken out before it reads the rest. -#}
{% macro postgres__get_create_index_sql(relation, index_dict) -%}
{%- set included = index_dict.get('include', []) -%}
{%- set declared = {} -%}
{%- for name, value in index_dict.items() if name != 'include' -%}
    {%- do declared.update({name: value}) -%}
{%- endfor -%}
{%- set index_config = adapter.parse_index(declared) -%}
create {% if index_config.unique %}unique {% endif %}index if not exists "{{ index_config.render(relation) }}"
on {{ relation }} {% if index_config.type %}using {{ index_config.type }} {% endif -%}
({{ index_config.columns | join(', ') }})
{%- if included %} include ({{ included | join(', ') }}){% endif %}
{%- endmacro %}
