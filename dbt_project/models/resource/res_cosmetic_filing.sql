-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='cosmetic_filing',
    unique_key=['filing_no'],
    indexes=[{'columns': ['filing_no'], 'unique': True, 'include': ['_batch_id', '_row_number']}, {'columns': ['_batch_id']}],
    pre_hook="{{ take_batches(['staging.cosmetic_filing']) }}",
    meta={'tested_rows': 'taken_batches'},
) }}

with passed as (

    select * from {{ ref('stg_cosmetic_filing') }}
    where jsonb_array_length(_issues) = 0 and _batch_id in ({{ taken_batches() }})

),

versions as (

    select
        filing_no,
        product_name,
        category,
        registrant_uscc,
        filed_on__value as filed_on,
        status,
        _batch_id,
        _row_number,
        row_number() over (partition by filing_no order by _batch_id desc, _row_number desc) as _version
    from passed

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
    from versions as day
    where
        _version = 1
        {% if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as held
            where
                held.filing_no = day.filing_no
                and (held._batch_id, held._row_number) > (day._batch_id, day._row_number)
        )
        {% endif %}

)

select * from final
