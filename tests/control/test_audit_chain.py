"""The audit chain finds every edited, deleted, reordered or re-rooted row and names it."""

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubei_data.control.audit_chain import (
    GENESIS,
    Action,
    AuditEvent,
    ChainRow,
    Outcome,
    ProblemKind,
    canonical,
    chain_digest,
    digest_hex,
    link,
    verify,
)

START = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
SIZE = 60
ACTIONS, OUTCOMES = list(Action), list(Outcome)


def event(i: int) -> AuditEvent:
    return AuditEvent(
        actor=f"user{i % 7}",
        at=START + timedelta(seconds=i, microseconds=i),
        source=f"10.0.0.{i % 250}",
        action=ACTIONS[i % len(ACTIONS)],
        target=f"share.dataset_{i % 5}",
        outcome=OUTCOMES[i % len(OUTCOMES)],
        detail={"rows": i, "reason": f"case {i}", "masked": i % 2 == 0, "note": None},
    )


def chain(size: int = SIZE, algorithms=("sha256",)) -> list[ChainRow]:
    """A chain of `size` rows; with two algorithms, the first half uses one and the rest the other."""
    rows: list[ChainRow] = []
    for i in range(size):
        algorithm = algorithms[min(i * len(algorithms) // size, len(algorithms) - 1)]
        rows.append(link(rows[-1] if rows else None, event(i), algorithm))
    return rows


def test_sm3_known_answer():
    """GB/T 32905-2016 example 1."""
    assert digest_hex("sm3", b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sha256_known_answer():
    assert digest_hex("sha256", b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_unknown_algorithm_is_refused():
    with pytest.raises(ValueError, match="unknown digest algorithm 'md5'"):
        digest_hex("md5", b"abc")


def test_serialisation_is_fixed():
    """Stored chains depend on these exact bytes: a change here would make every old row look edited."""
    one = AuditEvent("张三", START, "10.1.2.3", Action.DATA_EXPORT, "share.enterprise", Outcome.SUCCESS, {"rows": 12})
    assert canonical(one) == (
        b'{"action":"data_export","actor":"\\u5f20\\u4e09","at":"2026-03-01T08:30:00.000000+00:00",'
        b'"detail":{"rows":12},"outcome":"success","source":"10.1.2.3","target":"share.enterprise"}'
    )


def test_time_is_kept_in_utc():
    beijing = timezone(timedelta(hours=8))
    local = replace(event(1), at=START.astimezone(beijing))
    assert local.at.tzinfo is UTC
    assert canonical(local) == canonical(replace(event(1), at=START))


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        replace(event(1), at=datetime(2026, 3, 1, 8, 30))


@pytest.mark.parametrize("value", [1.5, b"bytes", ["list"], {"nested": 1}])
def test_detail_values_are_scalars(value):
    with pytest.raises(TypeError, match="not text, a whole number"):
        replace(event(1), detail={"x": value})


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        replace(event(1), action="format_disk")


HOSTILE = [
    "",
    "a\nb",
    "a\r\nb",
    "nul\x00byte",
    '","actor":"root',
    '{"action":"login"}',
    "\\",
    '"',
    "药品监督管理局 🧪",
    "\u202eevil",
    "lone \ud800 surrogate",
    "x" * 100_000,
]


@pytest.mark.parametrize("field", ["actor", "source", "target"])
def test_hostile_text_cannot_collide(field):
    """Every pair of distinct hostile values in every text field, and in detail keys and values, serialise differently."""
    events = [replace(event(1), **{field: text}) for text in HOSTILE]
    events += [replace(event(1), detail={text: "v"}) for text in HOSTILE]
    events += [replace(event(1), detail={"k": text}) for text in HOSTILE]
    assert len({canonical(one) for one in events}) == len(events)


def test_content_cannot_move_between_fields():
    """Text that looks like the serialisation itself does not shift a boundary."""
    one = replace(event(1), actor='a","source":"b', source="c")
    other = replace(event(1), actor="a", source='b","source":"c')
    assert canonical(one) != canonical(other)


texts = st.text(max_size=30)
events = st.builds(
    AuditEvent,
    actor=texts,
    at=st.datetimes(timezones=st.just(UTC)),
    source=texts,
    action=st.sampled_from(ACTIONS),
    target=texts,
    outcome=st.sampled_from(OUTCOMES),
    detail=st.dictionaries(texts, st.none() | st.booleans() | st.integers() | texts, max_size=4),
)


@given(events)
def test_serialisation_reads_back_to_the_event(one):
    """The serialisation reads back to the very event it came from, types included, so no two events share it."""
    fields = json.loads(canonical(one))
    back = AuditEvent(**{**fields, "at": datetime.fromisoformat(fields["at"])})
    assert back == one
    assert [(key, type(value)) for key, value in back.detail.items()] == [(key, type(value)) for key, value in sorted(one.detail.items())]


@pytest.mark.parametrize("one, other", [(True, 1), (False, 0), (1, "1"), (None, "null"), (None, "None"), ("", None)])
def test_detail_values_of_different_types_differ(one, other):
    assert canonical(replace(event(1), detail={"k": one})) != canonical(replace(event(1), detail={"k": other}))


def test_a_long_chain_verifies():
    assert verify(chain()) == []


def test_rows_are_checked_in_sequence_order_whatever_order_they_come_in():
    rows = chain()
    random.Random(7).shuffle(rows)
    assert verify(rows) == []


def test_the_digest_covers_the_previous_digest():
    assert chain_digest(GENESIS, event(1), "sha256") != chain_digest("1" * 64, event(1), "sha256")


EDITS = {
    "actor": lambda row: replace(row, event=replace(row.event, actor=row.event.actor + "x")),
    "at": lambda row: replace(row, event=replace(row.event, at=row.event.at + timedelta(microseconds=1))),
    "source": lambda row: replace(row, event=replace(row.event, source="192.168.0.1")),
    "action": lambda row: replace(row, event=replace(row.event, action=Action.LOGOUT if row.event.action != Action.LOGOUT else Action.LOGIN)),
    "target": lambda row: replace(row, event=replace(row.event, target=row.event.target + " ")),
    "outcome": lambda row: replace(row, event=replace(row.event, outcome=Outcome.DENIED if row.event.outcome != Outcome.DENIED else Outcome.SUCCESS)),
    "detail value": lambda row: replace(row, event=replace(row.event, detail={**row.event.detail, "rows": -1})),
    "detail key removed": lambda row: replace(row, event=replace(row.event, detail={k: v for k, v in row.event.detail.items() if k != "note"})),
    "algorithm": lambda row: replace(row, algorithm="sm3" if row.algorithm == "sha256" else "sha256"),
    "unknown algorithm": lambda row: replace(row, algorithm="md5"),
    "previous digest": lambda row: replace(row, previous_digest="f" * 64),
    "malformed previous digest": lambda row: replace(row, previous_digest="not hex"),
    "digest": lambda row: replace(row, digest="e" * 64),
}
POSITIONS = [0, 1, SIZE // 2, SIZE - 1]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_row_is_named(edit, position):
    rows = chain(algorithms=("sha256", "sm3"))
    rows[position] = EDITS[edit](rows[position])
    problems = verify(rows)
    assert problems, f"editing {edit} of row {position + 1} went unnoticed"
    assert problems[0].seq == position + 1
    assert ProblemKind.EDITED in {problem.kind for problem in problems if problem.seq == position + 1}


@pytest.mark.parametrize("position", POSITIONS[:-1])
def test_an_edited_row_with_its_digest_recomputed_breaks_the_next_link(position):
    rows = chain()
    row = rows[position]
    forged = replace(row.event, outcome=Outcome.FAILURE if row.event.outcome != Outcome.FAILURE else Outcome.SUCCESS)
    rows[position] = replace(row, event=forged, digest=chain_digest(row.previous_digest, forged, "sha256"))
    problems = verify(rows)
    assert [(problem.seq, problem.kind) for problem in problems] == [(position + 2, ProblemKind.BROKEN_LINK)]
    assert f"row {position + 1} was edited" in problems[0].message


@pytest.mark.parametrize("position", POSITIONS[:-1])
def test_a_deleted_row_is_named(position):
    rows = chain()
    del rows[position]
    problems = verify(rows)
    assert problems[0].seq == position + 1
    assert problems[0].kind == ProblemKind.DELETED
    assert f"row {position + 1} is missing" in str(problems[0])


def test_several_deleted_rows_are_named_as_a_range():
    rows = chain()
    del rows[10:14]
    assert [str(problem) for problem in verify(rows)] == ["row 11 (deleted): rows 11 to 14 are missing: deleted"]


@pytest.mark.parametrize("position", POSITIONS[:-1])
def test_reordered_rows_are_named(position):
    rows = chain()
    first, second = rows[position], rows[position + 1]
    rows[position], rows[position + 1] = replace(second, seq=first.seq), replace(first, seq=second.seq)
    problems = verify(rows)
    assert problems[0].seq == position + 1
    assert {problem.kind for problem in problems} <= {ProblemKind.BROKEN_LINK, ProblemKind.GENESIS}


def test_a_changed_first_link_is_named():
    """A first row re-rooted on another digest, consistent in itself, still does not start from genesis."""
    rows = chain()
    root = "a" * 64
    rows[0] = replace(rows[0], previous_digest=root, digest=chain_digest(root, rows[0].event, "sha256"))
    problems = verify(rows)
    assert (problems[0].seq, problems[0].kind) == (1, ProblemKind.GENESIS)


def test_a_duplicated_sequence_number_is_named():
    rows = chain()
    rows.append(rows[20])
    assert [(problem.seq, problem.kind) for problem in verify(rows)][:1] == [(21, ProblemKind.DUPLICATE)]


def test_a_chain_may_switch_from_sha256_to_sm3():
    rows = chain(algorithms=("sha256", "sm3"))
    assert {row.algorithm for row in rows[: SIZE // 2]} == {"sha256"}
    assert {row.algorithm for row in rows[SIZE // 2 :]} == {"sm3"}
    assert verify(rows) == []
