-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='birth_certificate',
    unique_key=['cert_no'],
    indexes=[{'columns': ['cert_no'], 'unique': True}, {'columns': ['_batch_id']}, {'columns': ['birth_date', 'child_name']}],
    pre_hook="{{ take_batches(['staging.birth_certificate']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_birth_certificate') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

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
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
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
        _row_number,
        true
    from {{ this }}
    where (cert_no) in (select cert_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by cert_no order by updated_at desc, _batch_id desc, _row_number desc) as _version
    from candidates

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
    from latest
    where _version = 1 and not _kept

)

select * from final
