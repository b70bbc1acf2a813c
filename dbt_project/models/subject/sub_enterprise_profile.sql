{{ config(
    alias='enterprise_profile',
    unique_key='uscc',
    indexes=[{'columns': ['uscc'], 'unique': True}, {'columns': ['_sync_id']}],
) }}

with enterprises as (

    select * from {{ ref('res_enterprise') }}

),

licenses as (

    select * from {{ ref('res_license') }}

),

drugs as (

    select holder_uscc as uscc from {{ ref('res_drug_product') }}

),

cosmetics as (

    select registrant_uscc as uscc from {{ ref('res_cosmetic_filing') }}

),

devices as (

    select registrant_uscc as uscc from {{ ref('res_device_registration') }}

),

inspections as (

    select * from {{ ref('res_inspection') }}

),

sampling as (

    select * from {{ ref('res_sampling') }}

),

penalties as (

    select * from {{ ref('res_penalty') }}

),

divisions as (

    select * from {{ ref('hubei_divisions') }}

),

current_licenses as (

    select
        uscc,
        count(*) as current_license_count,
        jsonb_agg(
            jsonb_build_object(
                'license_no', license_no,
                'license_type', license_type,
                'issued_on', issued_on,
                'valid_until', valid_until
            )
            order by license_type, license_no
        ) as current_licenses,
        min(valid_until) as next_license_expiry
    from licenses
    where status = '有效' and (valid_until is null or valid_until >= {{ as_of_date() }})
    group by uscc

),

products as (

    select
        uscc,
        count(*) filter (where kind = 'drug') as drug_products,
        count(*) filter (where kind = 'cosmetic') as cosmetic_products,
        count(*) filter (where kind = 'device') as device_products
    from (
        select uscc, 'drug' as kind from drugs
        union all
        select uscc, 'cosmetic' from cosmetics
        union all
        select uscc, 'device' from devices
    ) as held
    group by uscc

),

inspected as (

    select
        uscc,
        count(*) as inspections,
        (array_agg(inspected_on order by inspected_on desc nulls last, inspection_id desc))[1] as last_inspected_on,
        (array_agg(result order by inspected_on desc nulls last, inspection_id desc))[1] as last_inspection_result
    from inspections
    group by uscc

),

sampled as (

    select
        uscc,
        count(*) as sampling_batches,
        count(*) filter (where result = '不合格') as failed_sampling_batches,
        max(sampled_on) filter (where result = '不合格') as last_failed_sampling_on
    from sampling
    group by uscc

),

penalised as (

    select
        uscc,
        count(*) as penalty_cases,
        coalesce(sum(fine_yuan), 0) as fines_yuan,
        coalesce(sum(confiscated_yuan), 0) as confiscated_yuan,
        max(decided_on) as last_penalty_on
    from penalties
    group by uscc

),

final as (

    select
        e.uscc,
        e.name,
        e.legal_rep,
        e.address,
        e.division_code,
        d.division_name,
        e.enterprise_type,
        e.established_on,
        e.status,
        coalesce(l.current_license_count, 0) as current_license_count,
        coalesce(l.current_licenses, '[]'::jsonb) as current_licenses,
        l.next_license_expiry,
        coalesce(p.drug_products, 0) as drug_products,
        coalesce(p.cosmetic_products, 0) as cosmetic_products,
        coalesce(p.device_products, 0) as device_products,
        coalesce(i.inspections, 0) as inspections,
        i.last_inspected_on,
        i.last_inspection_result,
        coalesce(s.sampling_batches, 0) as sampling_batches,
        coalesce(s.failed_sampling_batches, 0) as failed_sampling_batches,
        s.last_failed_sampling_on,
        coalesce(n.penalty_cases, 0) as penalty_cases,
        coalesce(n.fines_yuan, 0) as fines_yuan,
        coalesce(n.confiscated_yuan, 0) as confiscated_yuan,
        n.last_penalty_on,
        coalesce(l.next_license_expiry <= {{ as_of_date() }} + 90, false) as license_expiring_within_90_days,
        coalesce(s.last_failed_sampling_on > {{ as_of_date() }} - interval '12 months', false)
            as failed_sampling_within_12_months,
        coalesce(n.last_penalty_on > {{ as_of_date() }} - interval '12 months', false) as penalised_within_12_months
    from enterprises as e
    left join divisions as d on d.division_code = e.division_code
    left join current_licenses as l on l.uscc = e.uscc
    left join products as p on p.uscc = e.uscc
    left join inspected as i on i.uscc = e.uscc
    left join sampled as s on s.uscc = e.uscc
    left join penalised as n on n.uscc = e.uscc

)

{{ changed_rows('final', 'uscc') }}
