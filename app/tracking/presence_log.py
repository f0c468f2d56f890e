"""The presence log (issue 15): when the user was at the machine or away, and what became of
each activity check, kept locally for `presence_days` days. Nothing leaves the machine.

Only times are stored — a period's start and end, whether present or away and why, a check's
time and outcome — never keys, pointer positions or window titles: the detector's events carry
nothing else, and this module stores only what the records in `app.tracking.presence` hold.

- `PresenceLog`: the store, one SQLite file in the user data dir (`presence_path()`). A period
  is written once, when it ends; retention is applied when the log opens and then at most once
  a day, on a write.
- `PresenceRecorder`: turns the idle detector's events (idle, back, slept; a lock is an idle
  period caused by the lock) and the Tracker's events (checks answered, the server stopping a
  track for an unanswered check) into records. The ongoing period is kept in memory and
  written when it ends, on quit (`close`) or when the machine sleeps.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from app.activity.detector import BecameActive, BecameIdle, Cause, Event, Slept
from app.api.models import StoppedTrackType
from app.settings.paths import data_dir
from app.tracking.events import ActivityCheckAnswered, AnsweredHow, ServerStopped, TrackerEvent
from app.tracking.presence import AwayCause, CheckEvent, CheckOutcome, Presence, PresencePeriod
from app.tracking.sqlite_file import open_database

log = logging.getLogger(__name__)
_T = TypeVar("_T")

PRESENCE_FILE = "presence.sqlite"
DEFAULT_DAYS = 14
PRUNE_EVERY = timedelta(days=1)
# A gap this long between the last recorded period and a start means Pacetray was not running.
QUIT_GAP = timedelta(minutes=1)

# Small integer codes keep a row at a few bytes; the enums' values are the public names.
_PRESENCE = {Presence.PRESENT: 0, Presence.AWAY: 1}
_CAUSE = {AwayCause.IDLE: 1, AwayCause.LOCKED: 2, AwayCause.ASLEEP: 3, AwayCause.QUIT: 4}
_OUTCOME = {
    CheckOutcome.AUTOMATIC: 0,
    CheckOutcome.USER: 1,
    CheckOutcome.SNOOZED: 2,
    CheckOutcome.SERVER_STOPPED: 3,
}
_PRESENCE_OF = {code: value for value, code in _PRESENCE.items()}
_CAUSE_OF = {code: value for value, code in _CAUSE.items()}
_OUTCOME_OF = {code: value for value, code in _OUTCOME.items()}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS periods (
    start REAL NOT NULL, "end" REAL NOT NULL, presence INTEGER NOT NULL, cause INTEGER
);
CREATE INDEX IF NOT EXISTS periods_end ON periods ("end");
CREATE TABLE IF NOT EXISTS checks (at REAL NOT NULL, outcome INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS checks_at ON checks (at);
"""


class PresenceLogError(Exception):
    """The presence log could not be read or written; `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def presence_path() -> Path:
    """The presence log of the tray and `pacetray today` (PACETRAY_DATA_DIR honoured)."""
    return data_dir() / PRESENCE_FILE


def _now_utc() -> datetime:
    return datetime.now(UTC)


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware datetime")
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class PresenceLog:
    """The stored presence periods and check events. Not thread-safe: one loop uses it."""

    def __init__(
        self,
        path: Path,
        *,
        days: int = DEFAULT_DAYS,
        now: Callable[[], datetime] = _now_utc,
    ) -> None:
        self.path = path
        self.days = days
        self._now = now
        self._pruned: datetime | None = None
        try:
            # WAL + NORMAL: a write costs no fsync of the main file; a crash loses at most the
            # last period, which is harmless for a day view.
            self._db = open_database(path, _SCHEMA, synchronous="NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise PresenceLogError(
                f"The presence log {path} could not be opened: {exc}. Check the file's "
                "permissions, or remove it (it holds only presence times)."
            ) from exc
        self.prune()

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        try:
            self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise PresenceLogError(
                f"The presence log {self.path} could not be written: {exc}. Free some disk "
                "space or check the file's permissions."
            ) from exc
        now = self._now()
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self.prune()

    def add_period(self, period: PresencePeriod) -> None:
        """Writes a period that has ended (an ongoing one stays with the recorder)."""
        if period.end is None:
            raise ValueError("only a period that has ended is written")
        cause = None if period.cause is None else _CAUSE[period.cause]
        self._write(
            'INSERT INTO periods (start, "end", presence, cause) VALUES (?, ?, ?, ?)',
            (_epoch(period.start), _epoch(period.end), _PRESENCE[period.presence], cause),
        )

    def add_check(self, event: CheckEvent) -> None:
        self._write(
            "INSERT INTO checks (at, outcome) VALUES (?, ?)",
            (_epoch(event.at), _OUTCOME[event.outcome]),
        )

    def periods(self, since: datetime, until: datetime) -> list[PresencePeriod]:
        """Stored periods overlapping [since, until), oldest first."""
        try:
            rows = self._db.execute(
                'SELECT start, "end", presence, cause FROM periods '
                'WHERE "end" > ? AND start < ? ORDER BY start',
                (_epoch(since), _epoch(until)),
            ).fetchall()
        except sqlite3.Error as exc:
            raise PresenceLogError(
                f"The presence log {self.path} could not be read: {exc}."
            ) from exc
        return [
            PresencePeriod(
                _moment(start),
                _moment(end),
                _PRESENCE_OF[presence],
                None if cause is None else _CAUSE_OF[cause],
            )
            for start, end, presence, cause in rows
        ]

    def checks(self, since: datetime, until: datetime) -> list[CheckEvent]:
        try:
            rows = self._db.execute(
                "SELECT at, outcome FROM checks WHERE at >= ? AND at < ? ORDER BY at",
                (_epoch(since), _epoch(until)),
            ).fetchall()
        except sqlite3.Error as exc:
            raise PresenceLogError(
                f"The presence log {self.path} could not be read: {exc}."
            ) from exc
        return [CheckEvent(_moment(at), _OUTCOME_OF[outcome]) for at, outcome in rows]

    def last_end(self) -> datetime | None:
        """When the last stored period ended (to see how long Pacetray was not running)."""
        row = self._db.execute('SELECT MAX("end") FROM periods').fetchone()
        return None if row is None or row[0] is None else _moment(row[0])

    def prune(self) -> int:
        """Drops what is older than `days` days; returns how many records went."""
        now = self._now()
        cutoff = _epoch(now - timedelta(days=self.days))
        try:
            gone = self._db.execute('DELETE FROM periods WHERE "end" < ?', (cutoff,)).rowcount
            gone += self._db.execute("DELETE FROM checks WHERE at < ?", (cutoff,)).rowcount
        except sqlite3.Error as exc:
            raise PresenceLogError(
                f"Old presence history in {self.path} could not be removed: {exc}."
            ) from exc
        self._pruned = now
        return gone

    def clear(self) -> None:
        """Forgets the whole presence history (Settings: Clear presence history)."""
        try:
            self._db.execute("DELETE FROM periods")
            self._db.execute("DELETE FROM checks")
            # Deleted rows may linger in free pages and the WAL: rewrite the file without them.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
        except sqlite3.Error as exc:
            raise PresenceLogError(
                f"The presence history in {self.path} could not be cleared: {exc}."
            ) from exc


_AWAY_CAUSE: dict[Cause, AwayCause] = {
    "input": AwayCause.IDLE,
    "locked": AwayCause.LOCKED,
    "sleep": AwayCause.ASLEEP,
}
_CHECK_OUTCOME: dict[AnsweredHow, CheckOutcome] = {
    "auto": CheckOutcome.AUTOMATIC,
    "continue": CheckOutcome.USER,
    "stop": CheckOutcome.USER,
    "snooze": CheckOutcome.SNOOZED,
    # Answered in another client (the browser, another machine): still the user's answer.
    "elsewhere": CheckOutcome.USER,
}


class PresenceRecorder:
    """Records presence from the detector's events and check outcomes from the Tracker's.

    `presence=False` (no activity source: nothing is known about presence) records checks
    only. Failures to write are logged, never raised: the log must not disturb tracking."""

    def __init__(
        self,
        store: PresenceLog,
        *,
        presence: bool = True,
        now: Callable[[], datetime] = _now_utc,
    ) -> None:
        self.store = store
        self.presence = presence
        self._now = now
        self._ongoing: PresencePeriod | None = None

    @property
    def ongoing(self) -> PresencePeriod | None:
        return self._ongoing

    def start(self) -> None:
        """Opens a present period now; the time since the last stored period, when Pacetray
        was not running, is written as away (quit)."""
        if not self.presence:
            return
        now = self._now()
        last = self._safely(self.store.last_end)
        if last is not None and now - last >= QUIT_GAP:
            self._write(PresencePeriod(last, now, Presence.AWAY, AwayCause.QUIT))
        self._ongoing = PresencePeriod(now, None, Presence.PRESENT)

    def close(self) -> None:
        """On quit: the ongoing period ends now and is written."""
        self._switch(self._now(), None)

    def clear(self) -> None:
        """Forgets the stored history; the ongoing period restarts now, so nothing from
        before the clear is written later."""
        self.store.clear()
        if self._ongoing is not None:
            self._ongoing = PresencePeriod(
                self._now(), None, self._ongoing.presence, self._ongoing.cause
            )

    def periods(self, since: datetime, until: datetime) -> list[PresencePeriod]:
        """Stored periods in [since, until) plus the ongoing one."""
        stored = self.store.periods(since, until)
        if self._ongoing is not None and self._ongoing.start < until:
            stored.append(self._ongoing)
        return stored

    # --- the detector's events ---------------------------------------------------------------

    def on_activity_event(self, event: Event) -> None:
        if not self.presence:
            return
        if isinstance(event, BecameIdle):
            since = datetime.fromtimestamp(event.since, UTC)
            self._switch(
                since, PresencePeriod(since, None, Presence.AWAY, _AWAY_CAUSE[event.cause])
            )
        elif isinstance(event, BecameActive):
            back = event.period.end_at
            self._switch(back, PresencePeriod(back, None, Presence.PRESENT))
        elif isinstance(event, Slept):
            ongoing = self._ongoing
            was_locked = ongoing is not None and ongoing.cause is AwayCause.LOCKED
            slept, woke = event.period.start_at, event.period.end_at
            if ongoing is not None and ongoing.cause is AwayCause.ASLEEP:
                slept = min(slept, ongoing.start)  # opened by logind's "sleep" below
                self._ongoing = None
            self._switch(slept, None)
            self._write(PresencePeriod(slept, woke, Presence.AWAY, AwayCause.ASLEEP))
            # Still locked after waking: the detector stays idle (locked) without a new event.
            after = (
                PresencePeriod(woke, None, Presence.AWAY, AwayCause.LOCKED)
                if was_locked
                else PresencePeriod(woke, None, Presence.PRESENT)
            )
            self._ongoing = after

    def on_session_event(self, event: str) -> None:
        """logind's "sleep" (on this loop): what was going on is written before the machine
        sleeps (it may never wake); the wake-up arrives as the detector's `Slept`."""
        if self.presence and event == "sleep" and self._ongoing is not None:
            now = self._now()
            self._switch(now, PresencePeriod(now, None, Presence.AWAY, AwayCause.ASLEEP))

    def tee(self, forward: Callable[[Event], None]) -> Callable[[Event], None]:
        """A detector callback that records `event`, then hands it on (to the Tracker)."""

        def both(event: Event) -> None:
            try:
                self.on_activity_event(event)
            except Exception:  # recording must never keep the event from the tracker
                log.exception("presence recording failed on %s", type(event).__name__)
            forward(event)

        return both

    # --- the Tracker's events ----------------------------------------------------------------

    def on_tracker_event(self, event: TrackerEvent) -> None:
        if isinstance(event, ActivityCheckAnswered):
            self._check(_CHECK_OUTCOME[event.how])
        elif (
            isinstance(event, ServerStopped)
            and event.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
        ):
            self._check(CheckOutcome.SERVER_STOPPED)

    # --- writing -----------------------------------------------------------------------------

    def _switch(self, at: datetime, following: PresencePeriod | None) -> None:
        """Ends the ongoing period at `at` (never before its start), writes it, and makes
        `following` the ongoing one."""
        current = self._ongoing
        if current is not None:
            end = max(at, current.start)
            if end > current.start:
                self._write(PresencePeriod(current.start, end, current.presence, current.cause))
            if following is not None and following.start < end:
                following = PresencePeriod(end, None, following.presence, following.cause)
        self._ongoing = following

    def _check(self, outcome: CheckOutcome) -> None:
        event = CheckEvent(self._now(), outcome)
        self._safely(lambda: self.store.add_check(event))

    def _write(self, period: PresencePeriod) -> None:
        self._safely(lambda: self.store.add_period(period))

    def _safely(self, action: Callable[[], _T]) -> _T | None:
        try:
            return action()
        except PresenceLogError as exc:
            log.warning("presence log: %s", exc.message)
            return None
