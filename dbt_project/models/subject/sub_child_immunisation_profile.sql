{{ config(
    alias='child_immunisation_profile',
    unique_key='child_key',
    incremental_strategy='recomputed',
    indexes=[
        {'columns': ['child_key'], 'unique': True},
        {'columns': ['child_key'], 'where': 'has_birth_certificate'},
        {'columns': ['child_id_no']},
        {'columns': ['_sync_id']},
    ],
    pre_hook=["{{ take_batches(['subject.child_identifier'], from_ledger=true) }}", "{{ read_children_touched(kept_profiles=false) }}"],
    meta={'reads_children_touched': true},
) }}

-- A child first known by ID number alone and later linked to a birth certificate keeps
-- one row, keyed by the certificate; the build removes the row the ID number had (the
-- `recomputed` strategy, macros/sync.sql).

-- The newborn shares look a day's children up among those with a birth certificate: the
-- partial index holds only those, so a child without one costs no read of the table.

-- A daily build recomputes only the children its batches touched (macros/children_touched.sql),
-- and not those whose records changed nothing it counts: the record columns it reads are those
-- find_day_versions compares there (`counted`), and a column read here must be added there.

with certificates as (

    select * from {{ ref('res_birth_certificate') }}
    {% if is_incremental() %}where {{ touched('cert_no') }}{% endif %}

),

vaccinations as (

    {% if is_incremental() -%}
    {{ vaccinations_of_children_touched(ref('res_vaccination')) }}
    {%- else -%}
    select * from {{ ref('res_vaccination') }}
    {%- endif %}

),

identifiers as (

    select * from {{ ref('sub_child_identifier') }}
    {% if is_incremental() %}where {{ touched('identifier') }}{% endif %}

),

records as (

    select
        v.*,
        coalesce(v.birth_cert_no, i.child_key) as child_key
    from vaccinations as v
    left join identifiers as i on i.identifier = v.child_id_no

),

per_vaccine as (

    select child_key, jsonb_object_agg(vaccine_code, doses order by vaccine_code) as doses_by_vaccine
    from (
        select child_key, vaccine_code, count(*) as doses
        from records
        group by child_key, vaccine_code
    ) as counted
    group by child_key

),

vaccinated as (

    select
        child_key,
        count(*) as vaccination_records,
        min(vaccinated_on) as first_vaccinated_on,
        max(vaccinated_on) as last_vaccinated_on,
        min(vaccinated_on) filter (
            where vaccine_code in ('{{ var("hepatitis_b_vaccine_codes") | join("', '") }}') and dose_no = 1
        ) as hepatitis_b_first_dose_on,
        (array_agg(child_name order by vaccinated_on desc, record_id desc))[1] as child_name,
        (array_agg(birth_date order by vaccinated_on desc, record_id desc))[1] as birth_date
    from records
    group by child_key

),

ids as (

    select child_key, min(identifier) as child_id_no
    from identifiers
    where identifier_kind = 'child_id_no'
    group by child_key

),

children as (

    select cert_no as child_key from certificates
    union
    select child_key from vaccinated

),

final as (

    select
        k.child_key,
        case when k.child_key ~ '^[A-Z][0-9]{9}$' then k.child_key end as birth_cert_no,
        i.child_id_no,
        coalesce(c.child_name, v.child_name) as child_name,
        c.sex,
        coalesce(c.birth_date, v.birth_date) as birth_date,
        c.mother_id_no,
        c.hospital,
        c.division_code as birth_division_code,
        c.cert_no is not null as has_birth_certificate,
        coalesce(v.vaccination_records, 0) as vaccination_records,
        coalesce(p.doses_by_vaccine, '{}'::jsonb) as doses_by_vaccine,
        v.first_vaccinated_on,
        v.last_vaccinated_on,
        v.hepatitis_b_first_dose_on,
        coalesce(v.hepatitis_b_first_dose_on - coalesce(c.birth_date, v.birth_date) <= 1, false)
            as hepatitis_b_first_dose_within_24_hours
    from children as k
    left join certificates as c on c.cert_no = k.child_key
    left join ids as i on i.child_key = k.child_key
    left join vaccinated as v on v.child_key = k.child_key
    left join per_vaccine as p on p.child_key = k.child_key

)

{{ recomputed_rows('final', lineage=false) }}
