"""dbt installs the std functions its models call, so a bare dbt command works on a fresh database."""

import os
import subprocess

import psycopg

from hubei_data.transform.assets import DBT_DIR, dbt_resource


def test_a_bare_dbt_seed_on_a_fresh_database_leaves_the_standards_installed(fresh_database, tmp_path):
    info = fresh_database("bare_dbt")
    with psycopg.connect(info.url) as conn:
        assert conn.execute("select to_regnamespace('std')").fetchone()[0] is None
    subprocess.run([dbt_resource().dbt_executable, "seed", "--project-dir", str(DBT_DIR), "--profiles-dir",
                    str(DBT_DIR), "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)],
                   env={**os.environ, **info.dbt_env()}, check=True, capture_output=True)
    with psycopg.connect(info.url) as conn:
        assert conn.execute("select std.clean('  鄂A ')").fetchone()[0] == "鄂A"
        assert conn.execute("select std.mask_name('王小明')").fetchone()[0] == "王**"
