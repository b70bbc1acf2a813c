"""The simulator's own database (SQLite): accepted records, batch receipts and seen nonces."""

import json
import sqlite3
import threading
import time
from pathlib import Path

_SCHEMA = """
create table if not exists batches (
    batch_id text primary key, feed text not null, app_key text not null,
    receipt text not null, received_at real not null
);
create table if not exists records (
    feed text not null, record_key text not null, hash text not null, data text not null,
    batch_id text not null, received_at real not null, primary key (feed, record_key)
);
create table if not exists nonces (
    app_key text not null, nonce text not null, seen_at real not null, primary key (app_key, nonce)
);
"""


class Store:
    """Everything the bureau holds, safe to use from the server's threads."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def first_use_of_nonce(self, app_key: str, nonce: str, keep_seconds: float) -> bool:
        """Record the nonce; False when it was seen before (a replay)."""
        now = time.time()
        with self._lock:
            self._db.execute("delete from nonces where seen_at < ?", (now - keep_seconds,))
            inserted = self._db.execute(
                "insert or ignore into nonces values (?, ?, ?)", (app_key, nonce, now)
            ).rowcount
        return inserted == 1

    def receipt(self, batch_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute("select receipt from batches where batch_id = ?", (batch_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def accept(self, feed: str, app_key: str, batch_id: str, accepted: list[tuple[str, str, str]], receipt: dict) -> dict:
        """Store a batch's accepted records and its receipt at once; a batch id seen before stores nothing."""
        now = time.time()
        with self._lock:
            self._db.execute("begin immediate")
            try:
                earlier = self._db.execute("select receipt from batches where batch_id = ?", (batch_id,)).fetchone()
                if earlier:
                    self._db.execute("rollback")
                    return {**json.loads(earlier[0]), "duplicate": True}
                self._db.executemany(
                    "insert into records values (?, ?, ?, ?, ?, ?) on conflict (feed, record_key) do update"
                    " set hash = excluded.hash, data = excluded.data, batch_id = excluded.batch_id,"
                    " received_at = excluded.received_at",
                    [(feed, key, digest, data, batch_id, now) for key, digest, data in accepted],
                )
                self._db.execute(
                    "insert into batches values (?, ?, ?, ?, ?)", (batch_id, feed, app_key, json.dumps(receipt), now)
                )
                self._db.execute("commit")
            except BaseException:
                self._db.execute("rollback")
                raise
        return receipt

    def held(self, feed: str, after: str, limit: int) -> list[dict]:
        """The records of a feed, key and hash, in key order after `after`."""
        with self._lock:
            rows = self._db.execute(
                "select record_key, hash from records where feed = ? and record_key > ? order by record_key limit ?",
                (feed, after, limit),
            ).fetchall()
        return [{"key": key, "hash": digest} for key, digest in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("select feed, count(*) from records group by feed").fetchall()
        return dict(rows)
