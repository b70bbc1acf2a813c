-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='inspection',
    unique_key=['inspection_id'],
    indexes=[{'columns': ['inspection_id'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.inspection']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_inspection') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        inspection_id,
        uscc,
        inspected_on__value as inspected_on,
        division_code,
        result,
        findings__value as findings,
        updated_at__value as updated_at,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        inspection_id,
        uscc,
        inspected_on,
        division_code,
        result,
        findings,
        updated_at,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (inspection_id) in (select inspection_id from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by inspection_id order by updated_at desc, _batch_id desc, _row_number desc) as _version
    from candidates

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
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
