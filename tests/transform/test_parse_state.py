"""Each warehouse keeps its own dbt parse state: a build of one never starts from the state of another, which dbt
would throw away and parse the whole project again."""

import os
import time

from hubei_data.transform import parse_state

ONE = {"HUBEI_DATA_PG_HOST": "/tmp/sock", "HUBEI_DATA_PG_PORT": "5432", "HUBEI_DATA_PG_USER": "hubei_data_owner",
       "HUBEI_DATA_PG_PASSWORD": "secret", "HUBEI_DATA_PG_DBNAME": "hubei_data"}


def test_warehouses_are_told_apart_by_where_they_are_and_who_connects_but_not_by_the_password(tmp_path):
    kept = parse_state.state_of(tmp_path, ONE)
    assert parse_state.state_of(tmp_path, {**ONE, "HUBEI_DATA_PG_PASSWORD": "changed"}) == kept
    others = [{**ONE, name: "other"} for name in ONE if name != "HUBEI_DATA_PG_PASSWORD"]
    assert len({parse_state.state_of(tmp_path, settings) for settings in others} | {kept}) == len(others) + 1
    assert "secret" not in str(kept)


def test_a_build_starts_from_the_state_its_warehouse_left_and_not_from_anothers(tmp_path):
    other = {**ONE, "HUBEI_DATA_PG_DBNAME": "scratch"}
    first = parse_state.build_target(tmp_path, ONE, "run-one")
    assert list(first.iterdir()) == []
    (first / parse_state.STATE_FILE).write_bytes(b"state of one")
    (first / "manifest.json").write_text("{}")
    parse_state.hand_over_and_remove(first, ONE)
    assert not first.exists()

    scratch = parse_state.build_target(tmp_path, other, "run-two")
    assert list(scratch.iterdir()) == []
    (scratch / parse_state.STATE_FILE).write_bytes(b"state of scratch")
    parse_state.hand_over_and_remove(scratch, other)

    again = parse_state.build_target(tmp_path, ONE, "run-three")
    assert (again / parse_state.STATE_FILE).read_bytes() == b"state of one"


def test_a_failed_build_keeps_its_directory_and_only_the_newest_warehouses_states_are_kept(tmp_path):
    failed = parse_state.build_target(tmp_path, ONE, "run-failed")
    assert failed.is_dir()
    made = []
    for n in range(parse_state.KEPT + 3):
        settings = {**ONE, "HUBEI_DATA_PG_DBNAME": f"db{n}"}
        target = parse_state.build_target(tmp_path, settings, f"run-{n}")
        (target / parse_state.STATE_FILE).write_bytes(b"x")
        parse_state.hand_over_and_remove(target, settings)
        made.append(parse_state.state_of(tmp_path, settings))
        os.utime(made[-1], (time.time() - 1000 + n,) * 2)
    assert sorted(p for p in (tmp_path / "partial_parse").iterdir()) == sorted(made[-parse_state.KEPT:])
    assert failed.is_dir()
