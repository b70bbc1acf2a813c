-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='inspection',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.inspection']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_inspection') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        inspection_id,
        uscc,
        inspected_on,
        division_code,
        result,
        findings,
        updated_at,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
