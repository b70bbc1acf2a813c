"""One pandera schema per layer and source, derived from the contracts."""

import pandas as pd
import pandera.pandas as pa

from hubei_data.contracts import Source
from hubei_data.quality import rules

LAYERS = ("landing", "raw", "staging", "resource", "quarantine")


def _all_text(values: pd.Series) -> bool:
    """Every value is text or missing: one pass in pandas' compiled code, not a Python call per value."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


_TEXT = pa.Check(_all_text, name="text")
_LINEAGE = {
    "_batch_id": pa.Column(None, pa.Check.gt(0)),
    "_row_number": pa.Column(None, pa.Check.gt(0)),
}


def _issues(nonempty: bool) -> pa.Check:
    def listed(issues: pd.Series) -> pd.Series:
        """Each value a list (in quarantine, a non-empty one) of issues naming their rule and detail."""
        lists = issues.map(type).eq(list)
        sizes = issues[lists].str.len()
        items = issues[lists][sizes > 0].explode()
        named = items.map(type).eq(dict)
        named[named] = items[named].str.get("rule").astype(bool) & items[named].str.get("detail").astype(bool)
        broken = (~named).groupby(level=0).any().reindex(issues.index, fill_value=False)
        return lists & ~broken & (sizes.reindex(issues.index, fill_value=0) > 0 if nonempty else True)

    return pa.Check(listed, name="issues_listed")


def schema(source: Source, layer: str) -> pa.DataFrameSchema:
    """What a table of this layer must hold for this source.

    Received layers hold text exactly as sent, each row traceable to its batch and row;
    quarantine rows name at least one broken rule; resource rows obey every rule.
    """
    if layer == "resource":
        columns = {
            c.name: pa.Column(None, checks=rules.value_checks(c.rules), nullable=not c.required)
            for c in source.columns
        }
        return pa.DataFrameSchema(
            {**columns, **_LINEAGE},
            checks=rules.row_checks(source),
            unique=list(source.key),
            name=f"resource.{source.name}",
        )
    columns = {c.name: pa.Column(None, _TEXT, nullable=True) for c in source.columns}
    if layer in ("staging", "quarantine"):
        columns["_issues"] = pa.Column(None, _issues(nonempty=layer == "quarantine"))
    return pa.DataFrameSchema(
        {**columns, **_LINEAGE}, unique=["_batch_id", "_row_number"], name=f"{layer}.{source.name}"
    )
