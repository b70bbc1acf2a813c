{#- A daily build of the child models recomputes only the children its batches touched.

    Whether an ID number and a birth certificate are one child depends on every record and
    certificate naming either of them (a number two certificates could claim links nothing;
    models/subject/sub_child_identifier.sql), so a touched identifier is recomputed with every
    identifier connected to it: named in one record, or alike (the same name, and the birth date
    inside the ID number), now or in a version a later one replaced. Outside those connected
    identifiers no input changed, so no row can; inside them every row is computed again from
    all it depends on, which gives what a full build gives.

    A record sent again naming the same child in every version (the same ID number, certificate,
    name and birth date) that the identifiers had linked before changes no link: the identities
    the links are computed from are the same with or without it. Its identifiers are not touched;
    the models built on the identifiers still recompute its child, whose records changed. When
    every version also names the same vaccinations (vaccine, dose and date), the child's profile
    cannot change either: the profiles leave that child as it is, and the shares, which carry the
    record's other columns and its batch, still recompute it.

    A day larger than a twentieth of the versions held (a backlog, or a first file far larger than
    its history) touches most children, and following its links record by record costs more than
    computing every child: such a build touches every identifier, held or named. -#}

{#- The child identifiers find the touched identifiers once per build and record them in
    raw.children_touched under the build's sync id, with every identifier of the children whose
    records were sent again unchanged in identity (`profile_kept` when unchanged in what the
    profiles count too); the models built on the identifiers (marked
    `meta.reads_children_touched`) take the identifiers' batches and read the identifiers
    recorded by the builds that took those batches. Each of them removes the rows of those
    identifiers it did not compute again (a child merged into another, a record no longer linked
    to a child with a certificate) and writes only the rows that changed (`recomputed_keys`). -#}

{#- Pre-hook: every passing version of the day's records, as temporary table day_versions
    (dropped at commit), each marked whether its record's identity is kept: every version names
    the same child, and one of them is in a batch the identifiers took in before; and whether
    what the profiles count of it is kept too: every version also names the same vaccination. On a
    large day (large_day), none: every child is touched.

    Each record's versions are looked up by its key on their own (a lateral subquery the planner
    cannot flatten into a join, for its `offset 0`): the planner cannot estimate how many
    versions pass their checks, takes it for one in two hundred, and would read the whole staging
    table to join them (six seconds at ten million rows). Versions are compared column by column
    with the first of their record's: as one text each (jsonb), the comparison cost three seconds
    for a million versions, against one. -#}
{% macro find_day_versions() -%}
{%- if is_incremental() and not large_day() -%}
create temporary table day_versions on commit drop as
select
    record_id,
    child_id_no,
    birth_cert_no,
    child_name,
    bool_or(linked_before) over same_record and bool_and(same_identity) over same_record as identity_kept,
    bool_or(linked_before) over same_record and bool_and(same_identity and same_vaccination) over same_record
        as profile_kept
from (
    select
        *,
        (child_id_no, birth_cert_no, child_name, birth_date) is not distinct from (
            first_value(child_id_no) over same_record, first_value(birth_cert_no) over same_record,
            first_value(child_name) over same_record, first_value(birth_date) over same_record
        ) as same_identity,
        (vaccine_code, dose_no, vaccinated_on) is not distinct from (
            first_value(vaccine_code) over same_record, first_value(dose_no) over same_record,
            first_value(vaccinated_on) over same_record
        ) as same_vaccination
    from (
        select
            version.*,
            version._batch_id in (
                select batch_id from raw.model_batches
                where model = '{{ ledger_name(this) }}' and taken_by <> pg_current_xact_id()
            ) as linked_before
        from (select distinct record_id from staging.vaccination where _batch_id in ({{ taken_batches() }})) as day
        cross join lateral (
            select
                record_id, child_id_no, birth_cert_no, child_name, birth_date__value as birth_date, vaccine_code,
                dose_no__value as dose_no, vaccinated_on__value as vaccinated_on, _batch_id
            from staging.vaccination as version
            where version.record_id = day.record_id and jsonb_array_length(version._issues) = 0
            offset 0
        ) as version
    ) as versions
    window same_record as (partition by record_id)
) as compared
window same_record as (partition by record_id)
{%- endif -%}
{%- endmacro %}

{#- Whether the versions of the batches this build of the child identifiers took are more than a
    twentieth of those staging held of vaccinations and birth certificates at its last count. Said
    in the build's log, since it changes how long the build takes. -#}
{% macro large_day() -%}
{%- if not execute -%}{{ return(false) }}{%- endif -%}
{%- set counted = run_query(
    "select (select count(*) from staging.vaccination where _batch_id in (" ~ taken_batches() ~ "))"
    ~ " + (select count(*) from staging.birth_certificate where _batch_id in (" ~ taken_batches() ~ ")),"
    ~ " (select sum(greatest(reltuples, 0))::bigint from pg_class"
    ~ " where oid in ('staging.vaccination'::regclass, 'staging.birth_certificate'::regclass))").rows[0] -%}
{%- set large = counted[0] * 20 > counted[1] -%}
{%- if large -%}
{{ log(this ~ ": the day's " ~ counted[0] ~ " versions are more than a twentieth of the " ~ counted[1]
       ~ " staging held at its last count; every child is computed again", info=true) }}
{%- endif -%}
{{ return(large) }}
{%- endmacro %}

{#- Whether this build touches every identifier: find_day_versions, on a large day, left no
    day_versions. Asked of the transaction, so that every hook of the build follows the one answer
    large_day gave. -#}
{% macro every_child_touched() -%}
{%- if not execute -%}{{ return(false) }}{%- endif -%}
{{ return(run_query("select to_regclass('pg_temp.day_versions') is null").columns[0].values()[0]) }}
{%- endmacro %}

{#- Pre-hook after find_day_versions: the touched identifiers and all connected to them, as
    temporary table children_touched (dropped at commit); on a large day, every identifier the
    identifiers hold or a current record or certificate names. A full build recomputes every
    child instead.

    A link a replaced version made has an end the build touched, so the versions' links are
    followed once from the touched identifiers, and then only today's links, on indexed tables. -#}
{% macro find_children_touched() -%}
{%- if is_incremental() -%}
create temporary table children_touched on commit drop as
{% if every_child_touched() -%}
select child_id_no as identifier from resource.vaccination where child_id_no is not null
union
select birth_cert_no from resource.vaccination where birth_cert_no is not null
union
select cert_no from resource.birth_certificate
union
select identifier from {{ this }}
{%- else -%}
with recursive

versions as materialized (

    select child_id_no, birth_cert_no, child_name from day_versions where not identity_kept

),

certificate_versions as materialized (

    select version.cert_no, version.child_name, version.birth_date__value as birth_date
    from (select distinct cert_no from staging.birth_certificate where _batch_id in ({{ taken_batches() }})) as day
    cross join lateral (
        select cert_no, child_name, birth_date__value from staging.birth_certificate as version
        where version.cert_no = day.cert_no and jsonb_array_length(version._issues) = 0
        offset 0
    ) as version

),

touched (identifier) as (

    select child_id_no from versions where child_id_no is not null
    union
    select birth_cert_no from versions where birth_cert_no is not null
    union
    select cert_no from certificate_versions
    union
    select cert.cert_no from versions as v
    inner join resource.birth_certificate as cert
        on cert.birth_date = std.resident_id_birth_date(v.child_id_no) and cert.child_name = v.child_name
    union
    select v.child_id_no from certificate_versions as cert
    inner join resource.vaccination as v
        on v.child_name = cert.child_name and std.resident_id_birth_date(v.child_id_no) = cert.birth_date

),

connected (identifier) as (

    select identifier from touched
    union
    select linked.identifier
    from connected as c
    cross join lateral (
        select v.birth_cert_no as identifier from resource.vaccination as v
        where v.child_id_no = c.identifier and v.birth_cert_no is not null
        union all
        select v.child_id_no from resource.vaccination as v
        where v.birth_cert_no = c.identifier and v.child_id_no is not null
        union all
        select cert.cert_no from resource.vaccination as v
        inner join resource.birth_certificate as cert
            on cert.birth_date = std.resident_id_birth_date(v.child_id_no) and cert.child_name = v.child_name
        where v.child_id_no = c.identifier
        union all
        select v.child_id_no from resource.birth_certificate as cert
        inner join resource.vaccination as v
            on v.child_name = cert.child_name and std.resident_id_birth_date(v.child_id_no) = cert.birth_date
        where cert.cert_no = c.identifier
    ) as linked

)

select identifier from connected where identifier is not null
{%- endif %};
create unique index on children_touched (identifier);
analyze children_touched
{%- endif -%}
{%- endmacro %}

{#- The identifiers' post-hook: what this build touched, and the identifiers of the children
    whose records it took unchanged in identity, marked `profile_kept` when unchanged in what the
    profiles count too, for the models built on them (a full build: a row without an identifier,
    meaning every child), and no longer what every one of them has read. Rendered when run: the
    models reading it are found in dbt's graph. -#}
{% macro record_children_touched() -%}
{%- if execute -%}
insert into raw.children_touched (taken_in, identifier, profile_kept)
{% if is_incremental() -%}
select '{{ sync_id() }}', identifier, false from children_touched
{%- if not every_child_touched() %}
union
select '{{ sync_id() }}', same_child.identifier, kept.profile_kept
from (
    select child_id_no as identifier, profile_kept from day_versions where identity_kept
    union
    select birth_cert_no, profile_kept from day_versions where identity_kept
) as kept
inner join {{ this }} as named on named.identifier = kept.identifier
inner join {{ this }} as same_child on same_child.child_key = named.child_key
{%- endif %};
{%- else -%}
values ('{{ sync_id() }}', null, false);
{%- endif %}
{%- set readers = [] -%}
{%- for node in graph.nodes.values() if node.config.meta.get('reads_children_touched') -%}
    {%- do readers.append(node.schema ~ '.' ~ (node.alias or node.name)) -%}
{%- endfor %}
delete from raw.children_touched as kept
where not exists (
    select 1 from raw.model_batches as taken
    where
        taken.model = '{{ ledger_name(this) }}' and taken.taken_in = kept.taken_in
        and (
            select count(*) from raw.model_batches as done
            where done.batch_id = taken.batch_id and done.model in ('{{ readers | join("', '") }}')
        ) < {{ readers | length }}
)
{%- endif -%}
{%- endmacro %}

{#- Pre-hook of a model built on the identifiers: the identifiers touched by the builds that took
    the batches this build of the model took, as temporary table children_touched; without those
    of children whose records changed nothing the profiles count, for the profiles
    (`kept_profiles=false`). -#}
{% macro read_children_touched(kept_profiles=true) -%}
{%- if is_incremental() -%}
create temporary table children_touched on commit drop as
with builds as (

    select taken_in from raw.model_batches
    where model = 'subject.child_identifier' and batch_id in ({{ taken_batches() }})

)

select identifier from raw.children_touched
where
    identifier is not null and taken_in in (select taken_in from builds)
    {%- if not kept_profiles %} and not profile_kept{% endif %}
union
select identifier from subject.child_identifier
where exists (select 1 from raw.children_touched where identifier is null and taken_in in (select taken_in from builds));
create unique index on children_touched (identifier);
analyze children_touched
{%- endif -%}
{%- endmacro %}

{#- `column` holds a touched identifier. A semi-join on the analysed temporary table, not
    `= any(array(...))`: the planner cannot count an array's elements, takes a day's tens of
    thousands of children for a handful, and joins them by nested loops that grow with the square
    of the day (minutes at 100,000 rows). -#}
{% macro touched(column) -%}
{{ column }} in (select identifier from children_touched)
{%- endmacro %}

{#- Current vaccinations naming a touched identifier (every column of `relation`, a resource table):
    those by ID number, then those by certificate alone, so no row is read twice and no whole rows
    are sorted to remove the repeats. -#}
{% macro vaccinations_of_children_touched(relation) -%}
select * from {{ relation }} where {{ touched('child_id_no') }}
union all
select * from {{ relation }} as by_certificate
where
    {{ touched('by_certificate.birth_cert_no') }}
    and not exists (select 1 from children_touched as c where c.identifier = by_certificate.child_id_no)
{%- endmacro %}

{#- The keys a daily build of a model built on the identifiers recomputes: those of the touched
    identifiers, or of their current records (`record_id`). The model's incremental strategy
    (`recomputed`, macros/sync.sql) removes what it holds of them and did not compute again: a
    full build would not have it. -#}
{% macro recomputed_keys(key) -%}
{%- if key == 'record_id' -%}
select record_id from ({{ vaccinations_of_children_touched('resource.vaccination') }}) as touched
{%- else -%}
select identifier from children_touched
{%- endif -%}
{%- endmacro %}
