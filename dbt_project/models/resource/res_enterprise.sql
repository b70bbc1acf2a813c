-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='enterprise',
    unique_key=['uscc'],
    indexes=[{'columns': ['uscc'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.enterprise']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_enterprise') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        uscc,
        name,
        legal_rep,
        address,
        division_code,
        enterprise_type,
        established_on__value as established_on,
        status,
        updated_at__value as updated_at,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        uscc,
        name,
        legal_rep,
        address,
        division_code,
        enterprise_type,
        established_on,
        status,
        updated_at,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (uscc) in (select uscc from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by uscc order by updated_at desc, _batch_id desc, _row_number desc) as _version
    from candidates

),

final as (

    select
        uscc,
        name,
        legal_rep,
        address,
        division_code,
        enterprise_type,
        established_on,
        status,
        updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
