"""Schema drift (元数据漂移): how the columns a source's system or file really has differ from its contract.

A drift is breaking when a required column is gone (renamed or removed), or the source's table itself: every
batch without it is rejected. Everything else is informational, because landing keeps going: an added column is
kept in raw's `_extra`, an absent optional column is empty, and a retyped or resized column still lands as text,
its values typed (or quarantined) in the resource layer as before.
"""

from dataclasses import asdict, dataclass

from hubei_data.contracts import Column, Source
from hubei_data.metadata.candidates import contract_type
from hubei_data.metadata.model import ColumnMeta


@dataclass(frozen=True)
class Seen:
    """One column as observed: a harvested column (type and length known) or a file's header (the name only)."""

    name: str
    position: int | None = None
    type: str | None = None
    said: str | None = None
    length: int | None = None

    @classmethod
    def harvested(cls, column: ColumnMeta, name: str | None = None) -> "Seen":
        """A column its database described, under `name` when that is the contract's name for it."""
        return cls(name or column.name, column.position, contract_type(column.type_name), column.data_type,
                   column.length)


@dataclass(frozen=True)
class Drift:
    """One difference: `kind` is added, removed, renamed (likely: see `compare`), retyped, lengthened or
    shortened; `declared` says the contract's column, `observed` what was seen instead. `table_removed` says the
    source's table itself is gone (`column` names the table)."""

    kind: str
    column: str
    declared: str | None
    observed: str | None
    breaking: bool

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        if self.kind == "added":
            return f"{self.column} added" + (f" ({self.observed})" if self.observed else "")
        if self.kind == "table_removed":
            return f"table {self.column} removed ({self.declared} declared)"
        if self.kind == "removed":
            return f"{self.column} ({self.declared}) removed"
        if self.kind == "renamed":
            return f"{self.column} likely renamed to {self.observed}"
        return f"{self.column} {self.kind}: {self.declared} → {self.observed}"


def compare(source: Source, seen: list[Seen], complete: bool = True) -> list[Drift]:
    """Every difference between the contract's columns and the observed ones, names compared case-insensitively.

    `complete` says the observation should hold every column (a table); a file may leave out optional columns,
    so without it only a missing required column counts. A removed and an added column are reported as one
    likely rename when they sit at the same position with the same type, or are the only ones of their kind
    and their types agree: a guess, said as one, for the system's owners to confirm.
    """
    declared = {column.name.lower(): (position, column) for position, column in enumerate(source.columns, start=1)}
    observed = {column.name.lower(): column for column in seen}
    removed = [(position, column) for name, (position, column) in declared.items()
               if name not in observed and (complete or column.required)]
    added = [column for column in seen if column.name.lower() not in declared]
    renamed = _renames(removed, added)
    drifts = [Drift("renamed", old.name, _declared(old), new.name, old.required) for old, new in renamed]
    gone = {old.name for old, _ in renamed}
    came = {new.name for _, new in renamed}
    drifts += [Drift("removed", column.name, _declared(column), None, column.required)
               for _, column in removed if column.name not in gone]
    drifts += [Drift("added", column.name, None, column.said, False)
               for column in added if column.name not in came]
    for name, (_, column) in declared.items():
        if name in observed:
            drifts += _changed(column, observed[name])
    return drifts


def table_removed(source: Source) -> list[Drift]:
    """The source's table gone from its system: breaking, as no extract can read it."""
    return [Drift("table_removed", source.table_name, f"{len(source.columns)} columns", None, True)]


def _renames(removed: list[tuple[int, Column]], added: list[Seen]) -> list[tuple[Column, Seen]]:
    pairs = [(column, new) for position, column in removed for new in added
             if new.position == position and _same_type(column, new)]
    left = [column for _, column in removed if column not in {old for old, _ in pairs}]
    others = [new for new in added if new not in {seen for _, seen in pairs}]
    if len(left) == 1 and len(others) == 1 and _same_type(left[0], others[0]):
        pairs.append((left[0], others[0]))
    return pairs


def _same_type(column: Column, seen: Seen) -> bool:
    return seen.type is None or seen.type == column.type


def _changed(column: Column, seen: Seen) -> list[Drift]:
    if seen.type is not None and seen.type != column.type:
        return [Drift("retyped", column.name, _declared(column), seen.said, False)]
    if column.length is not None and seen.length is not None and column.length != seen.length:
        kind = "lengthened" if seen.length > column.length else "shortened"
        return [Drift(kind, column.name, _declared(column), seen.said, False)]
    return []


def _declared(column: Column) -> str:
    return f"{column.type}({column.length})" if column.length is not None else column.type
