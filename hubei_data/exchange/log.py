"""The push log (schema `exchange`): bureau batches and their records' fate, front-end database pushes."""

import psycopg

_DDL = """
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
"""


def ensure_exchange(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.exchange'))")
        conn.execute(_DDL)
