"""A contract's rules as pandera checks, each rule kind's test as it defines it (hubei_data/contracts/rules)."""

import pandera.pandas as pa

from hubei_data.contracts.model import Rule, Source


def value_checks(rules: tuple[Rule, ...]) -> list[pa.Check]:
    """The rules that judge one value alone, as checks on a column (nulls are skipped)."""
    return [pa.Check(test, name=rule.name) for rule in rules if (test := rule.value_test()) is not None]


def row_checks(source: Source) -> list[pa.Check]:
    """Checks that span columns of one resource row."""
    checks = [pa.Check(test, name=rule.name, ignore_na=False) for column in source.columns for rule in column.rules
              if (test := rule.row_test(column.name)) is not None]
    if source.one_of_required:
        names = list(source.one_of_required)
        checks.append(pa.Check(lambda rows: rows[names].notna().any(axis=1), name="one_of_required", ignore_na=False))
    return checks
