-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='license', materialized='table') }}

with flagged as (

    select * from {{ ref('stg_license') }}
    where jsonb_array_length(_issues) > 0

),

final as (

    select
        license_no,
        license_type,
        uscc,
        issued_on,
        valid_until,
        authority,
        status,
        updated_at,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
