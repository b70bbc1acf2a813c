-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='inspection',
    unique_key=['inspection_id'],
    indexes=[{'columns': ['inspection_id'], 'unique': True, 'include': ['updated_at', '_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.inspection']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_inspection') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

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
        row_number() over (partition by inspection_id order by updated_at__value desc, _batch_id desc, _row_number desc) as _version
    from passed

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
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.inspection_id = day.inspection_id
                and (held.updated_at, held._batch_id, held._row_number) > (day.updated_at, day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
