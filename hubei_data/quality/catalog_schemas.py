"""One pandera schema per subject model and share dataset, derived from the catalog."""

import pandas as pd
import pandera.pandas as pa

from hubei_data.catalog.models import Model, table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.quality.rules import value_checks

_ENDS_KEPT = {"id_number": (6, 4), "phone": (3, 4)}


def _ends_masked(head: int, tail: int):
    """Masked: wholly *, or the kept ends around nothing but *."""
    pattern = rf"^(?:\*+|[^*]{{{head}}}\*+[^*]{{{tail}}})$"
    return lambda values: values.str.match(pattern)


def _name_masked(values: pd.Series) -> pd.Series:
    """Masked: a one- or two-character surname, then * for every other character."""
    kept = values.str.rstrip("*")
    kept_length, length = kept.str.len(), values.str.len()
    surname = kept_length.between(1, 2) & (kept_length < length) & ((kept_length == 1) | (length > 2))
    return ~kept.str.contains("*", regex=False) & ((length == 1) | surname)


def masking_check(rule: str) -> pa.Check:
    test = _name_masked if rule == "name" else _ends_masked(*_ENDS_KEPT[rule])
    return pa.Check(test, name=f"masked_{rule}")


def catalog_schema(model: Model, schema: str) -> pa.DataFrameSchema:
    """What the model's table must hold: declared items, key unique, rules kept, personal fields masked
    (except where only the data API serves them, which masks them as it answers)."""
    columns = {}
    for item in model.items:
        checks = value_checks(item.rules)
        if item.accepted:
            allowed = list(item.accepted)
            checks.append(pa.Check(lambda values, allowed=allowed: values.isin(allowed), name="accepted_values"))
        if item.masking and not item.masked_on_delivery:
            checks.append(masking_check(item.masking))
        columns[item.name] = pa.Column(None, checks, nullable=not (item.required or item.name in model.key))
    return pa.DataFrameSchema(columns, unique=list(model.key), name=f"{schema}.{table_name(model)}")


CATALOG_MODELS = [("subject", m) for m in SUBJECT_MODELS] + [("share", d) for d in SHARE_DATASETS]
