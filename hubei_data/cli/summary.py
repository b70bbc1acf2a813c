"""The summary the demo ends with: rows per library, flagged rows per rule, where to look."""

import click

from hubei_data import warehouse
from hubei_data.catalog.models import table_name
from hubei_data.cli.output import emit
from hubei_data.quality.report import flagged_by_rule, rows_per_layer, table_rows

NEXT_STEPS = """
Where to look next:
  hubei-data quality issues --format table     every flagged row, with rule, file and row
  hubei-data query "select * from subject.enterprise_profile limit 10"     一企一档
  hubei-data query "select * from share.newborn_vaccination limit 10"      a share dataset, masked
  hubei-data catalog docs                       the data resource catalog (dbt docs), then in the UI
  hubei-data catalog export --format xlsx       数据资源目录清单, one row per shared data item
  hubei-data ui                                 log in: lineage, runs and checks; the catalog
"""


def print_summary() -> None:
    from hubei_data.quality.catalog_schemas import CATALOG_MODELS

    with warehouse.connect() as conn:
        layers = rows_per_layer(conn)
        flagged = flagged_by_rule(conn)
        built = [(f"{schema}.{table_name(m)}", m.chinese, table_rows(conn, schema, table_name(m))) for schema, m in CATALOG_MODELS]
    click.echo("\nRows per library (landing is the receiving dock: each landing first clears the batches raw"
               "\nalready holds, so it keeps the latest ones; raw keeps every batch ever received):")
    emit(
        ["source", "landing", "raw 原始库", "resource 资源库", "quarantine"],
        [[s, c["landing"], c["raw"], c["resource"], c["quarantine"]] for s, c in layers],
        "table",
    )
    click.echo("\nSubject 主体库 and share 共享库 libraries:")
    emit(["table", "名称", "rows"], built, "table")
    click.echo("\nFlagged rows per rule:")
    emit(["source", "rule", "rows"], flagged, "table")
    click.echo(NEXT_STEPS)
