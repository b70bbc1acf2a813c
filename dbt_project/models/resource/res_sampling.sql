-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='sampling') }}

with passed as (

    select * from {{ ref('stg_sampling') }}
    where jsonb_array_length(_issues) = 0

),

latest as (

    select
        *,
        row_number() over (partition by sample_no order by _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        sample_no,
        approval_no,
        uscc,
        sampled_on__value as sampled_on,
        result,
        failed_items,
        _batch_id,
        _row_number
    from latest
    where _version = 1

)

select * from final
