-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='vaccination',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['record_id'], 'include': ['child_id_no', 'birth_cert_no', 'child_name', 'birth_date__value', 'vaccine_code', 'dose_no__value', 'vaccinated_on__value', '_batch_id', '_issues']}],
    pre_hook="{{ take_batches(['raw.vaccination']) }}",
) }}

with received as (

    select * from {{ ref('raw_vaccination') }}
    where _batch_id in ({{ taken_batches() }})

),

divisions as (

    select division_code from {{ ref('hubei_divisions') }}

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean(record_id) as record_id,
        std.clean_code(child_id_no) as child_id_no,
        std.clean_code(birth_cert_no) as birth_cert_no,
        std.clean(child_name) as child_name,
        std.clean(birth_date) as birth_date,
        std.clean_code(vaccine_code) as vaccine_code,
        std.clean(vaccine_name) as vaccine_name,
        std.clean(dose_no) as dose_no,
        std.clean(vaccinated_on) as vaccinated_on,
        std.clean_code(unit_code) as unit_code,
        std.clean_code(division_code) as division_code,
        std.clean(updated_at) as updated_at,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from received
    offset 0

),

typed as (

    select
        *,
        std.parse_date(birth_date) as birth_date__value,
        std.parse_integer(dose_no) as dose_no__value,
        std.parse_date(vaccinated_on) as vaccinated_on__value,
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, record_id order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.record_id is null then jsonb_build_object('rule', 'required', 'column', 'record_id', 'detail', 'record_id (接种记录编号) is required') end,
            case when c.child_id_no is not null and not std.resident_id_valid(c.child_id_no) then jsonb_build_object('rule', 'id_check', 'column', 'child_id_no', 'detail', format('child_id_no %s is not a valid GB 11643-1999 ID number', c.child_id_no)) end,
            case when c.birth_cert_no is not null and c.birth_cert_no !~ '^[A-Z][0-9]{9}$' then jsonb_build_object('rule', 'birth_cert_no_format', 'column', 'birth_cert_no', 'detail', format('birth_cert_no %s does not match the birth_cert_no format', c.birth_cert_no)) end,
            case when c.child_name is null then jsonb_build_object('rule', 'required', 'column', 'child_name', 'detail', 'child_name (受种者姓名) is required') end,
            case when c.birth_date is not null and c.birth_date__value is null then jsonb_build_object('rule', 'date_format', 'column', 'birth_date', 'detail', format('birth_date %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.birth_date)) end,
            case when c.birth_date__value is not null and std.resident_id_valid(c.child_id_no) and c.birth_date__value <> std.resident_id_birth_date(c.child_id_no) then jsonb_build_object('rule', 'id_birth_date', 'column', 'birth_date', 'detail', format('birth_date %s differs from the birth date in child_id_no (%s)', c.birth_date__value, std.resident_id_birth_date(c.child_id_no))) end,
            case when c.vaccine_code is null then jsonb_build_object('rule', 'required', 'column', 'vaccine_code', 'detail', 'vaccine_code (疫苗编码) is required') end,
            case when c.dose_no is not null and c.dose_no__value is null then jsonb_build_object('rule', 'integer_format', 'column', 'dose_no', 'detail', format('dose_no %s is not a whole number (digits, optionally signed)', c.dose_no)) end,
            case when (c.dose_no__value < 1 or c.dose_no__value > 5) then jsonb_build_object('rule', 'range', 'column', 'dose_no', 'detail', format('dose_no %s is outside 1 to 5', c.dose_no__value)) end,
            case when c.vaccinated_on is not null and c.vaccinated_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'vaccinated_on', 'detail', format('vaccinated_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.vaccinated_on)) end,
            case when c.vaccinated_on__value < c.birth_date__value then jsonb_build_object('rule', 'date_order', 'column', 'vaccinated_on', 'detail', format('vaccinated_on %s is not on or after birth_date %s', c.vaccinated_on__value, c.birth_date__value)) end,
            case when c.vaccinated_on__value > current_date then jsonb_build_object('rule', 'not_future', 'column', 'vaccinated_on', 'detail', format('vaccinated_on %s is in the future', c.vaccinated_on__value)) end,
            case when c.division_code is not null and d_division_code.division_code is null then jsonb_build_object('rule', 'hubei_division', 'column', 'division_code', 'detail', format('division_code %s is not a Hubei division code in GB/T 2260', c.division_code)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c.child_id_no is null and c.birth_cert_no is null then jsonb_build_object('rule', 'one_of_required', 'column', null, 'detail', 'one of child_id_no, birth_cert_no is required') end,
            case when c._occurrence > 1 and c.record_id is not null then jsonb_build_object('rule', 'unique', 'column', 'record_id', 'detail', format('record_id %s occurs more than once in batch %s', concat_ws(' / ', c.record_id), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c
    left join divisions as d_division_code
        on d_division_code.division_code = c.division_code

),

final as (

    select * from checked

)

select * from final
