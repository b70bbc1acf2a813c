-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='penalty') }}

with passed as (

    select * from {{ ref('stg_penalty') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by case_no order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        case_no,
        uscc,
        decided_on__value as decided_on,
        violation,
        fine_yuan__value as fine_yuan,
        confiscated_yuan__value as confiscated_yuan,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
