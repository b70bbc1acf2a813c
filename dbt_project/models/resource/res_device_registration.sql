-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='device_registration') }}

with passed as (

    select * from {{ ref('stg_device_registration') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by reg_no order by _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on__value as approved_on,
        valid_until__value as valid_until,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
