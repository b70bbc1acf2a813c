-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='batches', unique_key='batch_id') }}

with received as (

    select * from {{ source('landing', 'batches') }}

),

final as (

    select * from received
    {% if is_incremental() %}
    where batch_id not in (select kept.batch_id from {{ this }} as kept)
    {% endif %}

)

select * from final
