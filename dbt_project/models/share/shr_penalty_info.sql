{{ config(alias='penalty_info', unique_key='case_no', indexes=[{'columns': ['case_no'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with penalties as (

    select * from {{ ref('res_penalty') }}

),

enterprises as (

    select uscc, name from {{ ref('sub_enterprise_profile') }}

),

final as (

    select
        p.case_no,
        p.uscc,
        e.name as enterprise_name,
        p.decided_on,
        p.violation,
        p.fine_yuan,
        p.confiscated_yuan,
        p._batch_id,
        p._row_number
    from penalties as p
    left join enterprises as e on e.uscc = p.uscc

)

{{ changed_rows('final', 'case_no') }}
