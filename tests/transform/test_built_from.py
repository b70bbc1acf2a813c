"""What `hubei-data build --source` builds after landing one source: what is downstream of it whose inputs are
built, so a first landing in a warehouse never built before makes the source's own tables, and a running platform
everything downstream."""

import dagster as dg
import psycopg

from hubei_data.transform.selection import built_from

LANDED = dg.AssetKey(["landing", "recall_extract"])
RAW = dg.AssetKey(["raw", "recall"])
OTHER = dg.AssetKey(["quarantine", "enterprise"])
ISSUES = dg.AssetKey(["quarantine", "issues"])


def _graph():
    @dg.asset(key=LANDED)
    def landed(): ...

    @dg.asset(key=RAW, deps=[LANDED])
    def raw(): ...

    @dg.asset(key=OTHER)
    def other(): ...

    @dg.asset(key=ISSUES, deps=[RAW, OTHER])
    def issues(): ...

    return dg.Definitions(assets=[landed, raw, other, issues]).resolve_asset_graph()


def test_only_what_can_be_built_is_taken(fresh_database):
    with psycopg.connect(fresh_database("built").url, autocommit=True) as conn:
        assert built_from(_graph(), conn, [LANDED]) == [RAW], "quarantine.enterprise was never built"
        conn.execute("create schema quarantine; create table quarantine.enterprise (uscc text)")
        assert built_from(_graph(), conn, [LANDED]) == [ISSUES, RAW]
        assert built_from(_graph(), conn, []) == []
