"""SQLite persistence: the tracking state (one JSON row), work logs and issued OAuth tokens.

One connection, used only from the event loop's thread (every call is short and synchronous).
Times are stored as UTC epoch seconds (REAL) so they sort and compare cheaply.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS work_logs (
    id TEXT PRIMARY KEY,
    start REAL NOT NULL,
    length REAL,                 -- NULL while the work log is being tracked
    tfs_id INTEGER,
    comment TEXT,
    activity_type_id TEXT NOT NULL,
    time_zone INTEGER NOT NULL,  -- minutes east of UTC, as sent by startTracking
    is_billable INTEGER,
    billable_length REAL,
    is_tracked INTEGER NOT NULL,
    stop_reason INTEGER,
    stopped_type INTEGER
);
CREATE INDEX IF NOT EXISTS work_logs_start ON work_logs (start);
CREATE INDEX IF NOT EXISTS work_logs_tfs ON work_logs (tfs_id);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,       -- sha256 of the token: the token itself is never stored
    kind TEXT NOT NULL,          -- 'access' or 'refresh'
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
"""


def to_epoch(moment: datetime) -> float:
    return moment.timestamp()


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class WorkLogRow:
    id: str
    start: datetime
    length: float | None  # None: still being tracked
    tfs_id: int | None
    comment: str | None
    activity_type_id: str
    time_zone: int
    is_billable: bool | None
    billable_length: float | None
    is_tracked: bool
    stop_reason: int | None = None
    stopped_type: int | None = None

    @property
    def running(self) -> bool:
        return self.length is None

    def length_at(self, now: datetime) -> float:
        if self.length is not None:
            return self.length
        return max(0.0, (now - self.start).total_seconds())

    def end_at(self, now: datetime) -> datetime | None:
        if self.length is None:
            return None
        # timedelta keeps microseconds exact (epoch-float arithmetic could be 1 µs off).
        return self.start + timedelta(seconds=self.length)


_COLUMNS = (
    "id, start, length, tfs_id, comment, activity_type_id, time_zone, is_billable, "
    "billable_length, is_tracked, stop_reason, stopped_type"
)


def _row(values: tuple[Any, ...]) -> WorkLogRow:
    return WorkLogRow(
        id=values[0],
        start=from_epoch(values[1]),
        length=values[2],
        tfs_id=values[3],
        comment=values[4],
        activity_type_id=values[5],
        time_zone=values[6],
        is_billable=None if values[7] is None else bool(values[7]),
        billable_length=values[8],
        is_tracked=bool(values[9]),
        stop_reason=values[10],
        stopped_type=values[11],
    )


def _values(row: WorkLogRow) -> tuple[Any, ...]:
    return (
        row.id,
        to_epoch(row.start),
        row.length,
        row.tfs_id,
        row.comment,
        row.activity_type_id,
        row.time_zone,
        None if row.is_billable is None else int(row.is_billable),
        row.billable_length,
        int(row.is_tracked),
        row.stop_reason,
        row.stopped_type,
    )


class Store:
    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: created in one thread, used in the server loop's thread only.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._depth = 0

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nested calls join the outer transaction; one commit per state change."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    # --- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    # --- work logs -------------------------------------------------------------------------

    def insert_work_log(self, row: WorkLogRow) -> None:
        self._db.execute(
            f"INSERT INTO work_logs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(row),
        )

    def update_work_log(self, row: WorkLogRow) -> None:
        values = _values(row)
        self._db.execute(
            "UPDATE work_logs SET start = ?, length = ?, tfs_id = ?, comment = ?, "
            "activity_type_id = ?, time_zone = ?, is_billable = ?, billable_length = ?, "
            "is_tracked = ?, stop_reason = ?, stopped_type = ? WHERE id = ?",
            (*values[1:], values[0]),
        )

    def delete_work_log(self, log_id: str) -> bool:
        """False when there was no such work log."""
        cursor = self._db.execute("DELETE FROM work_logs WHERE id = ?", (log_id,))
        return cursor.rowcount == 1

    def work_log(self, log_id: str) -> WorkLogRow | None:
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM work_logs WHERE id = ?", (log_id,)
        ).fetchone()
        return None if found is None else _row(found)

    def latest_work_logs(self, count: int) -> list[WorkLogRow]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM work_logs ORDER BY start DESC, rowid DESC LIMIT ?", (count,)
        ).fetchall()
        return [_row(r) for r in rows]

    def work_logs(
        self,
        *,
        skip: int,
        count: int,
        from_start: datetime | None = None,
        to_start: datetime | None = None,
    ) -> list[WorkLogRow]:
        lower = -1e18 if from_start is None else to_epoch(from_start)
        upper = 1e18 if to_start is None else to_epoch(to_start)
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM work_logs WHERE start >= ? AND start <= ? "
            "ORDER BY start, rowid LIMIT ? OFFSET ?",
            (lower, upper, count, skip),
        ).fetchall()
        return [_row(r) for r in rows]

    def tracked_between(self, since: datetime, until: datetime, lookback: float) -> float:
        """Seconds of work logs overlapping [since, until); a running one counts up to `until`.

        Only logs started at most `lookback` seconds before `since` are considered (the index
        on `start` keeps this cheap however many work logs there are).
        """
        low, high = to_epoch(since), to_epoch(until)
        found = self._db.execute(
            "SELECT COALESCE(SUM(MAX(0.0, MIN(start + COALESCE(length, ? - start), ?) "
            "- MAX(start, ?))), 0) FROM work_logs WHERE start >= ? AND start < ?",
            (high, high, low, low - lookback, high),
        ).fetchone()
        return float(found[0])

    def closed_length_for(self, tfs_id: int) -> float:
        found = self._db.execute(
            "SELECT COALESCE(SUM(length), 0) FROM work_logs "
            "WHERE tfs_id = ? AND length IS NOT NULL",
            (tfs_id,),
        ).fetchone()
        return float(found[0])

    def tracked_work_item_ids(self, limit: int) -> list[int]:
        rows = self._db.execute(
            "SELECT tfs_id FROM work_logs WHERE tfs_id IS NOT NULL "
            "GROUP BY tfs_id ORDER BY MAX(start) DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [int(r[0]) for r in rows]

    # --- tokens ----------------------------------------------------------------------------

    def add_token(self, token_hash: str, kind: str, expires_at: float) -> None:
        self._db.execute(
            "INSERT INTO tokens (hash, kind, expires_at) VALUES (?, ?, ?)",
            (token_hash, kind, expires_at),
        )

    def token(self, token_hash: str) -> tuple[str, float, bool] | None:
        found = self._db.execute(
            "SELECT kind, expires_at, used FROM tokens WHERE hash = ?", (token_hash,)
        ).fetchone()
        return None if found is None else (found[0], float(found[1]), bool(found[2]))

    def use_token(self, token_hash: str) -> bool:
        """Marks a refresh token used; False when it was already used (rotation)."""
        cursor = self._db.execute(
            "UPDATE tokens SET used = 1 WHERE hash = ? AND used = 0", (token_hash,)
        )
        return cursor.rowcount == 1

    def purge_tokens(self, before: float) -> None:
        self._db.execute("DELETE FROM tokens WHERE expires_at < ?", (before,))
