-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='vaccination',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}],
    pre_hook="{{ take_batches(['staging.vaccination']) }}",
) }}

with flagged as (

    select * from {{ ref('stg_vaccination') }}
    where jsonb_array_length(_issues) > 0
    and _batch_id in ({{ taken_batches() }})

),

final as (

    select
        record_id,
        child_id_no,
        birth_cert_no,
        child_name,
        birth_date,
        vaccine_code,
        vaccine_name,
        dose_no,
        vaccinated_on,
        unit_code,
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
