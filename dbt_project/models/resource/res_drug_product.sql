-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='drug_product') }}

with passed as (

    select * from {{ ref('stg_drug_product') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by approval_no order by _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        approval_no,
        generic_name,
        dosage_form,
        spec,
        holder_uscc,
        approved_on__value as approved_on,
        valid_until__value as valid_until,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
