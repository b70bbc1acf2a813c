-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='penalty',
    unique_key=['case_no'],
    indexes=[{'columns': ['case_no'], 'unique': True, 'include': ['updated_at', '_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.penalty']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_penalty') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

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
        row_number() over (partition by case_no order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

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
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.case_no = day.case_no
                and (held.updated_at, held._batch_id, held._row_number) > (day.updated_at, day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
