-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='penalty',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.penalty']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_penalty') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        case_no,
        uscc,
        decided_on,
        violation,
        fine_yuan,
        confiscated_yuan,
        updated_at,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
