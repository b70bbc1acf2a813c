-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='inspection',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['inspection_id']}],
    pre_hook="{{ take_batches(['raw.inspection']) }}",
) }}

with received as (

    select * from {{ ref('raw_inspection') }}
    where _batch_id in ({{ taken_batches() }})

),

divisions as (

    select division_code from {{ ref('hubei_divisions') }}

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean(inspection_id) as inspection_id,
        std.clean_code(uscc) as uscc,
        std.clean(inspected_on) as inspected_on,
        std.clean_code(division_code) as division_code,
        std.clean(result) as result,
        std.clean(findings) as findings,
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
        std.parse_date(inspected_on) as inspected_on__value,
        std.parse_integer(findings) as findings__value,
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, inspection_id order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.inspection_id is null then jsonb_build_object('rule', 'required', 'column', 'inspection_id', 'detail', 'inspection_id (检查编号) is required') end,
            case when c.uscc is null then jsonb_build_object('rule', 'required', 'column', 'uscc', 'detail', 'uscc (被检查企业统一社会信用代码) is required') end,
            case when c.uscc is not null and not std.uscc_valid(c.uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'uscc', 'detail', format('uscc %s has no valid GB 32100-2015 check character', c.uscc)) end,
            case when c.inspected_on is not null and c.inspected_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'inspected_on', 'detail', format('inspected_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.inspected_on)) end,
            case when c.inspected_on__value > current_date then jsonb_build_object('rule', 'not_future', 'column', 'inspected_on', 'detail', format('inspected_on %s is in the future', c.inspected_on__value)) end,
            case when c.division_code is not null and d_division_code.division_code is null then jsonb_build_object('rule', 'hubei_division', 'column', 'division_code', 'detail', format('division_code %s is not a Hubei division code in GB/T 2260', c.division_code)) end,
            case when c.result is not null and c.result not in ('符合', '基本符合', '不符合') then jsonb_build_object('rule', 'accepted_values', 'column', 'result', 'detail', format('result %s is not one of 符合、基本符合、不符合', c.result)) end,
            case when c.findings is not null and c.findings__value is null then jsonb_build_object('rule', 'integer_format', 'column', 'findings', 'detail', format('findings %s is not a whole number (digits, optionally signed)', c.findings)) end,
            case when (c.findings__value < 0) then jsonb_build_object('rule', 'range', 'column', 'findings', 'detail', format('findings %s is outside 0 to', c.findings__value)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c._occurrence > 1 and c.inspection_id is not null then jsonb_build_object('rule', 'unique', 'column', 'inspection_id', 'detail', format('inspection_id %s occurs more than once in batch %s', concat_ws(' / ', c.inspection_id), c._batch_id)) end,
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
