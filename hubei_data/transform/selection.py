"""Which assets a build after landing must take in: what depends on the new data, and what is missing."""

from collections.abc import Iterable

import dagster as dg
import psycopg

BUILT_LAYERS = ("reference", "raw", "staging", "resource", "quarantine", "subject", "share")
# Pushes leave the platform, API statistics summarise calls, metrics summarise periods and reports
# summarise weeks: their own sensors, jobs and schedules start them, never a build.
OUTSIDE_BUILDS = dg.AssetSelection.groups("exchange", "api", "metric", "reports")


def missing_tables(conn: psycopg.Connection, keys: set[dg.AssetKey]) -> set[dg.AssetKey]:
    """Warehouse assets whose tables do not exist yet (a first run, or a new model)."""
    wanted = [k for k in keys if len(k.path) == 2 and k.path[0] in BUILT_LAYERS]
    if not wanted:
        return set()
    rows = conn.execute(
        "select name from unnest(%s::text[]) as name where to_regclass(name) is null",
        ([".".join(k.path) for k in wanted],),
    ).fetchall()
    return {dg.AssetKey(name.split(".")) for (name,) in rows}


def build_selection(graph, conn: psycopg.Connection, landed: Iterable[dg.AssetKey]) -> list[dg.AssetKey]:
    """What a build after landing must take in: everything downstream of the landing assets that
    materialised (not those assets again), and any table not built yet.

    Models such as quarantine.issues read every source's tables, so the first landing of
    any one source must also build the tables that do not exist yet.
    """
    return sorted(_downstream(graph, landed) | missing_tables(conn, set(graph.get_all_asset_keys())), key=str)


def built_from(graph, conn: psycopg.Connection, landed: Iterable[dg.AssetKey]) -> list[dg.AssetKey]:
    """What a build of one source's new data takes in: what is downstream of it whose inputs are built, or built
    in the same run. In a running platform that is everything downstream; in a warehouse never built before, only
    the source's own tables, not the libraries that combine every source (a whole `build` makes those)."""
    downstream = _downstream(graph, landed)
    missing = missing_tables(conn, set(graph.get_all_asset_keys()))
    taken: set[dg.AssetKey] = set()
    while ready := {key for key in downstream - taken
                    if all(parent in taken or parent not in missing for parent in graph.get(key).parent_keys)}:
        taken |= ready
    return sorted(taken, key=str)


def _downstream(graph, landed: Iterable[dg.AssetKey]) -> set[dg.AssetKey]:
    """What a build takes in after these landing assets materialised: what depends on them, not they again."""
    landed = set(landed)
    return (dg.AssetSelection.assets(*landed).downstream() - OUTSIDE_BUILDS).resolve(graph) - landed


def libraries(graph) -> list[dg.AssetKey]:
    """Every library a build writes, without landing again."""
    return sorted((dg.AssetSelection.all() - OUTSIDE_BUILDS - dg.AssetSelection.groups("landing")).resolve(graph),
                  key=str)
