{{ config(alias='enterprise_basic', unique_key='uscc', indexes=[{'columns': ['uscc'], 'unique': True}, {'columns': ['_sync_id']}]) }}

with profiles as (

    select * from {{ ref('sub_enterprise_profile') }}

),

final as (

    select
        uscc,
        name,
        std.mask_name(legal_rep) as legal_rep,
        address,
        division_code,
        division_name,
        enterprise_type,
        established_on,
        status
    from profiles

)

{{ changed_rows('final', 'uscc') }}
