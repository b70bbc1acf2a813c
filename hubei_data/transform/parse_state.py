"""dbt's partial-parse state, kept for each warehouse a build connects to.

dbt parses the whole project again, about three seconds, whenever the connection settings differ from those of the
state it starts from. One machine may build several warehouses (a scratch copy, a restore drill, a separate server),
and a state handed from a build of one to a build of another is worth nothing; so each keeps its own, and a build
starts from the state of the warehouse it builds. A warehouse built for the first time starts from the state the
definitions' own parse left in target/.
"""

import contextlib
import hashlib
import os
import shutil
import uuid
from pathlib import Path

STATE_FILE = "partial_parse.msgpack"
# States of the warehouses built most recently that are kept: a few megabytes each.
KEPT = 8
# What the state's connection settings are told apart by; the password is no part of them.
_SETTINGS = ("HUBEI_DATA_PG_HOST", "HUBEI_DATA_PG_PORT", "HUBEI_DATA_PG_USER", "HUBEI_DATA_PG_DBNAME")


def state_of(target_dir: Path, dbt_env: dict[str, str]) -> Path:
    """Where, under the dbt project's target directory, the parse state of builds with these connection settings
    (`ConnectInfo.dbt_env()`) is kept."""
    settings = "\n".join(f"{name}={dbt_env[name]}" for name in _SETTINGS)
    return target_dir / "partial_parse" / f"{hashlib.sha256(settings.encode()).hexdigest()[:16]}.msgpack"


def build_target(target_dir: Path, dbt_env: dict[str, str], run_id: str) -> Path:
    """A new directory under the project's target directory for one build, holding the parse state of the warehouse
    it builds, if there is one."""
    target = target_dir / f"build-{run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True)
    with contextlib.suppress(FileNotFoundError):
        shutil.copyfile(state_of(target_dir, dbt_env), target / STATE_FILE)
    return target


def hand_over_and_remove(run_target: Path, dbt_env: dict[str, str]) -> None:
    """Keep this build's parse state for the next build of the same warehouse, then remove its target directory.

    Every build writes several megabytes of artifacts that nothing reads once it succeeded; a failed build's
    directory stays, for its compiled SQL and log.
    """
    state = run_target / STATE_FILE
    if state.exists():
        kept = state_of(run_target.parent, dbt_env)
        kept.parent.mkdir(parents=True, exist_ok=True)
        staged = kept.with_suffix(f".{os.getpid()}")
        shutil.copyfile(state, staged)
        os.replace(staged, kept)
        _forget_all_but_newest(kept.parent)
    shutil.rmtree(run_target, ignore_errors=True)


def _forget_all_but_newest(states_dir: Path) -> None:
    """Remove the states of all but the KEPT warehouses built most recently."""
    states = []
    for path in states_dir.glob("*.msgpack"):
        try:
            states.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    for _, path in sorted(states, reverse=True)[KEPT:]:
        path.unlink(missing_ok=True)
