-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='cosmetic_filing',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['filing_no']}],
    pre_hook="{{ take_batches(['raw.cosmetic_filing']) }}",
) }}

with received as (

    select * from {{ ref('raw_cosmetic_filing') }}
    where _batch_id in ({{ taken_batches() }})

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(filing_no) as filing_no,
        std.clean(product_name) as product_name,
        std.clean(category) as category,
        std.clean_code(registrant_uscc) as registrant_uscc,
        std.clean(filed_on) as filed_on,
        std.clean(status) as status,
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
        std.parse_date(filed_on) as filed_on__value,
        row_number() over (partition by _batch_id, filing_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.filing_no is null then jsonb_build_object('rule', 'required', 'column', 'filing_no', 'detail', 'filing_no (注册证号/备案编号) is required') end,
            case when c.filing_no is not null and c.filing_no !~ '^(国妆特字G[0-9]{8}|国妆特进字J[0-9]{8}|鄂G妆网备字[0-9]{10}|国妆网备进字\(鄂\)[0-9]{10})$' then jsonb_build_object('rule', 'filing_no_format', 'column', 'filing_no', 'detail', format('filing_no %s does not match the filing_no format', c.filing_no)) end,
            case when c.product_name is null then jsonb_build_object('rule', 'required', 'column', 'product_name', 'detail', 'product_name (产品名称) is required') end,
            case when c.category is not null and c.category not in ('特殊化妆品', '普通化妆品') then jsonb_build_object('rule', 'accepted_values', 'column', 'category', 'detail', format('category %s is not one of 特殊化妆品、普通化妆品', c.category)) end,
            case when c.registrant_uscc is not null and not std.uscc_valid(c.registrant_uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'registrant_uscc', 'detail', format('registrant_uscc %s has no valid GB 32100-2015 check character', c.registrant_uscc)) end,
            case when c.filed_on is not null and c.filed_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'filed_on', 'detail', format('filed_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.filed_on)) end,
            case when c.status is not null and c.status not in ('有效', '注销') then jsonb_build_object('rule', 'accepted_values', 'column', 'status', 'detail', format('status %s is not one of 有效、注销', c.status)) end,
            case when c._occurrence > 1 and c.filing_no is not null then jsonb_build_object('rule', 'unique', 'column', 'filing_no', 'detail', format('filing_no %s occurs more than once in batch %s', concat_ws(' / ', c.filing_no), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c

),

final as (

    select * from checked

)

select * from final
