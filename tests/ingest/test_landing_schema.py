"""The landing schema is put back whole whenever anything of it is missing; one catalog query tells when all is there."""

import psycopg

from hubei_data.ingest import landing


def _in_place(info) -> bool:
    with psycopg.connect(info.url) as conn:
        return landing._in_place(conn)


def test_whatever_is_missing_is_seen_and_put_back(fresh_database):
    info = fresh_database("landing")
    assert not _in_place(info)
    with psycopg.connect(info.url) as conn:
        landing.ensure_landing(conn)
    assert _in_place(info)
    damage = [
        "alter table landing.penalty drop column fine_yuan",
        "alter table landing.enterprise alter column _row_number drop default",
        "alter table landing.batches alter column sha256 set not null",
        "drop index landing.batches_by_origin",
    ]
    for statement in damage:
        with psycopg.connect(info.url, autocommit=True) as conn:
            conn.execute(statement)
        assert not _in_place(info), statement
        with psycopg.connect(info.url) as conn:
            landing.ensure_landing(conn)
        assert _in_place(info), statement
