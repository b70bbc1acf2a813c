-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='cosmetic_filing',
    unique_key=['filing_no'],
    indexes=[{'columns': ['filing_no'], 'unique': True}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.cosmetic_filing']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_cosmetic_filing') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

candidates as (

    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on__value as filed_on,
        status,
        _batch_id,
        _row_number,
        false as _kept
    from passed
    {% if is_incremental() %}
    union all
    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on,
        status,
        _batch_id,
        _row_number,
        true
    from {{ this }}
    where (filing_no) in (select filing_no from passed)
    {% endif %}

),

latest as (

    select
        *,
        row_number() over (partition by filing_no order by _batch_id desc, _row_number desc) as _version
    from candidates

),

final as (

    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on,
        status,
        _batch_id,
        _row_number
    from latest
    where _version = 1 and not _kept

)

select * from final
