"""Each source table's columns as the Dagster UI shows them (`dagster/column_schema`), from its contract."""

import dagster as dg

from hubei_data.contracts import Source

# The PostgreSQL type each contract type is held in once typed (std.parse_* in contracts/standards.sql).
SQL_TYPES = {"text": "text", "date": "date", "timestamp": "timestamp", "integer": "bigint", "decimal": "numeric"}
_LINEAGE = (
    ("_extra", "jsonb", "columns the sender added, by header, kept as sent (接收时多出的列)"),
    ("_defect", "text", "what was wrong with the row's shape, if anything"),
    ("_batch_id", "bigint", "the batch the row arrived in (批次)"),
    ("_row_number", "integer", "the row's place in its file or extract (行号)"),
)
_ISSUES = ("_issues", "jsonb", "the rules the row broke, each with its reason")
# The layers whose tables hold one source each, by the prefix of their dbt models.
LAYERS = {"raw": "raw", "stg": "staging", "res": "resource", "qua": "quarantine"}


def column_schema(source: Source, layer: str) -> dg.TableSchema:
    """The table's columns in the layer, in its order: the contract's columns (text as received until the
    resource layer types them), each described by its Chinese name, then what the layer adds."""
    typed = layer == "resource"
    columns = [dg.TableColumn(c.name, SQL_TYPES[c.type] if typed else "text", description=c.chinese,
                              constraints=dg.TableColumnConstraints(nullable=not (typed and c.required)))
               for c in source.columns]
    added = {"raw": _LINEAGE, "quarantine": (_ISSUES, *_LINEAGE), "resource": _LINEAGE[2:]}.get(layer, _LINEAGE)
    columns += [dg.TableColumn(name, kind, description=description) for name, kind, description in added]
    if layer == "staging":
        columns += [dg.TableColumn(f"{c.name}__value", SQL_TYPES[c.type], description=f"{c.chinese}（类型化）")
                    for c in source.columns if c.type != "text"]
        columns += [dg.TableColumn("_occurrence", "bigint", description="the row's place among its key's rows"
                                   " in its batch"), dg.TableColumn(*_ISSUES[:2], description=_ISSUES[2])]
    return dg.TableSchema(columns=columns)
