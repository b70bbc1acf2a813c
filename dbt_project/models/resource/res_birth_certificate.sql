-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='birth_certificate') }}

with passed as (

    select * from {{ ref('stg_birth_certificate') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by cert_no order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        cert_no,
        child_name,
        sex,
        birth_date__value as birth_date,
        mother_id_no,
        hospital,
        division_code,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
