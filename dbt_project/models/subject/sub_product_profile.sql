{{ config(
    alias='product_profile',
    unique_key='product_no',
    indexes=[{'columns': ['product_no'], 'unique': True}, {'columns': ['holder_uscc']}, {'columns': ['_sync_id']}],
) }}

with drugs as (

    select * from {{ ref('res_drug_product') }}

),

cosmetics as (

    select * from {{ ref('res_cosmetic_filing') }}

),

devices as (

    select * from {{ ref('res_device_registration') }}

),

enterprises as (

    select uscc, name from {{ ref('res_enterprise') }}

),

sampling as (

    select * from {{ ref('res_sampling') }}

),

products as (

    select
        approval_no as product_no,
        '药品' as product_kind,
        generic_name as product_name,
        dosage_form as category,
        holder_uscc,
        approved_on,
        valid_until,
        null::text as filed_status
    from drugs
    union all
    select
        filing_no,
        '化妆品',
        product_name,
        category,
        registrant_uscc,
        filed_on,
        null::date,
        status
    from cosmetics
    union all
    select
        reg_no,
        '医疗器械',
        product_name,
        device_class,
        registrant_uscc,
        approved_on,
        valid_until,
        null::text
    from devices

),

sampled as (

    select
        approval_no as product_no,
        count(*) as sampling_batches,
        count(*) filter (where result = '不合格') as failed_sampling_batches,
        max(sampled_on) as last_sampled_on,
        max(sampled_on) filter (where result = '不合格') as last_failed_sampling_on
    from sampling
    where approval_no is not null
    group by approval_no

),

final as (

    select
        p.product_no,
        p.product_kind,
        p.product_name,
        p.category,
        p.holder_uscc,
        e.name as holder_name,
        p.approved_on,
        p.valid_until,
        case
            when p.filed_status is not null then p.filed_status = '有效'
            else p.valid_until is null or p.valid_until >= {{ as_of_date() }}
        end as is_valid,
        coalesce(s.sampling_batches, 0) as sampling_batches,
        coalesce(s.failed_sampling_batches, 0) as failed_sampling_batches,
        s.last_sampled_on,
        s.last_failed_sampling_on
    from products as p
    left join enterprises as e on e.uscc = p.holder_uscc
    left join sampled as s on s.product_no = p.product_no

)

{{ changed_rows('final', 'product_no') }}
