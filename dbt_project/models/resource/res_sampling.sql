-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='sampling',
    unique_key=['sample_no'],
    indexes=[{'columns': ['sample_no'], 'unique': True, 'include': ['_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.sampling']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_sampling') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        sample_no,
        approval_no,
        uscc,
        sampled_on__value as sampled_on,
        result,
        failed_items,
        _batch_id,
        _row_number,
        row_number() over (partition by sample_no order by _batch_id desc, _row_number desc) as _version
    from passed

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
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.sample_no = day.sample_no
                and (held._batch_id, held._row_number) > (day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
