-- The platform's own tables as the release before migrations laid them out, statement for statement
-- (hubei_data/api/store.py, exchange/log.py, transform/sync_log.py, metrics/compute.py at e803bcf).

-- api/store.py
create schema if not exists api;
create table if not exists api.consumers (
    app_key text primary key,
    name text not null,
    department text not null,
    secret_encrypted bytea not null,
    created_at timestamptz not null default now()
);
create table if not exists api.grants (
    grant_id bigserial primary key,
    app_key text not null references api.consumers,
    api text not null,
    purpose text not null,
    valid_from date not null,
    valid_until date not null,
    status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'revoked')),
    fields text[],
    row_scope jsonb not null default '[]',
    allow_personal boolean not null default false,
    rate_per_minute integer not null default 60 check (rate_per_minute > 0),
    applied_at timestamptz not null default now(),
    decided_at timestamptz,
    decided_by text,
    note text
);
create table if not exists api.nonces (
    app_key text not null,
    nonce text not null,
    seen_at timestamptz not null default now(),
    primary key (app_key, nonce)
);
create index if not exists nonces_seen_at on api.nonces (seen_at);
create table if not exists api.calls (
    call_id bigserial primary key,
    called_at timestamptz not null,
    app_key text,
    api text not null,
    grant_id bigint,
    params_digest text,
    rows integer,
    latency_ms double precision not null,
    status integer not null,
    error text
);
create index if not exists calls_called_at on api.calls (called_at);
create table if not exists api.daily_stats (
    day date not null,
    api text not null,
    consumer text not null,
    calls bigint not null,
    errors bigint not null,
    error_rate_pct numeric not null,
    p50_ms numeric,
    p95_ms numeric,
    p99_ms numeric,
    rows bigint not null,
    run_id text not null,
    primary key (day, api, consumer)
);

-- exchange/log.py
create schema if not exists exchange;
create table if not exists exchange.bureau_batches (
    batch_id text primary key,
    feed text not null,
    run_id text not null,
    records integer not null,
    status text not null check (status in ('pending', 'acknowledged')),
    attempts integer not null default 0,
    accepted integer,
    rejected integer,
    last_error text,
    created_at timestamptz not null default now(),
    acknowledged_at timestamptz
);
create index if not exists bureau_batches_pending on exchange.bureau_batches (feed) where status = 'pending';
create table if not exists exchange.bureau_batch_records (
    batch_id text not null references exchange.bureau_batches,
    record_key text not null,
    record_hash text not null,
    data text not null,
    primary key (batch_id, record_key)
);
create table if not exists exchange.bureau_records (
    feed text not null,
    record_key text not null,
    acked_hash text not null,
    batch_id text not null,
    acked_at timestamptz not null,
    primary key (feed, record_key)
);
create table if not exists exchange.bureau_rejections (
    feed text not null,
    record_key text not null,
    record_hash text not null,
    batch_id text not null,
    reason text not null,
    rejected_at timestamptz not null,
    primary key (feed, record_key, record_hash)
);
create table if not exists exchange.share_pushes (
    push_id bigserial primary key,
    subscription_id text not null,
    department text not null,
    dataset text not null,
    target_table text not null,
    mode text not null,
    run_id text not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    rows bigint,
    checksum text,
    duration_seconds double precision,
    status text not null check (status in ('running', 'succeeded', 'failed', 'expired')),
    error text
);
create index if not exists share_pushes_latest on exchange.share_pushes (subscription_id, started_at desc);
create table if not exists exchange.share_watermarks (
    subscription_id text primary key,
    synced_at timestamptz not null,
    last_key text[] not null,
    updated_at timestamptz not null default now()
);
comment on table exchange.share_pushes is 'Every push of a subscription into a front-end database: rows, checksum, duration, status.';
comment on table exchange.share_watermarks is 'How far each upsert subscription has pushed: the last share row written, by sync time and key.';
comment on table exchange.bureau_batches is 'Every batch pushed to the national bureau: pending until its receipt is applied.';
comment on table exchange.bureau_records is 'What the bureau has acknowledged: the digest of each record it holds.';
comment on table exchange.bureau_rejections is 'Records the bureau rejected, with its reason; re-sent only once they change.';

-- transform/sync_log.py
create schema if not exists audit;
create table if not exists audit.sync_log (
    sync_id text not null,
    model text not null,
    full_refresh boolean not null,
    inserted bigint not null,
    updated bigint not null,
    unchanged bigint not null,
    removed bigint not null,
    total_rows bigint not null,
    duration_seconds double precision,
    logged_at timestamptz not null default now(),
    primary key (sync_id, model)
);
comment on table audit.sync_log is 'One row per build and subject or share table: rows inserted, updated, unchanged, removed.';

-- metrics/compute.py
create schema if not exists metric;
create table if not exists metric.metric_values (
    metric_code text not null,
    partition_key date not null,
    period_start date not null,
    period_end date not null,
    dims jsonb not null default '{}',
    value numeric,
    run_id text not null,
    computed_at timestamptz not null default now(),
    primary key (metric_code, partition_key, dims)
);
create table if not exists metric.computed (
    metric_code text not null,
    partition_key date not null,
    run_id text not null,
    rows integer not null,
    computed_at timestamptz not null default now(),
    primary key (metric_code, partition_key)
);
