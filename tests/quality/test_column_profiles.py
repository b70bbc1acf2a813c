"""Column profiles (数据剖析) are recorded by every build that touches a resource table, and a jump opens a ticket."""

import datetime as dt
import json
import uuid

import pytest

from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.quality import profiles, tickets
from hubei_data.quality.profile_jumps import jumps
from tests.people import invoke

HEADER = "case_no,uscc,decided_on,violation,fine_yuan,updated_at\n"
USCC = "91420102MAYLRJ8BMN"
CASES = [f"P{uuid.uuid4().hex[:10]}" for _ in range(12)]


def _land(folder, name: str, rows: list[tuple[str, str, str, str]]) -> None:
    path = folder / name
    now = f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"
    path.write_text(HEADER + "".join(f"{case},{USCC},{decided},{violation},{fine},{now}\n"
                                     for case, decided, violation, fine in rows), encoding="utf-8")
    [result], built = land_and_build({"penalty": [str(path)]}, build=True)
    assert result["status"] == "loaded" and built, result


def _profile(conn) -> dict[str, profiles.Profile]:
    return {p.column_name: p for p in profiles.latest(conn, "resource.penalty")}


@pytest.fixture(scope="module")
def first(own_warehouse, tmp_path_factory):
    """Twelve penalties, each with its own violation and a decision date, fines 10 to 120 yuan."""
    folder = tmp_path_factory.mktemp("penalty")
    _land(folder, "first.csv", [(case, "2026-01-02", f"违法行为{n:02d}", str(10 * n))
                                for n, case in enumerate(CASES, start=1)])
    with wh.connect() as conn:
        return folder, _profile(conn)


@pytest.fixture(scope="module")
def second(first):
    """The same twelve sent again without decision dates and all with one violation: the vendor's defaults."""
    folder, _ = first
    _land(folder, "second.csv", [(case, "", "未填写", str(10 * n)) for n, case in enumerate(CASES, start=1)])
    with wh.connect() as conn:
        return _profile(conn)


def test_a_build_records_each_column_of_the_table_it_built(first):
    _, profile = first
    assert set(profile) >= {"case_no", "uscc", "decided_on", "violation", "fine_yuan", "confiscated_yuan"}
    assert not [name for name in profile if name.startswith("_")]
    case_no, fine, confiscated, uscc = (profile[c] for c in ("case_no", "fine_yuan", "confiscated_yuan", "uscc"))
    assert (case_no.rows, case_no.nulls, case_no.distinct_values, case_no.min_length, case_no.max_length) == (
        12, 0, 12, 11, 11)
    assert (case_no.min_value, case_no.max_value) == (min(CASES), max(CASES))
    # Typed, so 120 is the largest fine, not 90 as text would have it.
    assert (float(fine.min_value), float(fine.max_value), fine.distinct_values) == (10, 120, 12)
    assert (confiscated.nulls, confiscated.distinct_values, confiscated.top_values) == (12, 0, [])
    assert uscc.top_values == [{"value": USCC, "rows": 12}]
    assert len(profile["violation"].top_values) == profiles.TOP_VALUES


def test_no_ticket_opens_without_history(first):
    with wh.connect() as conn:
        assert not [t for t in tickets.listed(conn) if t.rule.startswith(tickets.PROFILE)]


def test_a_jump_in_null_rate_and_distinct_values_opens_a_ticket_per_metric(first, second):
    decided, violation = second["decided_on"], second["violation"]
    assert (decided.rows, decided.nulls, violation.distinct_values) == (12, 12, 1)
    assert violation.top_values == [{"value": "未填写", "rows": 12}]
    with wh.connect() as conn:
        held = {t.rule: t for t in tickets.listed(conn, source="penalty") if t.rule.startswith(tickets.PROFILE)}
        comments = {rule: tickets.steps(conn, t.ticket_id)[-1][-1] for rule, t in held.items()}
    assert set(held) == {"profile_null_rate", "profile_distinct"}
    # The same build's recheck of the quarantine leaves them open: people resolve them.
    assert {t.stage for t in held.values()} == {"new"}
    assert (held["profile_null_rate"].affected_rows, held["profile_null_rate"].owner) == (12, "省药监局")
    assert "decided_on" in comments["profile_null_rate"] and "100%" in comments["profile_null_rate"]
    assert "violation" in comments["profile_distinct"] and "降至 1" in comments["profile_distinct"]


def test_only_the_tables_a_build_touched_are_profiled_again(second):
    with wh.connect() as conn:
        runs = dict(conn.execute("select table_name, count(distinct run_id) from ops.column_profiles"
                                 " where table_name in ('resource.penalty', 'resource.enterprise')"
                                 " group by table_name").fetchall())
    assert runs == {"resource.penalty": 2, "resource.enterprise": 1}


def test_the_profile_command_shows_the_change_against_history(second):
    shown = invoke(["quality", "profile", "penalty", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    rows = {row["column"]: row for row in map(json.loads, shown.stdout.splitlines())}
    assert (rows["decided_on"]["null_rate"], rows["decided_on"]["null_rate_before"]) == ("100.0%", "0.0%")
    assert (rows["violation"]["distinct"], rows["violation"]["distinct_before"]) == (1, 12)
    assert rows["decided_on"]["jumped"] == "null_rate" and rows["violation"]["jumped"] == "distinct"
    assert rows["case_no"]["jumped"] == ""


def test_a_table_above_the_sample_size_is_profiled_on_a_sample_of_about_that_many_rows(own_warehouse, monkeypatch):
    monkeypatch.setattr(profiles, "SAMPLE_ROWS", 500)
    with wh.connect(autocommit=True) as conn:
        conn.execute("create table if not exists public.profiled_big as"
                     " select n as id, case when n % 4 = 0 then null else 'v' || (n % 7) end as code"
                     " from generate_series(1, 20000) as n")
        conn.execute("analyze public.profiled_big")
        found = profiles.measure(conn, "public.profiled_big", "run", dt.datetime.now(dt.UTC))
        measured = {p.column_name: p for p in found}
        conn.execute("drop table public.profiled_big")
    assert 250 < measured["code"].rows < 1000
    assert 0.15 < measured["code"].null_rate < 0.35 and measured["code"].distinct_values == 7


def _profiled(min_value: str | None, max_value: str | None, nulls: int = 0) -> profiles.Profile:
    return profiles.Profile("resource.penalty", "fine_yuan", "run", dt.datetime.now(dt.UTC), 100, nulls, 50,
                            min_value, max_value, 1, 6, [])


def test_a_number_far_beyond_the_recent_range_is_an_outlier_and_growth_or_dates_are_not():
    history = [_profiled("10", "900"), _profiled("0", "1200")]
    [outlier] = jumps(_profiled("10", "130000"), history)
    assert (outlier.metric, outlier.before, outlier.now, outlier.rule) == ("range", 1200, 130000, "profile_range")
    [negative] = jumps(_profiled("-5", "1000"), history)
    assert (negative.metric, negative.now) == ("range", -5)
    assert jumps(_profiled("10", "5000"), history) == []
    dates = [_profiled("2026-01-01", "2026-03-01")]
    assert jumps(_profiled("2026-01-01", "2099-12-31"), dates) == []
