-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='penalty',
    unique_key=['case_no'],
    indexes=[{'columns': ['case_no'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.penalty']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_penalty') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        case_no,
        uscc,
        decided_on__value as decided_on,
        violation,
        fine_yuan__value as fine_yuan,
        confiscated_yuan__value as confiscated_yuan,
        updated_at__value as updated_at,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        case_no,
        uscc,
        decided_on,
        violation,
        fine_yuan,
        confiscated_yuan,
        updated_at,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (case_no) in (select case_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by case_no order by updated_at desc, _batch_id desc, _row_number desc) as _version
    from candidates

),

final as (

    select
        case_no,
        uscc,
        decided_on,
        violation,
        fine_yuan,
        confiscated_yuan,
        updated_at,
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
