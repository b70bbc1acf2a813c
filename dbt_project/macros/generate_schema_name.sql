{#- A model's folder names its PostgreSQL schema exactly: raw, staging, resource, quarantine. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
