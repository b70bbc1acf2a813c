{{ config(
    alias='newborn_vaccination_lookup',
    unique_key='record_id',
    incremental_strategy='recomputed',
    indexes=[
        {'columns': ['record_id'], 'unique': True},
        {'columns': ['birth_cert_no']},
        {'columns': ['child_id_no']},
        {'columns': ['_sync_id']},
    ],
    pre_hook=["{{ take_batches(['subject.child_identifier'], from_ledger=true) }}", "{{ read_children_touched() }}"],
    meta={'reads_children_touched': true},
) }}

-- 出生一件事 for the data API: every vaccination of a child born in the province (one with a
-- 出生医学证明), found by birth certificate number or, once the child has one, by ID number,
-- with the child's ID number and name whole so an approved consumer finds the records by what
-- it holds; the API masks them unless the grant allows. share.newborn_vaccination masks them here.

-- A daily build recomputes only the records of children its batches touched (macros/children_touched.sql).

with vaccinations as (

    {% if is_incremental() -%}
    {{ vaccinations_of_children_touched(ref('res_vaccination')) }}
    {%- else -%}
    select * from {{ ref('res_vaccination') }}
    {%- endif %}

),

identifiers as (

    select identifier, child_key from {{ ref('sub_child_identifier') }}
    {% if is_incremental() %}where {{ touched('identifier') }}{% endif %}

),

children as (

    select * from {{ ref('sub_child_immunisation_profile') }}
    where
        has_birth_certificate
        {% if is_incremental() %}and {{ touched('child_key') }}{% endif %}

),

final as (

    select
        v.record_id,
        c.child_key as birth_cert_no,
        c.child_id_no,
        c.child_name,
        c.sex,
        c.birth_date,
        v.vaccine_code,
        v.vaccine_name,
        v.dose_no,
        v.vaccinated_on,
        v.unit_code,
        v.division_code,
        v._batch_id,
        v._row_number
    from vaccinations as v
    left join identifiers as i on i.identifier = v.child_id_no
    inner join children as c on c.child_key = coalesce(v.birth_cert_no, i.child_key)

)

{{ recomputed_rows('final') }}
