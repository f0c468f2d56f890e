"""The offline journal's store: a write-ahead log of commands in SQLite (WAL, synchronous=FULL),
one file in the user data dir. It keeps entries and their status; it decides nothing (the
replay policy is `app.tracking.replay`, the facade the tracker uses is `app.tracking.journal`).

Durability: `append` commits (fsync) before it returns, and every other write goes through
`transaction()`, one SQLite transaction per state change of an entry. An entry is ``pending``
(never sent), ``sending`` (maybe sent, with a snapshot of the server state it saw),
``expanded`` (a user entry whose primitive steps are stored as its children), or finished
(``applied``, ``folded``, ``obsolete``, ``conflict``). A small `meta` table keeps the replay's
own durable notes by key.

SQLite calls are synchronous on the event loop: each is a small write (a few ms with fsync)
and commands come at human pace.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.tracking.sqlite_file import open_database
from app.tracking.user_commands import Command, from_iso, to_iso

PENDING, SENDING, EXPANDED = "pending", "sending", "expanded"
APPLIED, FOLDED, OBSOLETE, CONFLICT = "applied", "folded", "obsolete", "conflict"
UNFINISHED = (PENDING, SENDING, EXPANDED)
LAST_SYNC = "last_sync"  # meta key: when a replay last ended without an error

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ord REAL NOT NULL,
    id TEXT NOT NULL UNIQUE,
    parent TEXT,
    command TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt TEXT,
    result TEXT,
    reason TEXT,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_open ON entries (status, ord);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_COLUMNS = "id, ord, parent, command, status, attempt"


class JournalError(Exception):
    """The journal file cannot be used; `message` names the file and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Entry:
    """One stored command: a user's (`parent` None) or a primitive step of one."""

    id: str
    ord: float
    parent: str | None
    command: Command
    status: str
    attempt: dict[str, Any] | None


def _entry(row: tuple[Any, ...]) -> Entry:
    entry_id, ord_, parent, command, status, attempt = row
    return Entry(
        entry_id,
        float(ord_),
        parent,
        Command.from_json(json.loads(command)),
        status,
        None if attempt is None else json.loads(attempt),
    )


def _read_entry(db: sqlite3.Connection, entry_id: str) -> Entry | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else _entry(row)


class Writes:
    """The writes of one transaction (`JournalStore.transaction`): all of them commit together
    or none does. Reads made here see the transaction's own writes."""

    def __init__(self, db: sqlite3.Connection, stamp: Callable[[], str]) -> None:
        self._db = db
        self._stamp = stamp

    def set_status(
        self,
        entry_id: str,
        status: str,
        *,
        reason: str | None = None,
        result: Any = None,
        attempt: dict[str, Any] | None = None,
    ) -> None:
        """A None `reason`, `result` or `attempt` keeps what the entry had."""
        self._db.execute(
            "UPDATE entries SET status = ?, reason = COALESCE(?, reason), "
            "result = COALESCE(?, result), attempt = COALESCE(?, attempt), updated = ? "
            "WHERE id = ?",
            (
                status,
                reason,
                None if result is None else json.dumps(result),
                None if attempt is None else json.dumps(attempt),
                self._stamp(),
                entry_id,
            ),
        )

    def reset_to_pending(self, entry_id: str) -> None:
        """Back to ``pending``, forgetting the attempt (it provably never left)."""
        self._db.execute(
            "UPDATE entries SET status = ?, attempt = NULL, updated = ? WHERE id = ?",
            (PENDING, self._stamp(), entry_id),
        )

    def replace_command(self, entry_id: str, command: Command) -> None:
        self._db.execute(
            "UPDATE entries SET command = ? WHERE id = ?",
            (json.dumps(command.to_json()), entry_id),
        )

    def add_steps(self, parent: Entry, steps: list[Command]) -> None:
        """Stores `steps` as ``pending`` children of `parent`, ordered after it and before
        the next entry (fractional `ord`, so nothing else is renumbered)."""
        later = self._db.execute(
            "SELECT MIN(ord) FROM entries WHERE ord > ?", (parent.ord,)
        ).fetchone()[0]
        gap = (float(later) - parent.ord) if later is not None else 1.0
        for index, step in enumerate(steps, start=1):
            self._db.execute(
                "INSERT INTO entries (ord, id, parent, command, status, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    parent.ord + gap * index / (len(steps) + 1),
                    step.id,
                    parent.id,
                    json.dumps(step.to_json()),
                    PENDING,
                    self._stamp(),
                ),
            )

    def set_open_steps(self, parent_id: str, status: str, reason: str) -> None:
        """Sets the status of `parent_id`'s steps not yet done (pending or sending)."""
        self._db.execute(
            "UPDATE entries SET status = ?, reason = ?, updated = ? "
            "WHERE parent = ? AND status IN (?, ?)",
            (status, reason, self._stamp(), parent_id, PENDING, SENDING),
        )

    def open_steps(self, parent_id: str) -> int:
        """How many of `parent_id`'s steps are still pending or sending."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM entries WHERE parent = ? AND status IN (?, ?)",
            (parent_id, PENDING, SENDING),
        ).fetchone()
        return int(row[0])

    def entry(self, entry_id: str) -> Entry | None:
        return _read_entry(self._db, entry_id)

    def set_meta(self, key: str, value: str | None) -> None:
        """None deletes the key."""
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def set_last_sync(self, at: datetime) -> None:
        self.set_meta(LAST_SYNC, to_iso(at))


class JournalStore:
    def __init__(self, path: Path, *, now: Callable[[], datetime]) -> None:
        """`now` stamps each entry's `updated` column. Raises JournalError when the file
        cannot be opened or is not a database."""
        self.path = Path(path)
        self._now = now
        try:
            self._db = open_database(self.path, SCHEMA, synchronous="FULL", check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(
                f"Cannot open the offline journal {self.path}: {exc}. Check that the folder is "
                "writable and the file is not damaged (move it away to start a fresh one)."
            ) from exc

    def close(self) -> None:
        self._db.close()

    def _stamp(self) -> str:
        return to_iso(self._now())

    @contextmanager
    def transaction(self) -> Iterator[Writes]:
        """One durable transaction (BEGIN IMMEDIATE ... COMMIT); rolled back if the block
        raises. Raises sqlite3.Error when the file cannot be written."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield Writes(self._db, self._stamp)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- writes ------------------------------------------------------------------------------

    def append(self, command: Command) -> None:
        """Writes `command` ahead as a ``pending`` user entry, durably, before returning. The
        same id twice is one entry. Raises JournalError when the file cannot be written (disk
        full, file removed...)."""
        try:
            self._append(command)
        except sqlite3.Error as exc:
            raise JournalError(
                f"Could not save the {command.kind} command in the offline journal "
                f"{self.path}: {exc}. Free some disk space or check the folder's permissions; "
                "the command was not recorded."
            ) from exc

    def _append(self, command: Command) -> None:
        with self.transaction():
            top = self._db.execute("SELECT COALESCE(MAX(ord), 0) FROM entries").fetchone()[0]
            self._db.execute(
                "INSERT OR IGNORE INTO entries (ord, id, parent, command, status, updated) "
                "VALUES (?, ?, NULL, ?, ?, ?)",
                (
                    float(int(top) + 1),
                    command.id,
                    json.dumps(command.to_json()),
                    PENDING,
                    self._stamp(),
                ),
            )

    # --- reads -------------------------------------------------------------------------------

    def pending(self) -> list[Command]:
        """User commands not yet carried out (including ones half done at a crash), in order."""
        rows = self._db.execute(
            "SELECT command FROM entries WHERE parent IS NULL AND status IN (?, ?, ?) ORDER BY ord",
            UNFINISHED,
        ).fetchall()
        return [Command.from_json(json.loads(row[0])) for row in rows]

    def count(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM entries WHERE parent IS NULL AND status IN (?, ?, ?)",
            UNFINISHED,
        ).fetchone()
        return int(row[0])

    def conflicts(self) -> list[tuple[Command, str]]:
        """User commands set aside because of a conflict, with the reason, oldest first."""
        rows = self._db.execute(
            "SELECT command, reason FROM entries WHERE parent IS NULL AND status = ? ORDER BY ord",
            (CONFLICT,),
        ).fetchall()
        return [(Command.from_json(json.loads(c)), str(r or "")) for c, r in rows]

    def status_of(self, command_id: str) -> str | None:
        row = self._db.execute("SELECT status FROM entries WHERE id = ?", (command_id,)).fetchone()
        return None if row is None else str(row[0])

    def steps_of(self, command_id: str) -> list[tuple[Command, str]]:
        """The primitive requests a user command was expanded into, with their status."""
        rows = self._db.execute(
            "SELECT command, status FROM entries WHERE parent = ? ORDER BY ord", (command_id,)
        ).fetchall()
        return [(Command.from_json(json.loads(c)), str(s)) for c, s in rows]

    def finished(self, command_id: str) -> bool:
        """Carried out: applied, folded into another entry, or obsolete (nothing left to do).
        False while pending and for entries set aside as conflicts."""
        return self.status_of(command_id) in (APPLIED, FOLDED, OBSOLETE)

    @property
    def last_sync(self) -> datetime | None:
        value = self.meta(LAST_SYNC)
        return None if value is None else from_iso(value)

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def entry(self, entry_id: str) -> Entry | None:
        return _read_entry(self._db, entry_id)

    def next_open(self) -> Entry | None:
        """The first entry, user entry or step, that is pending or sending."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE status IN (?, ?) ORDER BY ord LIMIT 1",
            (PENDING, SENDING),
        ).fetchone()
        return None if row is None else _entry(row)

    def pending_after(self, entry: Entry) -> list[Entry]:
        """The pending user entries after `entry`, in order."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE parent IS NULL AND status = ? "
            "AND ord > ? ORDER BY ord",
            (PENDING, entry.ord),
        ).fetchall()
        return [_entry(row) for row in rows]
