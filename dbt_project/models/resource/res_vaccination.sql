-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='vaccination',
    unique_key=['record_id'],
    indexes=[{'columns': ['record_id'], 'unique': True, 'include': ['updated_at', '_batch_id', '_row_number']}, {'columns': ['_batch_id']}, {'columns': ['child_id_no']}, {'columns': ['birth_cert_no']}, {'columns': ['child_name']}],
    pre_hook="{{ take_batches(['staging.vaccination']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_vaccination') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        record_id,
        child_id_no,
        birth_cert_no,
        child_name,
        birth_date__value as birth_date,
        vaccine_code,
        vaccine_name,
        dose_no__value as dose_no,
        vaccinated_on__value as vaccinated_on,
        unit_code,
        division_code,
        updated_at__value as updated_at,
        _batch_id,
        _row_number,
        row_number() over (partition by record_id order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

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
        _batch_id,
        _row_number
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.record_id = day.record_id
                and (held.updated_at, held._batch_id, held._row_number) > (day.updated_at, day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
