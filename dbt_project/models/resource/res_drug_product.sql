-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='drug_product',
    unique_key=['approval_no'],
    indexes=[{'columns': ['approval_no'], 'unique': True, 'include': ['_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.drug_product']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_drug_product') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        approval_no,
        generic_name,
        dosage_form,
        spec,
        holder_uscc,
        approved_on__value as approved_on,
        valid_until__value as valid_until,
        _batch_id,
        _row_number,
        row_number() over (partition by approval_no order by _batch_id desc, _row_number desc) as _version
    from passed

),

final as (

    select
        approval_no,
        generic_name,
        dosage_form,
        spec,
        holder_uscc,
        approved_on,
        valid_until,
        _batch_id,
        _row_number
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.approval_no = day.approval_no
                and (held._batch_id, held._row_number) > (day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
