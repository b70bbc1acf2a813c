-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='inspection') }}

with passed as (

    select * from {{ ref('stg_inspection') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by inspection_id order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        inspection_id,
        uscc,
        inspected_on__value as inspected_on,
        division_code,
        result,
        findings__value as findings,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
