-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='birth_certificate',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['cert_no']}],
    pre_hook="{{ take_batches(['raw.birth_certificate']) }}",
) }}

with received as (

    select * from {{ ref('raw_birth_certificate') }}
    where _batch_id in ({{ taken_batches() }})

),

divisions as (

    select division_code from {{ ref('hubei_divisions') }}

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(cert_no) as cert_no,
        std.clean(child_name) as child_name,
        std.clean(sex) as sex,
        std.clean(birth_date) as birth_date,
        std.clean_code(mother_id_no) as mother_id_no,
        std.clean(hospital) as hospital,
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
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, cert_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.cert_no is null then jsonb_build_object('rule', 'required', 'column', 'cert_no', 'detail', 'cert_no (出生医学证明编号) is required') end,
            case when c.cert_no is not null and c.cert_no !~ '^[A-Z][0-9]{9}$' then jsonb_build_object('rule', 'birth_cert_no_format', 'column', 'cert_no', 'detail', format('cert_no %s does not match the birth_cert_no format', c.cert_no)) end,
            case when c.sex is not null and c.sex not in ('男', '女') then jsonb_build_object('rule', 'accepted_values', 'column', 'sex', 'detail', format('sex %s is not one of 男、女', c.sex)) end,
            case when c.birth_date is null then jsonb_build_object('rule', 'required', 'column', 'birth_date', 'detail', 'birth_date (出生日期) is required') end,
            case when c.birth_date is not null and c.birth_date__value is null then jsonb_build_object('rule', 'date_format', 'column', 'birth_date', 'detail', format('birth_date %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.birth_date)) end,
            case when c.birth_date__value > current_date then jsonb_build_object('rule', 'not_future', 'column', 'birth_date', 'detail', format('birth_date %s is in the future', c.birth_date__value)) end,
            case when c.mother_id_no is not null and not std.resident_id_valid(c.mother_id_no) then jsonb_build_object('rule', 'id_check', 'column', 'mother_id_no', 'detail', format('mother_id_no %s is not a valid GB 11643-1999 ID number', c.mother_id_no)) end,
            case when c.division_code is not null and d_division_code.division_code is null then jsonb_build_object('rule', 'hubei_division', 'column', 'division_code', 'detail', format('division_code %s is not a Hubei division code in GB/T 2260', c.division_code)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c._occurrence > 1 and c.cert_no is not null then jsonb_build_object('rule', 'unique', 'column', 'cert_no', 'detail', format('cert_no %s occurs more than once in batch %s', concat_ws(' / ', c.cert_no), c._batch_id)) end,
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
