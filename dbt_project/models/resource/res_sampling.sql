-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='sampling',
    unique_key=['sample_no'],
    indexes=[{'columns': ['sample_no'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.sampling']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_sampling') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        sample_no,
        approval_no,
        uscc,
        sampled_on__value as sampled_on,
        result,
        failed_items,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        sample_no,
        approval_no,
        uscc,
        sampled_on,
        result,
        failed_items,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (sample_no) in (select sample_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by sample_no order by _batch_id desc, _row_number desc) as _version
    from candidates

),

final as (

    select
        sample_no,
        approval_no,
        uscc,
        sampled_on,
        result,
        failed_items,
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
