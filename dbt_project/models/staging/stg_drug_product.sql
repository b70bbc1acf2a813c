-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='drug_product',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['approval_no']}],
    pre_hook="{{ take_batches(['raw.drug_product']) }}",
) }}

with received as (

    select * from {{ ref('raw_drug_product') }}
    where _batch_id in ({{ taken_batches() }})

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(approval_no) as approval_no,
        std.clean(generic_name) as generic_name,
        std.clean(dosage_form) as dosage_form,
        std.clean(spec) as spec,
        std.clean_code(holder_uscc) as holder_uscc,
        std.clean(approved_on) as approved_on,
        std.clean(valid_until) as valid_until,
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
        std.parse_date(approved_on) as approved_on__value,
        std.parse_date(valid_until) as valid_until__value,
        row_number() over (partition by _batch_id, approval_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.approval_no is null then jsonb_build_object('rule', 'required', 'column', 'approval_no', 'detail', 'approval_no (批准文号) is required') end,
            case when c.approval_no is not null and c.approval_no !~ '^国药准字[HZSJBTF]C?[0-9]{8}$' then jsonb_build_object('rule', 'approval_no_format', 'column', 'approval_no', 'detail', format('approval_no %s does not match the approval_no format', c.approval_no)) end,
            case when c.generic_name is null then jsonb_build_object('rule', 'required', 'column', 'generic_name', 'detail', 'generic_name (通用名称) is required') end,
            case when c.holder_uscc is not null and not std.uscc_valid(c.holder_uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'holder_uscc', 'detail', format('holder_uscc %s has no valid GB 32100-2015 check character', c.holder_uscc)) end,
            case when c.approved_on is not null and c.approved_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'approved_on', 'detail', format('approved_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.approved_on)) end,
            case when c.valid_until is not null and c.valid_until__value is null then jsonb_build_object('rule', 'date_format', 'column', 'valid_until', 'detail', format('valid_until %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.valid_until)) end,
            case when c._occurrence > 1 and c.approval_no is not null then jsonb_build_object('rule', 'unique', 'column', 'approval_no', 'detail', format('approval_no %s occurs more than once in batch %s', concat_ws(' / ', c.approval_no), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c

),

final as (

    select * from checked

)

select * from final
