"""What the backup tests fill a warehouse with: rows of every kind whose text could drift, and bulk."""

import psycopg


# Rows of every kind whose text form could drift between a dump and a restore.
DATA = """
create table raw.enterprise (
    uscc text, name text, registered_on date, updated_at timestamptz, capital numeric(18, 2), ratio double precision,
    extra jsonb, photo bytea, tags text[], _batch_id bigint
);
insert into raw.enterprise values
    ('91420100MA4K1', '武汉某药业有限公司', '2020-02-29', '2026-11-30 23:59:59.123456+08', 1234567.89, 0.1,
     '{"b": 1, "a": [1, 2]}', '\\x00ff', '{甲,"b c"}', 1),
    ('91420100MA4K2', e'line\\nbreak, "quoted"', null, '2026-12-01 00:00:00+00', null, 1e-300, null, null, '{}', 1),
    ('91420100MA4K3', '襄阳某医疗器械公司', '1999-12-31', null, -0.01, 'NaN', '[]', '\\x', null, 2);
create table landing.enterprise (_batch_id bigint, _row_number integer, uscc text, name text);
insert into landing.enterprise select 2, n, 'U' || n, '企业' || n from generate_series(1, 50) as n;
insert into exchange.bureau_batches (batch_id, feed, run_id, records, status)
    values ('b-1', 'penalty', 'r-1', 1, 'pending');
"""


def add_bulk(info, megabytes: int) -> None:
    """About that many megabytes of digests to raw, which the dump's compression cannot shrink by half."""
    with psycopg.connect(info.url) as conn:
        conn.execute("create table raw.bulk as select n, md5(n::text) || md5((n * 7)::text) as digest"
                     " from generate_series(1, %s) as n", (megabytes * 30_000,))
