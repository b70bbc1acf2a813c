-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='penalty',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['case_no']}],
    pre_hook="{{ take_batches(['raw.penalty']) }}",
) }}

with received as (

    select * from {{ ref('raw_penalty') }}
    where _batch_id in ({{ taken_batches() }})

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean(case_no) as case_no,
        std.clean_code(uscc) as uscc,
        std.clean(decided_on) as decided_on,
        std.clean(violation) as violation,
        std.clean(fine_yuan) as fine_yuan,
        std.clean(confiscated_yuan) as confiscated_yuan,
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
        std.parse_date(decided_on) as decided_on__value,
        std.parse_decimal(fine_yuan) as fine_yuan__value,
        std.parse_decimal(confiscated_yuan) as confiscated_yuan__value,
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, case_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.case_no is null then jsonb_build_object('rule', 'required', 'column', 'case_no', 'detail', 'case_no (处罚决定书文号) is required') end,
            case when c.uscc is null then jsonb_build_object('rule', 'required', 'column', 'uscc', 'detail', 'uscc (当事人统一社会信用代码) is required') end,
            case when c.uscc is not null and not std.uscc_valid(c.uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'uscc', 'detail', format('uscc %s has no valid GB 32100-2015 check character', c.uscc)) end,
            case when c.decided_on is not null and c.decided_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'decided_on', 'detail', format('decided_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.decided_on)) end,
            case when c.fine_yuan is not null and c.fine_yuan__value is null then jsonb_build_object('rule', 'decimal_format', 'column', 'fine_yuan', 'detail', format('fine_yuan %s is not a number (digits, optionally signed, with at most one decimal point)', c.fine_yuan)) end,
            case when (c.fine_yuan__value < 0) then jsonb_build_object('rule', 'range', 'column', 'fine_yuan', 'detail', format('fine_yuan %s is outside 0 to', c.fine_yuan__value)) end,
            case when c.confiscated_yuan is not null and c.confiscated_yuan__value is null then jsonb_build_object('rule', 'decimal_format', 'column', 'confiscated_yuan', 'detail', format('confiscated_yuan %s is not a number (digits, optionally signed, with at most one decimal point)', c.confiscated_yuan)) end,
            case when (c.confiscated_yuan__value < 0) then jsonb_build_object('rule', 'range', 'column', 'confiscated_yuan', 'detail', format('confiscated_yuan %s is outside 0 to', c.confiscated_yuan__value)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c._occurrence > 1 and c.case_no is not null then jsonb_build_object('rule', 'unique', 'column', 'case_no', 'detail', format('case_no %s occurs more than once in batch %s', concat_ws(' / ', c.case_no), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c

),

final as (

    select * from checked

)

select * from final
