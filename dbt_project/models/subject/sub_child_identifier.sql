{{ config(
    alias='child_identifier',
    unique_key='identifier',
    incremental_strategy='recomputed',
    indexes=[
        {'columns': ['identifier'], 'unique': True, 'include': ['child_key']},
        {'columns': ['child_key'], 'include': ['identifier']},
        {'columns': ['_sync_id']},
    ],
    pre_hook=[
        "{{ take_batches(['resource.vaccination', 'resource.birth_certificate'], from_ledger=true) }}",
        "{{ find_day_versions() }}",
        "{{ find_children_touched() }}",
    ],
    post_hook="{{ record_children_touched() }}",
) }}

-- A daily build links again only the identifiers its batches touched and those connected to
-- them (macros/children_touched.sql); a full build links every one. It hands on the children of
-- records sent again unchanged in identity from an identifier to its child and back to every
-- identifier of the child, which the two covering indexes answer without reading the table.

with certificates as (

    select cert_no, child_name, sex, birth_date from {{ ref('res_birth_certificate') }}
    {% if is_incremental() %}where {{ touched('cert_no') }}{% endif %}

),

vaccinations as (

    select child_id_no, birth_cert_no, child_name, birth_date
    {% if is_incremental() -%}
    from ({{ vaccinations_of_children_touched(ref('res_vaccination')) }}) as touched
    {%- else -%}
    from {{ ref('res_vaccination') }}
    {%- endif %}

),

-- A record naming both numbers links them, when the birth date inside the ID number is
-- the certificate's (or, with no certificate on file, the record's).
named_together as (

    select distinct
        v.child_id_no,
        v.birth_cert_no,
        'same_record' as linked_by
    from vaccinations as v
    left join certificates as c on c.cert_no = v.birth_cert_no
    where
        v.child_id_no is not null
        and v.birth_cert_no is not null
        and std.resident_id_birth_date(v.child_id_no) = coalesce(c.birth_date, v.birth_date)

),

-- The vaccination interface carries no mother's ID number, so an ID number never named
-- beside a certificate is linked to the one certificate whose child has the same name,
-- the birth date inside the ID number and the sex its 17th digit encodes.
alike as (

    select distinct
        v.child_id_no,
        c.cert_no as birth_cert_no,
        'name_birth_date_sex' as linked_by
    from vaccinations as v
    inner join certificates as c
        on
            c.birth_date = std.resident_id_birth_date(v.child_id_no)
            and c.child_name = v.child_name
            and c.sex = case when substr(v.child_id_no, 17, 1)::integer % 2 = 1 then '男' else '女' end
    where
        v.child_id_no is not null
        and v.child_id_no not in (select child_id_no from named_together)
        and c.cert_no not in (select birth_cert_no from named_together)

),

pairs as (

    select * from named_together
    union all
    select * from alike

),

-- An ID number claimed by two certificates, or the reverse, links nothing: a wrong merge
-- of two children is worse than one child shown twice.
links as (

    select child_id_no, birth_cert_no, linked_by
    from (
        select
            *,
            count(*) over (partition by child_id_no) as certificates_per_id,
            count(*) over (partition by birth_cert_no) as ids_per_certificate
        from pairs
    ) as counted
    where certificates_per_id = 1 and ids_per_certificate = 1

),

identifiers as (

    select cert_no as identifier, 'birth_cert_no' as identifier_kind from certificates
    union
    select birth_cert_no, 'birth_cert_no' from vaccinations where birth_cert_no is not null
    union
    select child_id_no, 'child_id_no' from vaccinations where child_id_no is not null

),

final as (

    select
        i.identifier,
        i.identifier_kind,
        coalesce(l.birth_cert_no, i.identifier) as child_key,
        l.linked_by
    from identifiers as i
    left join links as l on i.identifier_kind = 'child_id_no' and l.child_id_no = i.identifier

)

{{ recomputed_rows('final', lineage=false) }}
