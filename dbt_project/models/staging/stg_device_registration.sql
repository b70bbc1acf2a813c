-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='device_registration',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['reg_no']}],
    pre_hook="{{ take_batches(['raw.device_registration']) }}",
) }}

with received as (

    select * from {{ ref('raw_device_registration') }}
    where _batch_id in ({{ taken_batches() }})

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(reg_no) as reg_no,
        std.clean(product_name) as product_name,
        std.clean_code(device_class) as device_class,
        std.clean_code(registrant_uscc) as registrant_uscc,
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
        row_number() over (partition by _batch_id, reg_no order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.reg_no is null then jsonb_build_object('rule', 'required', 'column', 'reg_no', 'detail', 'reg_no (注册证编号) is required') end,
            case when c.reg_no is not null and c.reg_no !~ '^(国械注准|国械注进|国械注许|鄂械注准)[0-9]{4}[23][0-9]{2}[0-9]{4}$' then jsonb_build_object('rule', 'reg_no_format', 'column', 'reg_no', 'detail', format('reg_no %s does not match the reg_no format', c.reg_no)) end,
            case when c.product_name is null then jsonb_build_object('rule', 'required', 'column', 'product_name', 'detail', 'product_name (产品名称) is required') end,
            case when c.device_class is not null and c.device_class not in ('II', 'III') then jsonb_build_object('rule', 'accepted_values', 'column', 'device_class', 'detail', format('device_class %s is not one of II、III', c.device_class)) end,
            case when c.registrant_uscc is not null and not std.uscc_valid(c.registrant_uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'registrant_uscc', 'detail', format('registrant_uscc %s has no valid GB 32100-2015 check character', c.registrant_uscc)) end,
            case when c.approved_on is not null and c.approved_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'approved_on', 'detail', format('approved_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.approved_on)) end,
            case when c.valid_until is not null and c.valid_until__value is null then jsonb_build_object('rule', 'date_format', 'column', 'valid_until', 'detail', format('valid_until %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.valid_until)) end,
            case when c._occurrence > 1 and c.reg_no is not null then jsonb_build_object('rule', 'unique', 'column', 'reg_no', 'detail', format('reg_no %s occurs more than once in batch %s', concat_ws(' / ', c.reg_no), c._batch_id)) end,
            case when c._defect is not null then jsonb_build_object('rule', 'row_format', 'column', null, 'detail', c._defect) end
        ], null)) as _issues
    from typed as c

),

final as (

    select * from checked

)

select * from final
