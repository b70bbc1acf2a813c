-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='birth_certificate',
    unique_key=['cert_no'],
    indexes=[{'columns': ['cert_no'], 'unique': True, 'include': ['updated_at', '_batch_id', '_row_number']}, {'columns': ['_batch_id']}, {'columns': ['birth_date', 'child_name']}],
    pre_hook="{{ take_batches(['staging.birth_certificate']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_birth_certificate') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        cert_no,
        child_name,
        sex,
        birth_date__value as birth_date,
        mother_id_no,
        hospital,
        division_code,
        updated_at__value as updated_at,
        _batch_id,
        _row_number,
        row_number() over (partition by cert_no order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

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
        _batch_id,
        _row_number
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.cert_no = day.cert_no
                and (held.updated_at, held._batch_id, held._row_number) > (day.updated_at, day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
