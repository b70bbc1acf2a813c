-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='birth_certificate',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.birth_certificate']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_birth_certificate') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        cert_no,
        child_name,
        sex,
        birth_date,
        mother_id_no,
        hospital,
        division_code,
        updated_at,
        _issues,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from flagged

)

select * from final
