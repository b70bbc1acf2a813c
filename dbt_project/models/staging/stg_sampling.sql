-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='sampling',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['sample_no']}],
    pre_hook="{{ take_batches(['raw.sampling']) }}",
) }}

with received as (

    select * from {{ ref('raw_sampling') }}
    where _batch_id in ({{ taken_batches() }})

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean(sample_no) as sample_no,
        std.clean_code(approval_no) as approval_no,
        std.clean_code(uscc) as uscc,
        std.clean(sampled_on) as sampled_on,
        std.clean(result) as result,
        std.clean(failed_items) as failed_items,
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
        std.parse_date(sampled_on) as sampled_on__value,
        row_number() over (partition by _batch_id, sample_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.sample_no is null then jsonb_build_object('rule', 'required', 'column', 'sample_no', 'detail', 'sample_no (抽样编号) is required') end,
            case when c.approval_no is not null and c.approval_no !~ '^国药准字[HZSJBTF]C?[0-9]{8}$' then jsonb_build_object('rule', 'approval_no_format', 'column', 'approval_no', 'detail', format('approval_no %s does not match the approval_no format', c.approval_no)) end,
            case when c.uscc is null then jsonb_build_object('rule', 'required', 'column', 'uscc', 'detail', 'uscc (被抽样单位统一社会信用代码) is required') end,
            case when c.uscc is not null and not std.uscc_valid(c.uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'uscc', 'detail', format('uscc %s has no valid GB 32100-2015 check character', c.uscc)) end,
            case when c.sampled_on is not null and c.sampled_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'sampled_on', 'detail', format('sampled_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.sampled_on)) end,
            case when c.result is not null and c.result not in ('合格', '不合格') then jsonb_build_object('rule', 'accepted_values', 'column', 'result', 'detail', format('result %s is not one of 合格、不合格', c.result)) end,
            case when c.failed_items is null and c.result = '不合格' then jsonb_build_object('rule', 'required_when', 'column', 'failed_items', 'detail', 'failed_items is required when result is 不合格') end,
            case when c._occurrence > 1 and c.sample_no is not null then jsonb_build_object('rule', 'unique', 'column', 'sample_no', 'detail', format('sample_no %s occurs more than once in batch %s', concat_ws(' / ', c.sample_no), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c

),

final as (

    select * from checked

)

select * from final
