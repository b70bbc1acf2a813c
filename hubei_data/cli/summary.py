"""The summary the demo ends with: rows per library, flagged rows per rule, where to look."""

import click

from hubei_data import warehouse
from hubei_data.cli.output import emit
from hubei_data.quality.report import flagged_by_rule, rows_per_layer

NEXT_STEPS = """
Where to look next:
  hubei-data quality issues --format table     every flagged row, with rule, file and row
  hubei-data query "select * from resource.enterprise limit 10"
  hubei-data ui                                 lineage, runs and checks in the Dagster UI
"""


def print_summary() -> None:
    with warehouse.connect() as conn:
        layers = rows_per_layer(conn)
        flagged = flagged_by_rule(conn)
    click.echo("\nRows per library (landing holds only batches not yet copied to raw):")
    emit(
        ["source", "landing", "raw 原始库", "resource 资源库", "quarantine"],
        [[s, c["landing"], c["raw"], c["resource"], c["quarantine"]] for s, c in layers],
        "table",
    )
    click.echo("\nFlagged rows per rule:")
    emit(["source", "rule", "rows"], flagged, "table")
    click.echo(NEXT_STEPS)
