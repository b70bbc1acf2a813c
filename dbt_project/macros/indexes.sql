{#- dbt-postgres's index DDL, with two more keys in a model's `indexes` config:
    - `include`: columns stored in the index beside those it is ordered by, so a lookup by key
      that needs only them reads the index alone (a covering index), never the table. The
      resource models look up each key's newest version so, and the child identifiers each
      version of a day's records (hubei_data/transform/model_sql.py);
    - `where`: the rows the index holds (a partial index), so a lookup of keys most of which the
      condition excludes finds that in a small index, without reading a row of the table.
    dbt-postgres checks an index config against its own keys, so these are taken out before it
    reads the rest. -#}
{% macro postgres__get_create_index_sql(relation, index_dict) -%}
{%- set included = index_dict.get('include', []) -%}
{%- set declared = {} -%}
{%- for name, value in index_dict.items() if name not in ('include', 'where') -%}
    {%- do declared.update({name: value}) -%}
{%- endfor -%}
{%- set index_config = adapter.parse_index(declared) -%}
create {% if index_config.unique %}unique {% endif %}index if not exists "{{ index_config.render(relation) }}"
on {{ relation }} {% if index_config.type %}using {{ index_config.type }} {% endif -%}
({{ index_config.columns | join(', ') }})
{%- if included %} include ({{ included | join(', ') }}){% endif %}
{%- if index_dict.get('where') %} where {{ index_dict['where'] }}{% endif %}
{%- endmacro %}
