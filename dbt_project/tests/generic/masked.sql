{#- Fails for every value that shows more than its masking rule lets through (see std.mask_*). -#}
{% test masked(model, column_name, rule) %}
{%- set functions = {'id_number': 'std.mask_id_number', 'name': 'std.mask_name', 'phone': 'std.mask_phone'} -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} <> {{ functions[rule] }}({{ column_name }})
{% endtest %}
