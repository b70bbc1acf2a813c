{{ config(
    alias='newborn_vaccination',
    unique_key='record_id',
    incremental_strategy='recomputed',
    indexes=[
        {'columns': ['record_id'], 'unique': True},
        {'columns': ['birth_cert_no']},
        {'columns': ['_sync_id']},
    ],
    pre_hook=["{{ take_batches(['subject.child_identifier'], from_ledger=true) }}", "{{ read_children_touched() }}"],
    meta={'reads_children_touched': true},
) }}

-- 出生一件事: every vaccination of a child born in the province (one with a 出生医学证明),
-- found by birth certificate number or, once the child has one, by ID number; the same
-- records the data API serves, with the child's ID number and name masked.

-- A daily build recomputes only the records of children its batches touched (macros/children_touched.sql).

with records as (

    select * from {{ ref('shr_newborn_vaccination_lookup') }}
    {% if is_incremental() %}where {{ touched('birth_cert_no') }}{% endif %}

),

final as (

    select
        record_id,
        birth_cert_no,
        std.mask_id_number(child_id_no) as child_id_no,
        std.mask_name(child_name) as child_name,
        sex,
        birth_date,
        vaccine_code,
        vaccine_name,
        dose_no,
        vaccinated_on,
        unit_code,
        division_code,
        _batch_id,
        _row_number
    from records

)

{{ recomputed_rows('final') }}
