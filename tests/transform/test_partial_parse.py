"""A build with a new sync id reparses no model: the id is read when SQL is compiled, not parsed.

Every build has its own sync id; were it read while parsing, dbt would parse every subject and
share model again on every build (seconds each time). Rows still carry the build's id: see
tests/ingest/test_build_only_what_landed.py.
"""

import os
import subprocess

from hubei_data.transform.assets import DBT_DIR, dbt_resource


def _parse(sync_id: str, target, logs) -> None:
    env = {**os.environ, "HUBEI_DATA_SYNC_ID": sync_id, "HUBEI_DATA_PG_HOST": "localhost",
           "HUBEI_DATA_PG_PORT": "5432", "HUBEI_DATA_PG_USER": "nobody", "HUBEI_DATA_PG_PASSWORD": "",
           "HUBEI_DATA_PG_DBNAME": "nothing"}
    subprocess.run([dbt_resource().dbt_executable, "parse", "--project-dir", str(DBT_DIR), "--profiles-dir",
                    str(DBT_DIR), "--target-path", str(target), "--log-path", str(logs)],
                   env=env, check=True, capture_output=True)


def test_a_new_sync_id_leaves_every_parsed_model_as_it_was(tmp_path):
    _parse("first-build", tmp_path / "target", tmp_path / "first")
    _parse("second-build", tmp_path / "target", tmp_path / "second")
    log = (tmp_path / "second" / "dbt.log").read_text(encoding="utf-8")
    assert "Partial parsing enabled" in log
    assert "Partial parsing: updated file" not in log
