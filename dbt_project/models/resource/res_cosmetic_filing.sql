-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='cosmetic_filing') }}

with passed as (

    select * from {{ ref('stg_cosmetic_filing') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by filing_no order by _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on__value as filed_on,
        status,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
