"""The offline journal's replay policy: carries out the journaled user commands, in order, when
the server is reachable again. It reads and writes the journal only through the public
interface of `app.tracking.journal_store.JournalStore`; the `Journal` facade in
`app.tracking.journal` runs it (one replay at a time).

Each user entry is first *expanded*, against a freshly read `current`, into the primitive
requests that carry out what the user meant at the time they acted (`at`); the primitives are
stored as child entries (same transaction) and then sent one by one, each after re-reading
`current`. An entry is marked ``sending`` (with a snapshot of the server state it saw) durably
BEFORE its request goes out, so after a crash an entry is ``pending`` (never sent: send it),
``sending`` (maybe sent: verify against the server, never blindly resend), or finished.
Decisions:

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
  journal's own earlier entries produced (kept durably in the store's meta, key `EXPECT`). A
  mismatch (another client started or stopped, the server stopped the track itself) is
  reported through `on_conflict` and the entry is set aside (``conflict``, kept with its
  reason) — never resolved silently. A refusal by the server (4xx, a soft error) sets the
  entry aside the same way.
- Faults: a refused connection / timeout / 5xx / 429 / auth error ends the replay early with
  the error in the report; nothing is lost and the next replay continues. A 429 and a request
  provably never sent leave the entry ``pending``; anything whose outcome is unknown stays
  ``sending`` and is verified next time: a start by the new work log in `current` or REST, a
  stop by the track no longer running, a manual work log by finding it through REST (same
  start, length, item and comment), an adjust by the remark/activity, a trim (absolute) and a
  select (idempotent) by sending again. After a timeout or a dropped connection the check
  waits `settle` (30 s): a request still under way in the server must not be judged unsent.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Self, TypeVar

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
from app.texts import QT_TRANSLATE_NOOP, Marked, marked
from app.tracking import user_commands as cmd
from app.tracking.journal_store import (
    APPLIED,
    CONFLICT,
    EXPANDED,
    FOLDED,
    OBSOLETE,
    PENDING,
    SENDING,
    Entry,
    JournalStore,
    Writes,
)
from app.tracking.state import is_running
from app.tracking.target import TrackTarget
from app.tracking.user_commands import (
    AddWorkLogArgs,
    AdjustArgs,
    Command,
    CommandConflict,
    CommandError,
    CommandKind,
    Expectation,
    StartArgs,
    StopArgs,
    TrimIdleArgs,
    apply,
    check_trim,
    from_iso,
    new_id,
    resolve_gap,
    to_iso,
)

# A command this much older than the replay was taken offline: its time matters (trims, gaps).
OFFLINE_TOLERANCE = timedelta(seconds=2)
# After a timeout or a dropped connection, how long the request may still be under way.
SETTLE = timedelta(seconds=30)
# Clock difference tolerated between this machine and the server when finding our own writes.
SKEW = timedelta(minutes=2)

ENDS_TRACK = (CommandKind.START, CommandKind.STOP)
EXPECT = "expect"  # meta key: the expected running work log (JSON), across replays of a batch

T = TypeVar("T")
# The expected running work log when a start of ours was set aside: unknowable.
UNKNOWN = "?"
KEEP = "="  # as an `expected` argument: leave the expected work log as it is


class Reason(str):
    """Why an entry was set aside: the English text (the journal stores it; `pacetray status`
    and the log show it) that also carries its marked `template` and `params`, so the UI can
    show it translated (app/ui/i18n.py `message_text`). A str, so the journal's users and its
    stored form stay plain text."""

    template: str | None
    params: Mapping[str, object]

    def __new__(cls, text: Marked | str) -> Self:
        reason = super().__new__(cls, str(text))
        reason.template = text.template if isinstance(text, Marked) else None
        reason.params = text.params if isinstance(text, Marked) else {}
        return reason

    @property
    def message(self) -> str:
        return str.__str__(self)


def _error_text(exc: ApiError | CommandError) -> Marked | str:
    """An error's message, marked when it has a template (the server's own words are not)."""
    return Marked(exc.template, exc.params) if exc.template else exc.message


ConflictCallback = Callable[[Command, str], None]  # the reason: a `Reason`
Hook = Callable[[Command], None]


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


def _running_id(state: TrackingState) -> str | None:
    if not is_running(state):
        return None
    return (state.track.work_log_id or "").lower() or None


# Conflict reasons: whole sentences with the server's state ({state}: a clause of `_describe`)
# and why ({why}: a clause) filled in.
_STOP_NOT_APPLIED = QT_TRANSLATE_NOOP("messages", "Your stop was not applied: {state}.")
_STOP_NOT_APPLIED_OTHER = QT_TRANSLATE_NOOP(
    "messages", "Your stop was not applied: {state} (another track)."
)
_STOP_NOT_APPLIED_BECAUSE = QT_TRANSLATE_NOOP(
    "messages", "Your stop was not applied: {why} ({state})."
)
_START_NOT_APPLIED = QT_TRANSLATE_NOOP("messages", "Your start was not applied: {state}.")
_START_NOT_APPLIED_BECAUSE = QT_TRANSLATE_NOOP(
    "messages", "Your start was not applied: {why} ({state})."
)
_ADJUST_NOT_APPLIED = QT_TRANSLATE_NOOP(
    "messages", "The change of remark/activity was not applied: {state}."
)
_NOTHING_RUNNING = marked(QT_TRANSLATE_NOOP("messages", "no track is running on the server"))
_TRACK_CHANGED = marked(QT_TRANSLATE_NOOP("messages", "the track changed meanwhile"))
_STARTED_ELSEWHERE = marked(
    QT_TRANSLATE_NOOP("messages", "a track was started elsewhere meanwhile")
)
_ANOTHER_RUNNING = marked(QT_TRANSLATE_NOOP("messages", "another track is running now"))
_SWITCHED_FROM_GONE = marked(
    QT_TRANSLATE_NOOP("messages", "the track you were switching from is no longer running")
)


def _describe(state: TrackingState) -> Marked:
    """What the server shows, as a whole clause (a reason's {state})."""
    track = state.track
    if is_running(state):
        if track.tfs_id:
            return marked(
                QT_TRANSLATE_NOOP("messages", "the server is tracking work item {id}"),
                id=track.tfs_id,
            )
        return marked(
            QT_TRANSLATE_NOOP("messages", "the server is tracking “{remark}”"),
            remark=track.remark or "",
        )
    if track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED:
        if track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK:
            return marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "the server had stopped the track itself (its activity check got no answer)",
                )
            )
        return marked(QT_TRANSLATE_NOOP("messages", "the server had stopped the track itself"))
    return marked(QT_TRANSLATE_NOOP("messages", "the track had already been stopped elsewhere"))


async def replay(
    store: JournalStore,
    client: TrackingClient,
    *,
    on_conflict: ConflictCallback,
    now: Callable[[], datetime],
    settle: timedelta = SETTLE,
    before_send: Hook | None = None,
    after_send: Hook | None = None,
) -> ReplayReport:
    """Applies the store's pending entries in order (see the module docstring). The caller
    makes sure two replays of one store never run at once. Raises sqlite3.Error when the
    store cannot be written.

    `before_send`/`after_send` run around each request that changes something (tests use
    them to kill the process at a chosen point)."""
    run = _Replay(store, client, on_conflict, now, settle, before_send, after_send)
    try:
        await run.run()
    except _Stop as stop:
        run.report.error = stop.error
    run.report.pending = store.count()
    if run.report.error is None:
        with store.transaction() as tx:
            if run.report.pending == 0:
                tx.set_meta(EXPECT, None)  # the next batch starts afresh
            tx.set_last_sync(run.now())
    return run.report


class _Replay:
    def __init__(
        self,
        store: JournalStore,
        client: TrackingClient,
        on_conflict: ConflictCallback,
        now: Callable[[], datetime],
        settle: timedelta,
        before_send: Hook | None,
        after_send: Hook | None,
    ) -> None:
        self.store = store
        self.client = client
        self.on_conflict = on_conflict
        self.now = now
        self.settle = settle
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
        stored = self.store.meta(EXPECT)
        if stored is not None:
            value = json.loads(stored)
            return True, value if value is None else str(value)
        if command.has_expectation:
            expected = command.expected_work_log_id
            return True, None if expected is None else expected.lower()
        return False, None

    @staticmethod
    def set_expected(tx: Writes, value: str | None) -> None:
        tx.set_meta(EXPECT, json.dumps(value))

    # --- main loop -------------------------------------------------------------------------

    async def run(self) -> None:
        while (entry := self.store.next_open()) is not None:
            if entry.parent is None and entry.status == PENDING:
                await self.expand(entry)
            else:
                await self.step(entry)

    def _parent_done(self, tx: Writes, parent_id: str) -> None:
        """A user entry whose steps are all done is applied."""
        if tx.open_steps(parent_id) == 0:
            parent = tx.entry(parent_id)
            if parent is not None and parent.status == EXPANDED:
                tx.set_status(parent_id, APPLIED)
                self.report.applied.append(parent.command)

    def _set_aside(self, entry: Entry, text: Marked | str, expected: str | None = KEEP) -> None:
        """Marks a user entry (or a step and its parent) as conflicting and reports it."""
        reason = Reason(text)
        with self.store.transaction() as tx:
            self._set_aside_in(tx, entry, reason)
            if expected != KEEP:
                self.set_expected(tx, expected)
        user = entry.command if entry.parent is None else self._command_of(entry.parent)
        self.report.conflicts.append((user, reason))
        self.on_conflict(user, reason)

    @staticmethod
    def _set_aside_in(tx: Writes, entry: Entry, reason: str) -> None:
        tx.set_status(entry.id, CONFLICT, reason=reason)
        if entry.parent is not None:
            tx.set_open_steps(entry.parent, CONFLICT, "not sent: an earlier step conflicted")
            tx.set_status(entry.parent, CONFLICT, reason=reason)

    def _command_of(self, entry_id: str) -> Command:
        found = self.store.entry(entry_id)
        assert found is not None, entry_id  # a step's parent is never deleted
        return found.command

    def _finish_user(self, entry: Entry, status: str, reason: str | None = None) -> None:
        with self.store.transaction() as tx:
            tx.set_status(entry.id, status, reason=reason)
        if status == OBSOLETE:
            self.report.obsolete.append(entry.command)

    # --- expansion: what the user meant, as primitive requests ------------------------------

    def offline(self, command: Command) -> bool:
        return self.now() - command.at > OFFLINE_TOLERANCE

    async def expand(self, entry: Entry) -> None:
        command = entry.command
        state = await self.current()
        running = _running_id(state)
        known, expected = self.expected(command)
        if known and expected == UNKNOWN:
            if command.kind in (*ENDS_TRACK, CommandKind.ADJUST):
                self._set_aside(
                    entry,
                    marked(
                        QT_TRANSLATE_NOOP(
                            "messages",
                            "Not applied: it followed a start that could not be applied, so "
                            "what it refers to is unknown.",
                        )
                    ),
                    None if command.kind is CommandKind.STOP else UNKNOWN,
                )
                return
            known = False
        kind = command.kind
        if isinstance(command.args, StopArgs):
            await self.expand_stop(entry, command.args, state, running, known, expected)
        elif isinstance(command.args, StartArgs):
            await self.expand_start(entry, command.args, state, running, known, expected)
        elif kind is CommandKind.ADJUST:
            if running is None or (known and expected != running):
                why = _describe(state) if running else _NOTHING_RUNNING
                self._set_aside(entry, marked(_ADJUST_NOT_APPLIED, state=why))
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
        entry: Entry,
        steps: list[Command],
        *,
        expected: str | None = KEEP,
        fold: list[tuple[Entry, str]] | None = None,
    ) -> None:
        with self.store.transaction() as tx:
            tx.add_steps(entry, steps)
            tx.set_status(entry.id, EXPANDED)
            for folded, status in fold or []:
                tx.set_status(folded.id, status, reason="booked with the offline start")
                done = self.report.applied if status == FOLDED else self.report.obsolete
                done.append(folded.command)
            if expected != KEEP:
                self.set_expected(tx, expected)
            self._parent_done(tx, entry.id)

    def trim_step(self, state: TrackingState, running: str, end: datetime) -> list[Command]:
        started = state.track.current_track_started_date_time
        if started is None or started.tzinfo is None:
            return []
        return [cmd.trim_idle(end, running, started, end)]

    async def expand_stop(
        self,
        entry: Entry,
        args: StopArgs,
        state: TrackingState,
        running: str | None,
        known: bool,
        expected: str | None,
    ) -> None:
        command = entry.command
        if running is None:
            if args.only_if_running:
                self._finish_user(entry, OBSOLETE, "the track had already stopped")
                with self.store.transaction() as tx:
                    self.set_expected(tx, None)
                return
            self._set_aside(entry, marked(_STOP_NOT_APPLIED, state=_describe(state)), expected=None)
            return
        if known and expected != running:
            why = _STARTED_ELSEWHERE if expected is None else _ANOTHER_RUNNING
            self._set_aside(
                entry,
                marked(_STOP_NOT_APPLIED_BECAUSE, why=why, state=_describe(state)),
                expected=None,
            )
            return
        steps = [cmd.stop(command.at, args.reason, expect_work_log_id=running)]
        if self.offline(command):
            steps += self.trim_step(state, running, command.at)
        self.commit_steps(entry, steps, expected=None)

    def _offline_end(self, entry: Entry) -> tuple[Entry | None, list[Entry]]:
        """The later journaled start/stop that ended this offline start, and the entries
        between them (in order)."""
        between: list[Entry] = []
        for later in self.store.pending_after(entry):
            if later.command.kind in ENDS_TRACK:
                return later, between
            between.append(later)
        return None, between

    async def expand_start(
        self,
        entry: Entry,
        args: StartArgs,
        state: TrackingState,
        running: str | None,
        known: bool,
        expected: str | None,
    ) -> None:
        command = entry.command
        if known and expected != running:
            why = _STARTED_ELSEWHERE if expected is None else _SWITCHED_FROM_GONE
            self._set_aside(
                entry, marked(_START_NOT_APPLIED_BECAUSE, why=why, state=_describe(state)), UNKNOWN
            )
            return
        target = args.target
        steps: list[Command] = []
        end, between = self._offline_end(entry) if self.offline(command) else (None, [])
        if end is not None:
            # The track began and ended offline: book it as one manual work log.
            fold: list[tuple[Entry, str]] = []
            for later in between:
                if isinstance(later.command.args, AdjustArgs):
                    adjusted = later.command.args
                    target = replace(
                        target,
                        remark=adjusted.remark or target.remark,
                        activity_type_id=adjusted.activity_type_id or target.activity_type_id,
                    )
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
                steps.append(cmd.add_work_log(command.at, _manual(command.at, target, length)))
            self.commit_steps(entry, steps, expected=None, fold=fold)
            return
        steps.append(cmd_expect(command, running))
        if self.offline(command):
            if running is not None:
                steps += self.trim_step(state, running, command.at)
            steps.append(cmd.add_gap_work_log(command.at, _manual(command.at, target, 1)))
        self.commit_steps(entry, steps)

    # --- steps: one request each, verified after a crash ------------------------------------

    async def step(self, entry: Entry) -> None:
        unsure = (entry.attempt or {}).get("unsure_at") if entry.status == SENDING else None
        if unsure is not None:
            settled = from_iso(str(unsure)) + self.settle
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
            with self.store.transaction() as tx:
                tx.set_status(entry.id, OBSOLETE, reason="no activity check running")
                if entry.parent is not None:
                    self._parent_done(tx, entry.parent)
            return
        if problem is not None:
            self._set_aside(entry, problem, self._expected_after_failure(command))
            return
        command = resolve_gap(command, state, self.now())
        if isinstance(command.args, TrimIdleArgs):
            trim = command.args
            try:
                needed = await self._read(lambda: check_trim(self.client, trim, state))
            except CommandError as exc:  # the log is running or gone, or the trim is malformed
                self._set_aside(entry, _error_text(exc))
                return
            if not needed:
                self.done(entry, state)  # already that short
                return
        if isinstance(command.args, AddWorkLogArgs) and command.args.work_log.length < 1:
            self.done(entry, state)  # an offline gap of no length: nothing to book
            return
        attempt = {
            "before_log": _running_id(state),
            "before_timestamp": state.timestamp,
            "sent_at": to_iso(self.now()),
        }
        with self.store.transaction() as tx:
            tx.replace_command(entry.id, command)
            tx.set_status(entry.id, SENDING, attempt=attempt)
        entry.command = command
        if self.before_send is not None:
            self.before_send(command)
        try:
            answer = await apply(self.client, command, state=state, trim_checked=True)
        except (CommandConflict, CommandError) as exc:
            self._set_aside(entry, _error_text(exc), self._expected_after_failure(command))
            return
        except (RateLimitedError, UnauthorizedError, ForbiddenError) as exc:
            self._back_to_pending(entry)  # refused before anything was done
            raise _Stop(exc) from exc
        except (ConnectionFailed, RequestTimeout) as exc:
            if not exc.sent:
                self._back_to_pending(entry)
            else:  # it may still be on its way through the server: verify only after a while
                with self.store.transaction() as tx:
                    attempt["unsure_at"] = to_iso(self.now())
                    tx.set_status(entry.id, SENDING, attempt=attempt)
            raise _Stop(exc) from exc
        except (ServerError, ProtocolError) as exc:
            raise _Stop(exc) from exc  # outcome unknown: verified next time
        except (HttpStatusError, SoftError) as exc:
            self._set_aside(
                entry,
                marked(
                    QT_TRANSLATE_NOOP("messages", "The server refused it: {reason}"),
                    reason=_error_text(exc),
                ),
                self._expected_after_failure(command),
            )
            return
        if self.after_send is not None:
            self.after_send(command)
        self.done(entry, answer if answer is not None else state)

    def _back_to_pending(self, entry: Entry) -> None:
        with self.store.transaction() as tx:
            tx.reset_to_pending(entry.id)

    @staticmethod
    def _expected_after_failure(command: Command) -> str | None:
        if command.kind is CommandKind.START:
            return UNKNOWN
        if command.kind is CommandKind.STOP:
            return None
        return KEEP

    def done(self, entry: Entry, state: TrackingState) -> None:
        command = entry.command
        with self.store.transaction() as tx:
            result = {"work_log_id": _running_id(state), "timestamp": state.timestamp}
            tx.set_status(entry.id, APPLIED, result=result)
            if command.kind is CommandKind.START:
                self.set_expected(tx, _running_id(state) or UNKNOWN)
            elif command.kind is CommandKind.STOP:
                self.set_expected(tx, None)
            if entry.parent is not None:
                self._parent_done(tx, entry.parent)
            else:
                self.report.applied.append(command)

    def guard(self, command: Command, state: TrackingState) -> Marked | str | None:
        """None: send it. APPLIED/OBSOLETE: nothing to send. Else the conflict's reason."""
        running = _running_id(state)
        expect = command.expected_work_log_id
        kind = command.kind
        if kind is CommandKind.STOP and command.has_expectation:
            if running is None:
                return APPLIED  # stopped meanwhile: the trim that follows still applies
            if running != expect:
                return marked(_STOP_NOT_APPLIED_OTHER, state=_describe(state))
        elif kind is CommandKind.START and command.has_expectation and running != expect:
            return marked(_START_NOT_APPLIED, state=_describe(state))
        elif kind is CommandKind.ADJUST and command.has_expectation and running != expect:
            return marked(_ADJUST_NOT_APPLIED, state=_TRACK_CHANGED)
        elif (
            kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK)
            and state.track.tracking_state is not TrackingStateKind.ACTIVITY_CHECK
        ):
            return OBSOLETE
        return None

    async def verify(self, entry: Entry, state: TrackingState) -> Marked | str:
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
            return marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "Your start may not have reached the server and the state changed "
                    "meanwhile ({state}); it was not sent again.",
                ),
                state=_describe(state),
            )
        if kind is CommandKind.ADJUST:
            if running is not None and running == before_log:
                return APPLIED if _matches(command, state) else "resend"
            return marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "The change of remark/activity was not confirmed and the track changed.",
                )
            )
        if kind in (CommandKind.ACTIVITY_CHECK, CommandKind.IDLE_CHECK):
            return (
                "resend"
                if state.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
                else APPLIED
            )
        if isinstance(command.args, AddWorkLogArgs):
            return APPLIED if await self._work_log_exists(command.args) else "resend"
        return "resend"  # select and trims are idempotent

    async def _start_logged(self, command: Command, attempt: dict[str, Any]) -> bool:
        sent_at = from_iso(str(attempt.get("sent_at") or to_iso(command.at)))
        logs = await self._read(
            lambda: self.client.work_logs(count=500, from_timestamp=sent_at - SKEW)
        )
        before = attempt.get("before_log")
        assert isinstance(command.args, StartArgs)
        work_item_id, remark = command.args.target.work_item_id, command.args.target.remark
        for log in logs:
            if log.id.lower() == before or not log.flags.is_tracked:
                continue
            if work_item_id is not None and log.work_item_id != work_item_id:
                continue
            if remark and (log.comment or "") != remark:
                continue
            return True
        return False

    async def _work_log_exists(self, args: AddWorkLogArgs) -> bool:
        wanted = args.work_log
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
    return replace(command, id=new_id())


def cmd_expect(command: Command, running: str | None) -> Command:
    """A step that carries the running work log it expects (a fresh id)."""
    return replace(command, id=new_id(), expectation=Expectation(running))


def _manual(at: datetime, target: TrackTarget, length: int) -> RestWorkLogCreate:
    """`target` booked as a manual work log of `length` seconds from `at`."""
    return RestWorkLogCreate(
        timestamp=at.astimezone(),
        length=length,
        billable_length=length if target.is_billable else None,
        work_item_id=target.work_item_id,
        comment=target.remark,
        activity_type_id=target.activity_type_id,
    )


def _matches(command: Command, state: TrackingState) -> bool:
    """Does the track show what a start or an adjust asked for (the parts it names)?"""
    track = state.track
    match command.args:
        case StartArgs(target=target):
            wanted = (target.work_item_id, target.remark, target.activity_type_id)
        case AdjustArgs(remark=remark, activity_type_id=activity):
            wanted = (None, remark, activity)
        case _:
            return True
    have = (track.tfs_id, track.remark, track.activity_type_id)
    return all(w is None or w == h for w, h in zip(wanted, have, strict=True))
