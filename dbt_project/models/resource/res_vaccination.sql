-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='vaccination',
    unique_key=['record_id'],
    indexes=[{'columns': ['record_id'], 'unique': True}, {'columns': ['_batch_id']}, {'columns': ['child_id_no']}, {'columns': ['birth_cert_no']}, {'columns': ['child_name']}],
    pre_hook="{{ take_batches(['staging.vaccination']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_vaccination') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

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
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
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
        _row_number,
        true
    from {{ this }}
    where (record_id) in (select record_id from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by record_id order by updated_at desc, _batch_id desc, _row_number desc) as _version
    from candidates

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
    from latest
    where _version = 1 and not _kept

)

select * from final
