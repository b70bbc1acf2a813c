"""A day far larger than what a table holds is written with the table's indexes not led by the batch built again
after it (dbt_project/macros/strategies.sql), and leaves every index as it was."""

import uuid

from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build

TABLES = ("raw.penalty", "staging.penalty", "resource.penalty")


def _indexes(conn) -> dict[str, list[str]]:
    return {table: [d for (d,) in conn.execute(
        "select indexdef from pg_indexes where schemaname || '.' || tablename = %s order by indexname", (table,))]
        for table in TABLES}


def _penalties(folder, rows: int):
    path = folder / f"{uuid.uuid4().hex[:8]}.csv"
    lines = [f"{uuid.uuid4().hex[:12]},91420102MAYLRJ8BMN,2026-01-02,100,2026-01-02 10:00:00" for _ in range(rows)]
    path.write_text("case_no,uscc,decided_on,fine_yuan,updated_at\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_day_larger_than_its_tables_builds_their_indexes_again_and_leaves_them_as_they_were(warehouse, tmp_path,
                                                                                             capfd):
    land_and_build({"penalty": [str(_penalties(tmp_path, 2))]}, build=True)
    with wh.connect() as conn:
        before = _indexes(conn)
        held = {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table in TABLES}
    capfd.readouterr()
    day = max(held.values()) + 5
    [landed], built = land_and_build({"penalty": [str(_penalties(tmp_path, day))]}, build=True)
    said = capfd.readouterr().out
    assert landed["status"] == "loaded" and built
    for table in ("staging.penalty", "resource.penalty"):
        assert f'"{table.split(".")[0]}"."penalty": the day\'s {day} rows are more than the' in said, said[-3000:]
    assert "its indexes not led by the batch are built again after them" in said
    # raw's one index is led by the batch: a day's rows are written to its end in order
    assert '"raw"."penalty": the day' not in said
    with wh.connect() as conn:
        assert _indexes(conn) == before
        assert all(before[table] for table in TABLES)
        assert conn.execute("select count(*) from resource.penalty").fetchone()[0] == held["resource.penalty"] + day
