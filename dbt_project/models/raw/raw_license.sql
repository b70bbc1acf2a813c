-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit.
{{ config(
    alias='license',
    indexes=[{'columns': ['_batch_id']}],
    post_hook="{{ record_raw_batches(source('landing', 'license')) }}",
) }}

with landed as (

    select * from {{ source('landing', 'license') }}

),

final as (

    select
        license_no,
        license_type,
        uscc,
        issued_on,
        valid_until,
        authority,
        status,
        updated_at,
        _extra,
        _defect,
        _batch_id,
        _row_number
    from landed
    {% if is_incremental() %}
    -- batch by batch, not row by row: the planner cannot mistake raw's size for a landing row's share of it
    where landed._batch_id in (
        select batches._batch_id from (select distinct _batch_id from landed) as batches
        where not exists (select 1 from {{ this }} as kept where kept._batch_id = batches._batch_id)
    )
    {% endif %}

)

select * from final
