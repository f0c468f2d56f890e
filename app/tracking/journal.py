"""The offline journal: a write-ahead log of user commands, replayed in order when the server
is reachable again. SQLite (WAL, synchronous=FULL), one file in the user data dir.

Durability: `append` commits (fsync) before it returns. Every state change of an entry is one
transaction, and an entry is marked ``sending`` (with a snapshot of the server state it saw)
durably BEFORE its request goes out. So after a crash at any point an entry is either
``pending`` (never sent: send it), ``sending`` (maybe sent: verify against the server, never
blindly resend), or finished (``applied``, ``folded``, ``obsolete``, ``conflict``).

Replay. Each user entry is first *expanded*, against a freshly read `current`, into the
primitive requests that carry out what the user meant at the time they acted (`at`); the
primitives are stored as child entries (same transaction) and then sent one by one, each after
re-reading `current`. Decisions:

- Stop taken offline: ``stop`` + ``trim_idle`` of that work log to end at the stop's `at`
  (REST PATCH of `length`; an absolute length, so sending it twice cannot trim twice; a trim
  never lengthens a log). Younger than `OFFLINE_TOLERANCE`: a plain stop.
- Start taken offline, ended offline too (a later journaled start or stop): the track never
  ran on the server, so it is booked as ONE manual REST work log [start.at, end.at] with the
  item, remark (the last offline adjust's, if any), activity and billable flag; the ending stop
  is ``folded`` into it. A track running on the server at the time is stopped and trimmed to
  the offline start's `at` first.
- Start taken offline, still running: start live now, trim a track it replaced to the offline
  `at`, and book the offline minutes [at, live start] as a manual REST work log on the same
  item ("gap" log; its length is resolved from `current` right before it is sent). Two work
  logs instead of one, but no PATCH of a running track's start (a running track has no final
  shape in 7pace, and the local server refuses PATCHing a running log's length).
- Activity-check / snooze answers: sent only if a check is still running, else ``obsolete``
  (the server already decided; the Tracker reports a server stop as its own event).
- Conflicts: each entry is compared with what the server shows. The expected running work log
  is the command's ``expect_work_log_id`` for the first entry of a batch, then whatever the
  journal's own earlier entries produced (kept durably in `meta`). A mismatch (another client
  started or stopped, the server stopped the track itself) is reported through `on_conflict`
  and the entry is set aside (``conflict``, kept with its reason) — never resolved silently.
  A refusal by the server (4xx, a soft error) sets the entry aside the same way.
- Faults: a refused connection / timeout / 5xx / 429 / auth error ends the replay early with
  the error in the report; nothing is lost and the next replay continues. A 429 and a request
  provably never sent leave the entry ``pending``; anything whose outcome is unknown stays
  ``sending`` and is verified next time: a start by the new work log in `current` or REST, a
  stop by the track no longer running, a manual work log by finding it through REST (same
  start, length, item and comment), an adjust by the remark/activity, a trim (absolute) and a
  select (idempotent) by sending again. After a timeout or a dropped connection the check
  waits `settle` (30 s): a request still under way in the server must not be judged unsent.

SQLite calls are synchronous on the event loop: each is a small write (a few ms with fsync)
and commands come at human pace.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from app.api.client import TrackingClient
from app.api.errors import (
    ApiError,
    ConnectionFailed,
    ForbiddenError,
    HttpStatusError,
    ProtocolError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
    SoftError,
    UnauthorizedError,
)
from app.api.models import (
    RestWorkLogCreate,
    StoppedTrackType,
    StopReason,
    TrackingState,
    TrackingStateKind,
)
from app.tracking import commands as cmd
from app.tracking.commands import (
    Command,
    CommandConflict,
    CommandError,
    CommandKind,
    apply,
    check_trim,
    from_iso,
    is_running,
    resolve_gap,
    to_iso,
)

# A command this much older than the replay was taken offline: its time matters (trims, gaps).
OFFLINE_TOLERANCE = timedelta(seconds=2)
# After a timeout or a dropped connection, how long the request may still be under way.
SETTLE = timedelta(seconds=30)
# Clock difference tolerated between this machine and the server when finding our own writes.
SKEW = timedelta(minutes=2)

PENDING, SENDING, EXPANDED = "pending", "sending", "expanded"
APPLIED, FOLDED, OBSOLETE, CONFLICT = "applied", "folded", "obsolete", "conflict"
UNFINISHED = (PENDING, SENDING, EXPANDED)
ENDS_TRACK = (CommandKind.START, CommandKind.STOP)

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

T = TypeVar("T")
# The expected running work log when a start of ours was set aside: unknowable.
UNKNOWN = "?"
KEEP = "="  # as an `expected` argument: leave the expected work log as it is

ConflictCallback = Callable[[Command, str], None]
Hook = Callable[[Command], None]


class JournalError(Exception):
    """The journal file cannot be used; `message` names the file and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ReplayReport:
    applied: list[Command] = field(default_factory=list)
    conflicts: list[tuple[Command, str]] = field(default_factory=list)
    obsolete: list[Command] = field(default_factory=list)
    pending: int = 0
    error: ApiError | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and self.pending == 0

    @property
    def retry_after(self) -> float | None:
        error = self.error
        return error.retry_after if isinstance(error, RateLimitedError) else None


@dataclass
class _Entry:
    id: str
    ord: float
    parent: str | None
    command: Command
    status: str
    attempt: dict[str, Any] | None


class Settling(ApiError):
    """A request whose answer was lost may still be in the server's hands: the journal waits
    `settle` before checking whether it was applied (checking earlier could resend it)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(
            "Waiting for the server to finish an earlier request before checking it; "
            f"the offline journal continues after {until:%H:%M:%S} UTC."
        )
        self.until = until


class _Stop(Exception):
    """Ends a replay early (network/server trouble); the entry stays for next time."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def _now_utc() -> datetime:
    return datetime.now(UTC)


def _running_id(state: TrackingState) -> str | None:
    if not is_running(state):
        return None
    return (state.track.work_log_id or "").lower() or None


def _describe(state: TrackingState) -> str:
    track = state.track
    if is_running(state):
        what = f"work item {track.tfs_id}" if track.tfs_id else f"“{track.remark or ''}”"
        return f"the server is tracking {what}"
    if track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED:
        if track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK:
            return "the server had stopped the track itself (its activity check got no answer)"
        return "the server had stopped the track itself"
    return "the track had already been stopped elsewhere"


class Journal:
    def __init__(
        self,
        path: Path,
        *,
        now: Callable[[], datetime] = _now_utc,
        settle: timedelta = SETTLE,
    ) -> None:
        self.path = Path(path)
        self._now = now
        self.settle = settle
        self._lock = asyncio.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(
                f"Cannot open the offline journal {self.path}: {exc}. Check that the folder is "
                "writable and the file is not damaged (move it away to start a fresh one)."
            ) from exc

    def close(self) -> None:
        self._db.close()

    # --- storage ---------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _stamp(self) -> str:
        return to_iso(self._now())

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, db: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _row(self, row: tuple[Any, ...]) -> _Entry:
        entry_id, ord_, parent, command, status, attempt = row
        return _Entry(
            entry_id,
            float(ord_),
            parent,
            Command.from_json(json.loads(command)),
            status,
            None if attempt is None else json.loads(attempt),
        )

    _COLUMNS = "id, ord, parent, command, status, attempt"

    def _next_open(self) -> _Entry | None:
        row = self._db.execute(
            f"SELECT {self._COLUMNS} FROM entries WHERE status IN (?, ?) ORDER BY ord LIMIT 1",
            (PENDING, SENDING),
        ).fetchone()
        return None if row is None else self._row(row)

    def _set_status(
        self,
        db: sqlite3.Connection,
        entry_id: str,
        status: str,
        *,
        reason: str | None = None,
        result: Any = None,
        attempt: dict[str, Any] | None = None,
    ) -> None:
        db.execute(
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

    # --- public reads ----------------------------------------------------------------------

    def append(self, command: Command) -> None:
        """Writes `command` ahead, durably, before returning. The same id twice is one entry.
        Raises JournalError when the file cannot be written (disk full, file removed...)."""
        try:
            self._append(command)
        except sqlite3.Error as exc:
            raise JournalError(
                f"Could not save the {command.kind} command in the offline journal "
                f"{self.path}: {exc}. Free some disk space or check the folder's permissions; "
                "the command was not recorded."
            ) from exc

    def _append(self, command: Command) -> None:
        with self._tx() as db:
            top = db.execute("SELECT COALESCE(MAX(ord), 0) FROM entries").fetchone()[0]
            db.execute(
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
        value = self._meta("last_sync")
        return None if value is None else from_iso(value)

    # --- replay ----------------------------------------------------------------------------

    async def replay(
        self,
        client: TrackingClient,
        *,
        on_conflict: ConflictCallback,
        now: Callable[[], datetime] | None = None,
        before_send: Hook | None = None,
        after_send: Hook | None = None,
    ) -> ReplayReport:
        """Applies the pending entries in order (see the module docstring).

        `before_send`/`after_send` run around each request that changes something (tests use
        them to kill the process at a chosen point)."""
        async with self._lock:
            run = _Replay(self, client, on_conflict, now or self._now, before_send, after_send)
            try:
                await run.run()
            except _Stop as stop:
                run.report.error = stop.error
            except sqlite3.Error as exc:
                raise JournalError(
                    f"The offline journal {self.path} could not be updated: {exc}. Free some "
                    "disk space or check the file's permissions; nothing recorded was lost."
                ) from exc
            run.report.pending = self.count()
            if run.report.error is None:
                with self._tx() as db:
                    if run.report.pending == 0:
                        self._set_meta(db, "expect", None)  # the next batch starts afresh
                    self._set_meta(db, "last_sync", to_iso(run.now()))
            return run.report


class _Replay:
    def __init__(
        self,
        journal: Journal,
        client: TrackingClient,
        on_conflict: ConflictCallback,
        now: Callable[[], datetime],
        before_send: Hook | None,
        after_send: Hook | None,
    ) -> None:
        self.j = journal
        self.client = client
        self.on_conflict = on_conflict
        self.now = now
        self.before_send = before_send
        self.after_send = after_send
        self.report = ReplayReport()

    # --- reads (errors end the replay; nothing was changed) ---------------------------------

    async def _read(self, what: Callable[[], Awaitable[T]]) -> T:
        try:
            return await what()
        except ApiError as exc:
            raise _Stop(exc) from exc

    async def current(self) -> TrackingState:
        return await self._read(self.client.current)

    # --- the expected running work log (durable, in meta) -----------------------------------

    def expected(self, command: Command) -> tuple[bool, str | None]:
        """(known?, work log id or None). Unknown expectations are not checked."""
        stored = self.j._meta("expect")
        if stored is not None:
            value = json.loads(stored)
            return True, value if value is None else str(value)
        if command.has_expectation:
            expected = command.expected_work_log_id
            return True, None if expected is None else expected.lower()
        return False, None

    def set_expected(self, db: sqlite3.Connection, value: str | None) -> None:
        self.j._set_meta(db, "expect", json.dumps(value))

    # --- main loop -------------------------------------------------------------------------

    async def run(self) -> None:
        while (entry := self.j._next_open()) is not None:
            if entry.parent is None and entry.status == PENDING:
                await self.expand(entry)
            else:
                await self.step(entry)

    def _parent_done(self, db: sqlite3.Connection, parent_id: str) -> None:
        open_children = db.execute(
            "SELECT COUNT(*) FROM entries WHERE parent = ? AND status IN (?, ?)",
            (parent_id, PENDING, SENDING),
        ).fetchone()[0]
        if open_children == 0:
            row = db.execute(
                "SELECT command, status FROM entries WHERE id = ?", (parent_id,)
            ).fetchone()
            if row is not None and row[1] == EXPANDED:
                self.j._set_status(db, parent_id, APPLIED)
                self.report.applied.append(Command.from_json(json.loads(row[0])))

    def _children(self, db: sqlite3.Connection, parent: _Entry, steps: list[Command]) -> None:
        later = db.execute("SELECT MIN(ord) FROM entries WHERE ord > ?", (parent.ord,)).fetchone()[
            0
        ]
        gap = (float(later) - parent.ord) if later is not None else 1.0
        for index, step in enumerate(steps, start=1):
            db.execute(
                "INSERT INTO entries (ord, id, parent, command, status, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    parent.ord + gap * index / (len(steps) + 1),
                    step.id,
                    parent.id,
                    json.dumps(step.to_json()),
                    PENDING,
                    self.j._stamp(),
                ),
            )

    def _set_aside(self, entry: _Entry, reason: str, expected: str | None = KEEP) -> None:
        """Marks a user entry (or a step and its parent) as conflicting and reports it."""
        with self.j._tx() as db:
            self._set_aside_in(db, entry, reason)
            if expected != KEEP:
                self.set_expected(db, expected)
        user = entry.command if entry.parent is None else self._command_of(entry.parent)
        self.report.conflicts.append((user, reason))
        self.on_conflict(user, reason)

    def _set_aside_in(self, db: sqlite3.Connection, entry: _Entry, reason: str) -> None:
        self.j._set_status(db, entry.id, CONFLICT, reason=reason)
        if entry.parent is not None:
            db.execute(
                "UPDATE entries SET status = ?, reason = ?, updated = ? "
                "WHERE parent = ? AND status IN (?, ?)",
                (
                    CONFLICT,
                    "not sent: an earlier step conflicted",
                    self.j._stamp(),
                    entry.parent,
                    PENDING,
                    SENDING,
                ),
            )
            self.j._set_status(db, entry.parent, CONFLICT, reason=reason)

    def _command_of(self, entry_id: str) -> Command:
        row = self.j._db.execute("SELECT command FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return Command.from_json(json.loads(row[0]))

    def _finish_user(self, entry: _Entry, status: str, reason: str | None = None) -> None:
        with self.j._tx() as db:
            self.j._set_status(db, entry.id, status, reason=reason)
        if status == OBSOLETE:
            self.report.obsolete.append(entry.command)

    # --- expansion: what the user meant, as primitive requests ------------------------------

    def offline(self, command: Command) -> bool:
        return self.now() - command.at > OFFLINE_TOLERANCE

    async def expand(self, entry: _Entry) -> None:
        command = entry.command
        state = await self.current()
        running = _running_id(state)
        known, expected = self.expected(command)
        if known and expected == UNKNOWN:
            if command.kind in (*ENDS_TRACK, CommandKind.ADJUST):
                self._set_aside(
                    entry,
                    "Not applied: it followed a start that could not be applied, so what it "
                    "refers to is unknown.",
                    None if command.kind is CommandKind.STOP else UNKNOWN,
                )
                return
            known = False
        kind = command.kind
        if kind is CommandKind.STOP:
            await self.expand_stop(entry, state, running, known, expected)
        elif kind is CommandKind.START:
            await self.expand_start(entry, state, running, known, expected)
        elif kind is CommandKind.ADJUST:
            if running is None or (known and expected != running):
                why = _describe(state) if running else "no track is running on the server"
                self._set_aside(entry, f"The change of remark/activity was not applied: {why}.")
                return
            self.commit_steps(entry, [cmd_expect(command, running)])
        elif kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK):
            if state.track.tracking_state is not TrackingStateKind.ACTIVITY_CHECK:
                self._finish_user(entry, OBSOLETE, "no activity check is running any more")
                return
            self.commit_steps(entry, [_copy(command)])
        else:  # select, trim_idle, add_work_log: no expectation to check
            self.commit_steps(entry, [_copy(command)])

    def commit_steps(
        self,
        entry: _Entry,
        steps: list[Command],
        *,
        expected: str | None = KEEP,
        fold: list[tuple[_Entry, str]] | None = None,
    ) -> None:
        with self.j._tx() as db:
            self._children(db, entry, steps)
            self.j._set_status(db, entry.id, EXPANDED)
            for folded, status in fold or []:
                self.j._set_status(db, folded.id, status, reason="booked with the offline start")
                done = self.report.applied if status == FOLDED else self.report.obsolete
                done.append(folded.command)
            if expected != KEEP:
                self.set_expected(db, expected)
            self._parent_done(db, entry.id)

    def trim_step(self, state: TrackingState, running: str, end: datetime) -> list[Command]:
        started = state.track.current_track_started_date_time
        if started is None or started.tzinfo is None:
            return []
        return [cmd.trim_idle(end, running, started, end)]

    async def expand_stop(
        self,
        entry: _Entry,
        state: TrackingState,
        running: str | None,
        known: bool,
        expected: str | None,
    ) -> None:
        command = entry.command
        if running is None:
            if command.args.get("only_if_running"):
                self._finish_user(entry, OBSOLETE, "the track had already stopped")
                with self.j._tx() as db:
                    self.set_expected(db, None)
                return
            self._set_aside(entry, f"Your stop was not applied: {_describe(state)}.", expected=None)
            return
        if known and expected != running:
            why = (
                "a track was started elsewhere meanwhile"
                if expected is None
                else "another track is running now"
            )
            self._set_aside(
                entry, f"Your stop was not applied: {why} ({_describe(state)}).", expected=None
            )
            return
        reason = StopReason(int(command.args.get("reason", 0)))
        steps = [cmd.stop(command.at, reason, expect_work_log_id=running)]
        if self.offline(command):
            steps += self.trim_step(state, running, command.at)
        self.commit_steps(entry, steps, expected=None)

    def _offline_end(self, entry: _Entry) -> tuple[_Entry | None, list[_Entry]]:
        """The later journaled start/stop that ended this offline start, and the entries
        between them (in order)."""
        rows = self.j._db.execute(
            f"SELECT {Journal._COLUMNS} FROM entries WHERE parent IS NULL AND status = ? "
            "AND ord > ? ORDER BY ord",
            (PENDING, entry.ord),
        ).fetchall()
        between: list[_Entry] = []
        for row in rows:
            later = self.j._row(row)
            if later.command.kind in ENDS_TRACK:
                return later, between
            between.append(later)
        return None, between

    async def expand_start(
        self,
        entry: _Entry,
        state: TrackingState,
        running: str | None,
        known: bool,
        expected: str | None,
    ) -> None:
        command = entry.command
        if known and expected != running:
            why = (
                "a track was started elsewhere meanwhile"
                if expected is None
                else "the track you were switching from is no longer running"
            )
            self._set_aside(
                entry, f"Your start was not applied: {why} ({_describe(state)}).", UNKNOWN
            )
            return
        args = command.args
        steps: list[Command] = []
        end, between = self._offline_end(entry) if self.offline(command) else (None, [])
        if end is not None:
            # The track began and ended offline: book it as one manual work log.
            fold: list[tuple[_Entry, str]] = []
            remark, activity = args.get("remark"), args.get("activity_type_id")
            for later in between:
                if later.command.kind is CommandKind.ADJUST:
                    remark = later.command.args.get("remark") or remark
                    activity = later.command.args.get("activity_type_id") or activity
                    fold.append((later, FOLDED))
                elif later.command.kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK):
                    fold.append((later, OBSOLETE))
            if end.command.kind is CommandKind.STOP:
                fold.append((end, FOLDED))
            if running is not None:
                steps.append(cmd.stop(command.at, StopReason.USER, expect_work_log_id=running))
                steps += self.trim_step(state, running, command.at)
            length = round((end.command.at - command.at).total_seconds())
            if length >= 1:
                steps.append(
                    cmd.add_work_log(command.at, _manual(command, length, remark, activity))
                )
            self.commit_steps(entry, steps, expected=None, fold=fold)
            return
        steps.append(cmd_expect(command, running))
        if self.offline(command):
            if running is not None:
                steps += self.trim_step(state, running, command.at)
            steps.append(cmd.add_gap_work_log(command.at, _manual(command, 1)))
        self.commit_steps(entry, steps)

    # --- steps: one request each, verified after a crash ------------------------------------

    async def step(self, entry: _Entry) -> None:
        unsure = (entry.attempt or {}).get("unsure_at") if entry.status == SENDING else None
        if unsure is not None:
            settled = from_iso(str(unsure)) + self.j.settle
            if self.now() < settled:
                raise _Stop(Settling(settled))
        state = await self.current()
        command = entry.command
        if entry.status == SENDING:
            verdict = await self.verify(entry, state)
            if verdict == APPLIED:
                self.done(entry, state)
                return
            if verdict != "resend":
                self._set_aside(entry, verdict, self._expected_after_failure(command))
                return
        problem = self.guard(command, state)
        if problem == APPLIED:
            self.done(entry, state)
            return
        if problem == OBSOLETE:
            with self.j._tx() as db:
                self.j._set_status(db, entry.id, OBSOLETE, reason="no activity check running")
                if entry.parent is not None:
                    self._parent_done(db, entry.parent)
            return
        if problem is not None:
            self._set_aside(entry, problem, self._expected_after_failure(command))
            return
        command = resolve_gap(command, state, self.now())
        if command.kind is CommandKind.TRIM_IDLE:
            try:
                needed = await self._read(lambda: check_trim(self.client, command, state))
            except CommandError as exc:  # the log is running or gone, or the trim is malformed
                self._set_aside(entry, exc.message)
                return
            if not needed:
                self.done(entry, state)  # already that short
                return
        if command.kind is CommandKind.ADD_WORK_LOG and int(command.args.get("length", 0)) < 1:
            self.done(entry, state)  # an offline gap of no length: nothing to book
            return
        attempt = {
            "before_log": _running_id(state),
            "before_timestamp": state.timestamp,
            "sent_at": to_iso(self.now()),
        }
        with self.j._tx() as db:
            db.execute(
                "UPDATE entries SET command = ? WHERE id = ?",
                (json.dumps(command.to_json()), entry.id),
            )
            self.j._set_status(db, entry.id, SENDING, attempt=attempt)
        entry.command = command
        if self.before_send is not None:
            self.before_send(command)
        try:
            answer = await apply(self.client, command, state=state, trim_checked=True)
        except (CommandConflict, CommandError) as exc:
            self._set_aside(entry, exc.message, self._expected_after_failure(command))
            return
        except (RateLimitedError, UnauthorizedError, ForbiddenError) as exc:
            self._back_to_pending(entry)  # refused before anything was done
            raise _Stop(exc) from exc
        except (ConnectionFailed, RequestTimeout) as exc:
            if not exc.sent:
                self._back_to_pending(entry)
            else:  # it may still be on its way through the server: verify only after a while
                with self.j._tx() as db:
                    attempt["unsure_at"] = to_iso(self.now())
                    self.j._set_status(db, entry.id, SENDING, attempt=attempt)
            raise _Stop(exc) from exc
        except (ServerError, ProtocolError) as exc:
            raise _Stop(exc) from exc  # outcome unknown: verified next time
        except (HttpStatusError, SoftError) as exc:
            self._set_aside(
                entry,
                f"The server refused it: {exc.message}",
                self._expected_after_failure(command),
            )
            return
        if self.after_send is not None:
            self.after_send(command)
        self.done(entry, answer if answer is not None else state)

    def _back_to_pending(self, entry: _Entry) -> None:
        with self.j._tx() as db:
            db.execute(
                "UPDATE entries SET status = ?, attempt = NULL, updated = ? WHERE id = ?",
                (PENDING, self.j._stamp(), entry.id),
            )

    @staticmethod
    def _expected_after_failure(command: Command) -> str | None:
        if command.kind is CommandKind.START:
            return UNKNOWN
        if command.kind is CommandKind.STOP:
            return None
        return KEEP

    def done(self, entry: _Entry, state: TrackingState) -> None:
        command = entry.command
        with self.j._tx() as db:
            result = {"work_log_id": _running_id(state), "timestamp": state.timestamp}
            self.j._set_status(db, entry.id, APPLIED, result=result)
            if command.kind is CommandKind.START:
                self.set_expected(db, _running_id(state) or UNKNOWN)
            elif command.kind is CommandKind.STOP:
                self.set_expected(db, None)
            if entry.parent is not None:
                self._parent_done(db, entry.parent)
            else:
                self.report.applied.append(command)

    def guard(self, command: Command, state: TrackingState) -> str | None:
        """None: send it. APPLIED/OBSOLETE: nothing to send. Else the conflict's reason."""
        running = _running_id(state)
        expect = command.expected_work_log_id
        kind = command.kind
        if kind is CommandKind.STOP and command.has_expectation:
            if running is None:
                return APPLIED  # stopped meanwhile: the trim that follows still applies
            if running != expect:
                return f"Your stop was not applied: {_describe(state)} (another track)."
        elif kind is CommandKind.START and command.has_expectation and running != expect:
            return f"Your start was not applied: {_describe(state)}."
        elif kind is CommandKind.ADJUST and command.has_expectation and running != expect:
            return "The change of remark/activity was not applied: the track changed meanwhile."
        elif (
            kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK)
            and state.track.tracking_state is not TrackingStateKind.ACTIVITY_CHECK
        ):
            return OBSOLETE
        return None

    async def verify(self, entry: _Entry, state: TrackingState) -> str:
        """After a crash or a lost answer: APPLIED, "resend", or a conflict's reason."""
        command = entry.command
        attempt = entry.attempt or {}
        before_log = attempt.get("before_log")
        running = _running_id(state)
        kind = command.kind
        if kind is CommandKind.STOP:
            return "resend" if running is not None and running == before_log else APPLIED
        if kind is CommandKind.START:
            if running is not None and running != before_log and _matches(command, state):
                return APPLIED
            if state.timestamp == attempt.get("before_timestamp"):
                return "resend"
            if await self._start_logged(command, attempt):
                return APPLIED
            return (
                "Your start may not have reached the server and the state changed meanwhile "
                f"({_describe(state)}); it was not sent again."
            )
        if kind is CommandKind.ADJUST:
            if running is not None and running == before_log:
                return APPLIED if _matches(command, state) else "resend"
            return "The change of remark/activity was not confirmed and the track changed."
        if kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK):
            return (
                "resend"
                if state.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
                else APPLIED
            )
        if kind is CommandKind.ADD_WORK_LOG:
            return APPLIED if await self._work_log_exists(command) else "resend"
        return "resend"  # select and trims are idempotent

    async def _start_logged(self, command: Command, attempt: dict[str, Any]) -> bool:
        sent_at = from_iso(str(attempt.get("sent_at") or to_iso(command.at)))
        logs = await self._read(
            lambda: self.client.work_logs(count=500, from_timestamp=sent_at - SKEW)
        )
        before = attempt.get("before_log")
        tfs_id, remark = command.args.get("tfs_id"), command.args.get("remark")
        for log in logs:
            if log.id.lower() == before or not log.flags.is_tracked:
                continue
            if tfs_id is not None and log.work_item_id != tfs_id:
                continue
            if remark and (log.comment or "") != remark:
                continue
            return True
        return False

    async def _work_log_exists(self, command: Command) -> bool:
        wanted = RestWorkLogCreate.model_validate(cmd._work_log_fields(command))
        begin = wanted.timestamp if wanted.timestamp.tzinfo else wanted.timestamp.astimezone()
        logs = await self._read(
            lambda: self.client.work_logs(
                count=500, from_timestamp=begin - SKEW, to_timestamp=begin + SKEW
            )
        )
        for log in logs:
            stamp = log.timestamp
            if stamp.tzinfo is None:  # REST: wall-clock time in the zone we sent
                stamp = stamp.replace(tzinfo=begin.tzinfo)
            if (
                abs((stamp - begin).total_seconds()) <= 1
                and abs(log.length - wanted.length) <= 1
                and log.work_item_id == wanted.work_item_id
                and (log.comment or None) == (wanted.comment or None)
                and not log.flags.is_tracked
            ):
                return True
        return False


def _copy(command: Command) -> Command:
    """The same request as a step of its own (a fresh id: the user entry keeps its id)."""
    return Command(command.kind, dict(command.args), command.at)


def cmd_expect(command: Command, running: str | None) -> Command:
    """A step that carries the running work log it expects (a fresh id)."""
    return Command(command.kind, {**command.args, cmd.EXPECT: running}, command.at)


def _manual(
    command: Command,
    length: int,
    remark: Any = None,
    activity: Any = None,
) -> RestWorkLogCreate:
    args = command.args
    billable = bool(args.get("is_billable"))
    return RestWorkLogCreate(
        timestamp=command.at.astimezone(),
        length=length,
        billable_length=length if billable else None,
        work_item_id=args.get("tfs_id"),
        comment=remark if remark is not None else args.get("remark"),
        activity_type_id=activity if activity is not None else args.get("activity_type_id"),
    )


def _matches(command: Command, state: TrackingState) -> bool:
    track = state.track
    for name, value in (
        ("tfs_id", track.tfs_id),
        ("remark", track.remark),
        ("activity_type_id", track.activity_type_id),
    ):
        wanted = command.args.get(name)
        if wanted is not None and wanted != value:
            return False
    return True
