{{ config(alias='device_product_info', unique_key='reg_no', indexes=[{'columns': ['reg_no'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with devices as (

    select * from {{ ref('res_device_registration') }}

),

profiles as (

    select product_no, holder_name, is_valid from {{ ref('sub_product_profile') }}

),

final as (

    select
        d.reg_no,
        d.product_name,
        d.device_class,
        d.registrant_uscc,
        p.holder_name as registrant_name,
        d.approved_on,
        d.valid_until,
        p.is_valid,
        d._batch_id,
        d._row_number
    from devices as d
    inner join profiles as p on p.product_no = d.reg_no

)

{{ changed_rows('final', 'reg_no') }}
