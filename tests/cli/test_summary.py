"""The demo's summary says what landing holds truthfully: after a build it holds what raw holds too."""

import psycopg

from hubei_data.cli.summary import print_summary

AFTER_A_BUILD = """
    create schema landing; create schema raw; create schema quarantine;
    create table landing.enterprise (uscc text, _batch_id bigint);
    create table raw.enterprise (uscc text, _batch_id bigint);
    insert into landing.enterprise values ('A', 1), ('B', 1), ('C', 1);
    insert into raw.enterprise select * from landing.enterprise;
    create table quarantine.issues (source text, key text, rule text, detail text, batch_id bigint, file text,
                                    row_number integer);
"""


def test_landing_is_described_as_the_receiving_dock_it_is(fresh_database, use_warehouse, capsys):
    info = fresh_database("summary")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(AFTER_A_BUILD)
    use_warehouse(info)
    print_summary()
    shown = capsys.readouterr().out
    enterprise = next(line.split() for line in shown.splitlines() if line.startswith("enterprise "))
    assert enterprise[1:3] == ["3", "3"]
    assert "not yet copied" not in shown
    caption = " ".join(shown[shown.index("Rows per library"):shown.index("source ")].split())
    assert caption == ("Rows per library (landing is the receiving dock: each landing first clears the batches raw "
                       "already holds, so it keeps the latest ones; raw keeps every batch ever received):")
