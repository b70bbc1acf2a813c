-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='device_registration',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.device_registration']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_device_registration') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on,
        valid_until,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
