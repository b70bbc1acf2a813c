-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='issues',
    pre_hook="{{ take_batches(['quarantine.enterprise', 'quarantine.drug_product', 'quarantine.cosmetic_filing', 'quarantine.device_registration', 'quarantine.inspection', 'quarantine.sampling', 'quarantine.penalty', 'quarantine.vaccination', 'quarantine.birth_certificate']) }}{% if is_incremental() %}; delete from {{ this }} where source in ('license'){% endif %}",
) }}

with batches as (

    select * from {{ ref('raw_batches') }}

),

enterprise as (

    select
        'enterprise' as source,
        uscc as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_enterprise') }}
    where _batch_id in ({{ taken_batches() }})

),

license as (

    select
        'license' as source,
        license_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_license') }}

),

drug_product as (

    select
        'drug_product' as source,
        approval_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_drug_product') }}
    where _batch_id in ({{ taken_batches() }})

),

cosmetic_filing as (

    select
        'cosmetic_filing' as source,
        filing_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_cosmetic_filing') }}
    where _batch_id in ({{ taken_batches() }})

),

device_registration as (

    select
        'device_registration' as source,
        reg_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_device_registration') }}
    where _batch_id in ({{ taken_batches() }})

),

inspection as (

    select
        'inspection' as source,
        inspection_id as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_inspection') }}
    where _batch_id in ({{ taken_batches() }})

),

sampling as (

    select
        'sampling' as source,
        sample_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_sampling') }}
    where _batch_id in ({{ taken_batches() }})

),

penalty as (

    select
        'penalty' as source,
        case_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_penalty') }}
    where _batch_id in ({{ taken_batches() }})

),

vaccination as (

    select
        'vaccination' as source,
        record_id as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_vaccination') }}
    where _batch_id in ({{ taken_batches() }})

),

birth_certificate as (

    select
        'birth_certificate' as source,
        cert_no as key,
        _issues,
        _batch_id,
        _row_number
    from {{ ref('qua_birth_certificate') }}
    where _batch_id in ({{ taken_batches() }})

),

flagged as (

    select * from enterprise
    union all
    select * from license
    union all
    select * from drug_product
    union all
    select * from cosmetic_filing
    union all
    select * from device_registration
    union all
    select * from inspection
    union all
    select * from sampling
    union all
    select * from penalty
    union all
    select * from vaccination
    union all
    select * from birth_certificate

),

final as (

    select
        flagged.source,
        flagged.key,
        issue ->> 'rule' as rule,
        issue ->> 'column' as column_name,
        issue ->> 'detail' as detail,
        flagged._batch_id as batch_id,
        batches.origin as file,
        flagged._row_number as row_number
    from flagged
    cross join lateral jsonb_array_elements(flagged._issues) as issues (issue)
    left join batches on batches.batch_id = flagged._batch_id

)

select * from final
