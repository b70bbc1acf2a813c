-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='drug_product',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.drug_product']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_drug_product') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        approval_no,
        generic_name,
        dosage_form,
        spec,
        holder_uscc,
        approved_on,
        valid_until,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
