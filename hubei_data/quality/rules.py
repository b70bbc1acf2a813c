"""Each contract rule as a pandera check, using the Python validators of the standards."""

import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa

from hubei_data.contracts import model as m
from hubei_data.contracts.model import Column, Source
from hubei_data.contracts.standards import hubei_division_valid, resident_id_birth_date, resident_id_valid, uscc_valid


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def column_checks(column: Column) -> list[pa.Check]:
    """Checks on one typed resource column's values (nulls are skipped)."""
    return value_checks(column.rules)


def value_checks(rules: tuple[m.Rule, ...]) -> list[pa.Check]:
    """The rules that judge one value alone, as checks (nulls are skipped)."""
    checks = []
    for rule in rules:
        if isinstance(rule, m.Uscc):
            checks.append(pa.Check(uscc_valid, element_wise=True, name=rule.name))
        elif isinstance(rule, m.ResidentId):
            checks.append(pa.Check(resident_id_valid, element_wise=True, name=rule.name))
        elif isinstance(rule, m.HubeiDivision):
            checks.append(pa.Check(hubei_division_valid, element_wise=True, name=rule.name))
        elif isinstance(rule, m.OneOf):
            checks.append(pa.Check.isin(list(rule.values), name=rule.name))
        elif isinstance(rule, m.NotFuture):
            checks.append(pa.Check(lambda v: v <= dt.date.today(), element_wise=True, name=rule.name))
        elif isinstance(rule, m.Between):
            if rule.low is not None:
                checks.append(pa.Check(lambda v, low=rule.low: v >= low, element_wise=True, name=rule.name))
            if rule.high is not None:
                checks.append(pa.Check(lambda v, high=rule.high: v <= high, element_wise=True, name=rule.name))
        elif isinstance(rule, m.Pattern) and rule.when is None:
            checks.append(pa.Check(lambda v, p=re.compile(rule.regex): bool(p.match(v)), element_wise=True,
                                   name=rule.name))
    return checks


def row_checks(source: Source) -> list[pa.Check]:
    """Checks that span columns of one resource row."""
    checks = []
    for column in source.columns:
        for rule in column.rules:
            check = _row_check(column, rule)
            if check is not None:
                checks.append(check)
    if source.one_of_required:
        names = list(source.one_of_required)
        checks.append(pa.Check(lambda df: df[names].notna().any(axis=1), name="one_of_required"))
    return checks


def _row_check(column: Column, rule: m.Rule) -> pa.Check | None:
    name = column.name
    if isinstance(rule, m.After):
        def after(df, other=rule.other, inclusive=rule.inclusive):
            this, that = _dates(df[name]), _dates(df[other])
            ok = this >= that if inclusive else this > that
            return ok | this.isna() | that.isna()
        return pa.Check(after, name=rule.name)
    if isinstance(rule, m.Pattern) and rule.when is not None:
        other, equals = rule.when
        pattern = re.compile(rule.regex)

        def scoped(df):
            scope = df[other] == equals
            return ~scope | df[name].map(lambda v: v is None or bool(pattern.match(v)))
        return pa.Check(scoped, name=rule.name)
    if isinstance(rule, m.RequiredWhen):
        return pa.Check(lambda df: df[name].notna() | (df[rule.column] != rule.equals), name=rule.name)
    if isinstance(rule, m.BirthDateMatchesId):
        def matches(df, id_column=rule.id_column):
            def ok(row):
                number, born = row[id_column], row[name]
                if number is None or born is None or not resident_id_valid(number):
                    return True
                return resident_id_birth_date(number) == born
            return df.apply(ok, axis=1)
        return pa.Check(matches, name=rule.name)
    return None
