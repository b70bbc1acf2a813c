-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='cosmetic_filing',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.cosmetic_filing']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_cosmetic_filing') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on,
        status,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
