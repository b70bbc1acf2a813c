{{ config(alias='sampling_result', unique_key='sample_no', indexes=[{'columns': ['sample_no'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with sampling as (

    select * from {{ ref('res_sampling') }}

),

enterprises as (

    select uscc, name from {{ ref('sub_enterprise_profile') }}

),

products as (

    select product_no, product_name from {{ ref('sub_product_profile') }}

),

final as (

    select
        s.sample_no,
        s.approval_no,
        p.product_name as generic_name,
        s.uscc,
        e.name as enterprise_name,
        s.sampled_on,
        s.result,
        s.failed_items,
        s._batch_id,
        s._row_number
    from sampling as s
    left join enterprises as e on e.uscc = s.uscc
    left join products as p on p.product_no = s.approval_no

)

{{ changed_rows('final', 'sample_no') }}
