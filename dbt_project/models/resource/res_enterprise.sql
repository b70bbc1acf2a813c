-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='enterprise') }}

with passed as (

    select * from {{ ref('stg_enterprise') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by uscc order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        uscc,
        name,
        legal_rep,
        address,
        division_code,
        enterprise_type,
        established_on__value as established_on,
        status,
        updated_at__value as updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
