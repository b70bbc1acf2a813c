-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='enterprise',
    indexes=[{'columns': ['_batch_id', '_row_number'], 'unique': True}, {'columns': ['uscc']}],
    pre_hook="{{ take_batches(['raw.enterprise']) }}",
) }}

with received as (

    select * from {{ ref('raw_enterprise') }}
    where _batch_id in ({{ taken_batches() }})

),

divisions as (

    select division_code from {{ ref('hubei_divisions') }}

),

standardised as (

    -- offset 0 keeps each value cleaned once: the parsers inline, and would copy std.clean into every use
    select
        std.clean_code(uscc) as uscc,
        std.clean(name) as name,
        std.clean(legal_rep) as legal_rep,
        std.clean(address) as address,
        std.clean_code(division_code) as division_code,
        std.clean(enterprise_type) as enterprise_type,
        std.clean(established_on) as established_on,
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
        std.parse_date(established_on) as established_on__value,
        std.parse_timestamp(updated_at) as updated_at__value,
        row_number() over (partition by _batch_id, uscc order by _row_number) as _occurrence
    from standardised

),

checked as (

    select
        c.*,
        to_jsonb(array_remove(array[
            case when c.uscc is null then jsonb_build_object('rule', 'required', 'column', 'uscc', 'detail', 'uscc (统一社会信用代码) is required') end,
            case when c.uscc is not null and not std.uscc_valid(c.uscc) then jsonb_build_object('rule', 'uscc_check', 'column', 'uscc', 'detail', format('uscc %s has no valid GB 32100-2015 check character', c.uscc)) end,
            case when c.name is null then jsonb_build_object('rule', 'required', 'column', 'name', 'detail', 'name (企业名称) is required') end,
            case when c.division_code is not null and d_division_code.division_code is null then jsonb_build_object('rule', 'hubei_division', 'column', 'division_code', 'detail', format('division_code %s is not a Hubei division code in GB/T 2260', c.division_code)) end,
            case when c.enterprise_type is not null and c.enterprise_type not in ('药品生产', '药品批发', '药品零售', '化妆品生产', '医疗器械生产', '医疗器械经营') then jsonb_build_object('rule', 'accepted_values', 'column', 'enterprise_type', 'detail', format('enterprise_type %s is not one of 药品生产、药品批发、药品零售、化妆品生产、医疗器械生产、医疗器械经营', c.enterprise_type)) end,
            case when c.established_on is not null and c.established_on__value is null then jsonb_build_object('rule', 'date_format', 'column', 'established_on', 'detail', format('established_on %s is not a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)', c.established_on)) end,
            case when c.established_on__value > current_date then jsonb_build_object('rule', 'not_future', 'column', 'established_on', 'detail', format('established_on %s is in the future', c.established_on__value)) end,
            case when c.status is not null and c.status not in ('存续', '注销', '吊销') then jsonb_build_object('rule', 'accepted_values', 'column', 'status', 'detail', format('status %s is not one of 存续、注销、吊销', c.status)) end,
            case when c.updated_at is null then jsonb_build_object('rule', 'required', 'column', 'updated_at', 'detail', 'updated_at (更新时间) is required') end,
            case when c.updated_at is not null and c.updated_at__value is null then jsonb_build_object('rule', 'timestamp_format', 'column', 'updated_at', 'detail', format('updated_at %s is not a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)', c.updated_at)) end,
            case when c._occurrence > 1 and c.uscc is not null then jsonb_build_object('rule', 'unique', 'column', 'uscc', 'detail', format('uscc %s occurs more than once in batch %s', concat_ws(' / ', c.uscc), c._batch_id)) end,
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
