-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(alias='license', materialized='table') }}

with received as (

    select * from {{ ref('raw_license') }}

),

known_enterprise as (

    select distinct std.clean_code(uscc) as uscc
    from {{ ref('raw_enterprise') }}

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(license_no) as license_no,
        std.clean(license_type) as license_type,
        std.clean_code(uscc) as uscc,
        std.clean(issued_on) as issued_on,
        std.clean(valid_until) as valid_until,
        std.clean(authority) as authority,
        std.clean(status) as status,
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
        std.parse_date(issued_on) as issued_on__value,
        std.parse_date(valid_until) as valid_until__value,
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, license_no, license_type order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.license_no is null then jsonb_build_object('rule', 'required', 'column', 'license_no', 'detail', 'license_no (许可证编号) is required') end,
            case when c.license_no is not null and c.license_no !~ '^鄂[0-9]{8}$' and c.license_type = '药品生产许可证' then jsonb_build_object('rule', 'license_no_format', 'column', 'license_no', 'detail', format('license_no %s does not match the license_no format for 药品生产许可证', c.license_no)) end,
            case when c.license_no is not null and c.license_no !~ '^鄂妆[0-9]{8}$' and c.license_type = '化妆品生产许可证' then jsonb_build_object('rule', 'license_no_format', 'column', 'license_no', 'detail', format('license_no %s does not match the license_no format for 化妆品生产许可证', c.license_no)) end,
            case when c.license_type is null then jsonb_build_object('rule', 'required', 'column', 'license_type', 'detail', 'license_type (证照类型) is required') end,
            case when c.license_type is not null and c.license_type not in ('药品生产许可证', '药品经营许可证', '化妆品生产许可证', '医疗器械生产许可证', '医疗器械经营许可证') then jsonb_build_object('rule', 'accepted_values', 'column', 'license_type', 'detail', format('license_type %s is not one of 药品生产许可证、药品经营许可证、化妆品生产许可证、医疗器械生产许可证、医疗器械经营许可证', c.license_type)) end,
            case when c.uscc is null then jsonb_build_object('rule', 'required', 'column', 'uscc', 'detail', 'uscc (持证企业统一社会信用代码) is required') end,
            case when c.uscc is not null and not std.uscc_valid(c.uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'uscc', 'detail', format('uscc %s has no valid GB 32100-2015 check character', c.uscc)) end,
            case when c.uscc is not null and std.uscc_valid(c.uscc) and k_uscc.uscc is null then jsonb_build_object('rule', 'enterprise_exists', 'column', 'uscc', 'detail', format('uscc %s names no enterprise received', c.uscc)) end,
            case when c.issued_on is not null and c.issued_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'issued_on', 'detail', format('issued_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.issued_on)) end,
            case when c.valid_until is not null and c.valid_until__value is null then jsonb_build_object('rule', 'date_format', 'column', 'valid_until', 'detail', format('valid_until %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.valid_until)) end,
            case when c.valid_until__value <= c.issued_on__value then jsonb_build_object('rule', 'date_order', 'column', 'valid_until', 'detail', format('valid_until %s is not after issued_on %s', c.valid_until__value, c.issued_on__value)) end,
            case when c.status is not null and c.status not in ('有效', '注销', '过期') then jsonb_build_object('rule', 'accepted_values', 'column', 'status', 'detail', format('status %s is not one of 有效、注销、过期', c.status)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c._occurrence > 1 and c.license_no is not null and c.license_type is not null then jsonb_build_object('rule', 'unique', 'column', 'license_no', 'detail', format('license_no + license_type %s occurs more than once in batch %s', concat_ws(' / ', c.license_no, c.license_type), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c
    left join known_enterprise as k_uscc
        on k_uscc.uscc = c.uscc

),

final as (

    select * from checked

)

select * from final
