-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='device_registration',
    unique_key=['reg_no'],
    indexes=[{'columns': ['reg_no'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.device_registration']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_device_registration') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on__value as approved_on,
        valid_until__value as valid_until,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on,
        valid_until,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (reg_no) in (select reg_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by reg_no order by _batch_id desc, _row_number desc) as _version
    from candidates

),

final as (

    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on,
        valid_until,
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
