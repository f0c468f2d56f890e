"""Where "Today at a glance" (issue 15) gets its day: one gatherer below both front ends, so
`pacetray today` and the tray's Today window show the same thing.

`TodaySource.gather(day)` reads the week's work logs and `current` through the client, the
titles of the day's work items (optional: the CLI prints ids), the presence log (the stored
file, or the tray's recorder, which also knows the ongoing period) and the offline journal's
pending commands, and builds `Day`/`Week` (`app.tracking.day`). With the server unreachable it
builds the same from what this machine knows (the model marks those parts not synced) and
hands the error back beside the data; it never raises it. Pure asyncio, no Qt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from app.api.client import TrackingClient
from app.api.errors import ApiError
from app.api.models import RestWorkLog, TrackingState
from app.tracking.day import (
    DEFAULT_SLIP_THRESHOLD,
    Day,
    LocalZone,
    Week,
    build_day,
    build_week,
    day_bounds,
    log_start,
    week_bounds,
)
from app.tracking.presence import CheckEvent, PresencePeriod
from app.tracking.presence_log import (
    PresenceLog,
    PresenceLogError,
    PresenceRecorder,
    presence_path,
)
from app.tracking.user_commands import Command

log = logging.getLogger(__name__)

PAGE = 500  # the most work logs one REST read returns
# A log that began this long before the week still reaches into it (a night across Monday).
LOOKBACK = timedelta(days=1)
MAX_TITLES = 40  # searches per load at most: a day with more items shows the rest as ids

Records = tuple[list[PresencePeriod], list[CheckEvent]]
PresenceRecords = Callable[[datetime, datetime], Records]  # [since, until) -> periods, checks


@dataclass(frozen=True)
class TodayData:
    """One day as the views show it."""

    day: Day
    week: Week
    titles: Mapping[int, str] = field(default_factory=dict)  # work item id -> title


@dataclass(frozen=True)
class ServerDays:
    """What the server said about a week."""

    work_logs: list[RestWorkLog]
    running: TrackingState
    titles: dict[int, str]


ServerWork = Callable[[TrackingClient], Awaitable[ServerDays]]
# Runs a read with a client: the tray passes its own client, the CLI opens one per command
# (and turns its errors into one line).
ClientRunner = Callable[[ServerWork], Awaitable[ServerDays]]


async def read_work_logs(
    client: TrackingClient, since: datetime, until: datetime
) -> list[RestWorkLog]:
    """Every work log that started in [since, until], page by page."""
    logs: list[RestWorkLog] = []
    while True:
        page = await client.work_logs(
            count=PAGE, skip=len(logs), from_timestamp=since, to_timestamp=until
        )
        logs.extend(page)
        if len(page) < PAGE:
            return logs


async def read_titles(client: TrackingClient, items: Sequence[int]) -> dict[int, str]:
    """Work item id -> title, by search; an item that cannot be found keeps its id."""

    async def one(item: int) -> tuple[int, str | None]:
        try:
            hits = (await client.search(item)).work_items
        except ApiError as exc:  # a title is a nicety: the id is shown instead
            log.info("no title for #%s: %s", item, exc)
            return item, None
        for hit in hits:
            if hit.work_item.id == item and hit.work_item.title:
                return item, hit.work_item.title
        return item, None

    found = await asyncio.gather(*(one(item) for item in items[:MAX_TITLES]))
    return {item: title for item, title in found if title}


def presence_file(days: int, path: Path | None = None) -> PresenceRecords:
    """The stored presence log, opened per read and only when it exists (looking does not
    create it); unreadable counts as empty."""

    def records(since: datetime, until: datetime) -> Records:
        where = path or presence_path()
        if not where.exists():
            return [], []
        try:
            store = PresenceLog(where, days=days)
        except PresenceLogError:
            return [], []
        try:
            return store.periods(since, until), store.checks(since, until)
        except PresenceLogError:
            return [], []
        finally:
            store.close()

    return records


def recorder_presence(recorder: PresenceRecorder) -> PresenceRecords:
    """The tray's recorder: the stored periods plus the ongoing one, and the stored checks."""

    def records(since: datetime, until: datetime) -> Records:
        try:
            return recorder.periods(since, until), recorder.store.checks(since, until)
        except PresenceLogError as exc:
            log.warning("presence log: %s", exc.message)
            return [], []

    return records


def _no_presence(since: datetime, until: datetime) -> Records:
    return [], []


def _nothing_pending() -> list[Command]:
    return []


def _now_utc() -> datetime:
    return datetime.now(UTC)


class TodaySource:
    """Gathers a day from the server and this machine (see the module doc).

    `run`: how a read gets a client (None: no server, local knowledge only). `pending`: the
    offline journal's pending commands, oldest first. `titles`: also look up work item titles.
    Calling the source (`await source(day)`) is the Today window's loader."""

    def __init__(
        self,
        run: ClientRunner | None,
        *,
        presence: PresenceRecords = _no_presence,
        pending: Callable[[], Sequence[Command]] = _nothing_pending,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = _now_utc,
        slip_threshold: timedelta = DEFAULT_SLIP_THRESHOLD,
        titles: bool = True,
    ) -> None:
        self.run = run
        self.presence = presence
        self.pending = pending
        self.tz: tzinfo = tz if tz is not None else LocalZone()
        self.now = now
        self.slip_threshold = slip_threshold
        self.titles = titles
        self.last_failure: Exception | None = None

    async def gather(self, day: date) -> tuple[TodayData, Exception | None]:
        """The day, and why the server could not be read (None when it was)."""
        tz, now = self.tz, self.now()
        week_start, week_end = week_bounds(day, tz)
        periods, checks = self.presence(week_start, week_end)
        pending = list(self.pending())
        failure: Exception | None = None
        server: ServerDays | None = None
        if self.run is not None:
            try:
                server = await self.run(self._reader(day, week_start, week_end))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # shown as "not yet synced"; the caller says why
                failure = exc
        work_logs = server.work_logs if server is not None else None
        running = server.running if server is not None else None
        built = build_day(
            day,
            tz,
            work_logs,
            running,
            periods,
            checks,
            pending,
            now,
            slip_threshold=self.slip_threshold,
        )
        week = build_week(day, tz, work_logs, running, pending, now)
        titles = server.titles if server is not None else {}
        return TodayData(built, week, titles), failure

    def _reader(self, day: date, week_start: datetime, week_end: datetime) -> ServerWork:
        async def read(client: TrackingClient) -> ServerDays:
            logs = await read_work_logs(client, week_start - LOOKBACK, week_end)
            running = await client.current()
            titles: dict[int, str] = {}
            if self.titles:  # the day's items only: the week strip shows totals, no names
                start, end = day_bounds(day, self.tz)
                items = sorted(
                    {
                        lg.work_item_id
                        for lg in logs
                        if lg.work_item_id is not None
                        and log_start(lg, self.tz) < end
                        and log_start(lg, self.tz) + timedelta(seconds=lg.length) > start
                    }
                )
                titles = await read_titles(client, items)
            return ServerDays(logs, running, titles)

        return read

    async def __call__(self, day: date) -> TodayData:
        data, failure = await self.gather(day)
        self.last_failure = failure
        if isinstance(failure, ApiError):
            log.info("Today %s from this machine only: %s", day, failure)
        elif failure is not None:
            log.error("Today %s from this machine only", day, exc_info=failure)
        return data
