-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='device_registration',
    unique_key=['reg_no'],
    indexes=[{'columns': ['reg_no'], 'unique': True, 'include': ['_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.device_registration']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_device_registration') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        reg_no,
        product_name,
        device_class,
        registrant_uscc,
        approved_on__value as approved_on,
        valid_until__value as valid_until,
        _batch_id,
        _row_number,
        row_number() over (partition by reg_no order by _batch_id desc, _row_number desc) as _version
    from passed

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
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.reg_no = day.reg_no
                and (held._batch_id, held._row_number) > (day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
