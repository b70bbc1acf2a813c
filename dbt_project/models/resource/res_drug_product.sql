-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='drug_product',
    unique_key=['approval_no'],
    indexes=[{'columns': ['approval_no'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.drug_product']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_drug_product') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

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
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        approval_no,
        generic_name,
        dosage_form,
        spec,
        holder_uscc,
        approved_on,
        valid_until,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (approval_no) in (select approval_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by approval_no order by _batch_id desc, _row_number desc) as _version
    from candidates

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
    from latest
    where _version = 1 and not _kept

)

select * from final
