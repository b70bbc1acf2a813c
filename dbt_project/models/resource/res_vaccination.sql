-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='vaccination') }}

with passed as (

    select * from {{ ref('stg_vaccination') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by record_id order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        record_id,
        child_id_no,
        birth_cert_no,
        child_name,
        birth_date__value as birth_date,
        vaccine_code,
        vaccine_name,
        dose_no__value as dose_no,
        vaccinated_on__value as vaccinated_on,
        unit_code,
        division_code,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
