{{ config(alias='drug_product_info', unique_key='approval_no', indexes=[{'columns': ['approval_no'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with drugs as (

    select * from {{ ref('res_drug_product') }}

),

profiles as (

    select product_no, holder_name, is_valid from {{ ref('sub_product_profile') }}

),

final as (

    select
        d.approval_no,
        d.generic_name,
        d.dosage_form,
        d.spec,
        d.holder_uscc,
        p.holder_name,
        d.approved_on,
        d.valid_until,
        p.is_valid,
        d._batch_id,
        d._row_number
    from drugs as d
    inner join profiles as p on p.product_no = d.approval_no

)

{{ changed_rows('final', 'approval_no') }}
