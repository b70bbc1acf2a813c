-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='license', materialized='table') }}

with passed as (

    select * from {{ ref('stg_license') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by license_no, license_type order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        license_no,
        license_type,
        uscc,
        issued_on__value as issued_on,
        valid_until__value as valid_until,
        authority,
        status,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
