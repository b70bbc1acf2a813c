{#- A build tests the rows it wrote, not the whole history: the cost of a daily build's tests
    follows the day's change.

    Rows a build did not write were tested by the build that wrote them. A model says how its
    rows of one build are found by `meta.tested_rows`:
      - 'sync': rows stamped with this build's sync id (subject and share, `changed_rows`);
      - 'taken_batches': rows of the batches this build took in (the batch ledger), found by
        the index on `_batch_id`.
    Any other model, and any test with a `where` of its own, is tested as dbt tests it. A key's
    uniqueness across the whole table is held by the unique index every such model has on it
    (tests/transform/test_tested_rows.py). -#}

{% macro postgres__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where and execute -%}
        {%- set where = this_build_wrote(relation) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition selecting the rows this build wrote into `relation`, or '' for every row. -#}
{% macro this_build_wrote(relation) -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.schema == relation.schema
            and (node.alias or node.name) == relation.identifier -%}
        {%- set tested_rows = node.config.meta.get('tested_rows') -%}
        {%- if tested_rows == 'sync' -%}
            {%- do return("_sync_id = '" ~ sync_id() ~ "'") -%}
        {%- elif tested_rows == 'taken_batches' -%}
            {%- do return("_batch_id = any(array(select batch_id from raw.model_batches where model = '"
                ~ relation.schema ~ "." ~ relation.identifier ~ "' and taken_in = '" ~ sync_id() ~ "'))") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return('') -%}
{%- endmacro %}
