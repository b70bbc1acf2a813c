{{ config(
    alias='license_info',
    unique_key=['license_no', 'license_type'],
    indexes=[{'columns': ['license_no', 'license_type'], 'unique': True}, {'columns': ['_sync_id']}],
) }}

with licenses as (

    select * from {{ ref('res_license') }}

),

enterprises as (

    select uscc, name from {{ ref('sub_enterprise_profile') }}

),

final as (

    select
        l.license_no,
        l.license_type,
        l.uscc,
        e.name as enterprise_name,
        l.issued_on,
        l.valid_until,
        l.authority,
        l.status,
        l._batch_id,
        l._row_number
    from licenses as l
    left join enterprises as e on e.uscc = l.uscc

)

{{ changed_rows('final', ['license_no', 'license_type']) }}
