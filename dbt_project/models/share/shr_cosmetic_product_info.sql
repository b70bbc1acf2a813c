{{ config(alias='cosmetic_product_info', unique_key='filing_no', indexes=[{'columns': ['filing_no'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with cosmetics as (

    select * from {{ ref('res_cosmetic_filing') }}

),

profiles as (

    select product_no, holder_name from {{ ref('sub_product_profile') }}

),

final as (

    select
        c.filing_no,
        c.product_name,
        c.category,
        c.registrant_uscc,
        p.holder_name as registrant_name,
        c.filed_on,
        c.status,
        c._batch_id,
        c._row_number
    from cosmetics as c
    inner join profiles as p on p.product_no = c.filing_no

)

{{ changed_rows('final', 'filing_no') }}
