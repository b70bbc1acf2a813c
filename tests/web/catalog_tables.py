"""Two share tables with rows in the session's warehouse, as a build leaves them, for pages showing sample rows."""

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import psycopg
from psycopg import sql

import hubei_data.contracts
from hubei_data import runner
from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS

ENTERPRISE, LOOKUP = "420000-SYJ-GX-0001", "420000-WJW-GX-0002"
# A legal representative's name kept whole, so the masking the page applies for a department user is seen.
ROWS = {
    "enterprise_basic": {"uscc": "91420100MA4KXXXX1X", "name": "武汉示例药业有限公司",
                         "legal_rep": "欧阳建国"},
    "newborn_vaccination_lookup": {"child_name": "司马小明", "child_id_no": "420102202401011234"},
}


@contextmanager
def share_tables(url: str):
    """The tables with one row each, the masking functions, and a build of enterprise_basic in Dagster's storage;
    the tables dropped afterwards."""
    try:
        _create(url)
        runner.instance().report_runless_asset_event(dg.AssetMaterialization(asset_key=["share", "enterprise_basic"]))
        yield
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for name in ROWS:
                conn.execute(sql.SQL("drop table if exists share.{}").format(sql.Identifier(name)))


def _create(url: str) -> None:
    """The masking functions, and each table of ROWS as its share model declares it, with its one row."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((Path(hubei_data.contracts.__file__).parent / "masking.sql").read_text())
        for dataset in SHARE_DATASETS:
            name = table_name(dataset)
            if name not in ROWS:
                continue
            columns = [sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["data_type"]))
                       for c in model_doc(dataset)["columns"]]
            conn.execute(sql.SQL("create table share.{} ({})").format(sql.Identifier(name), sql.SQL(", ").join(columns)))
            conn.execute(sql.SQL("insert into share.{} ({}) values ({})").format(
                sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, ROWS[name])),
                sql.SQL(", ").join(sql.Placeholder() * len(ROWS[name]))), list(ROWS[name].values()))
