"""The tracking state machine of tracking-api.md §4, pure over a Clock and persisted in a Store.

States: idle -> startTracking -> tracking (a work log opens). After the activity-check interval
without an answer the state becomes activityCheck (`activityCheck = {isRunning, secondsLeft}`);
`activityCheck` answers it (interval restarts), `idleCheck/{0|1|2}` answers it and snoozes the
next check to +1 h / 08:00 tomorrow / 08:00 next Monday, both in the track's time zone. When the
countdown expires the work log is closed at the moment the check STARTED: clientInputRequired,
stoppedTrackType 1. Past the max single track length the work log is closed at start + max:
clientInputRequired, stoppedTrackType 4 (also when that moment falls inside a running check:
the earliest due event wins). stopTracking -> idle, stoppedTrackType 0; reason 1 (machine) is
recorded on the work log. Starting while tracking closes the running work log, opens a new one.

Decisions where 7pace documents nothing:
- `activityCheck` / `idleCheck` / `adjust` / `stopTracking` with nothing to act on (no check
  running, no track running) change nothing and answer 200 with
  `trackSettings.responseState = "Warning"` and a message saying why: the call itself was well
  formed, and a client racing the server's clock (the check expired a moment ago) should show a
  message, not fail.
- `startTracking` with neither `tfsId` nor `remark` in its body uses the values set by
  `selected`; with either in the body, the body's values are used as they are; with nothing
  selected either, 409 `WorkItemIdOrCommentRequired` (the body was valid: the state refuses
  it). A body that carries fields the API does not define instead is refused (400) before it
  gets here, as are all stateless body rules (app/server/bodies.py).
- `selected` answers the selection while no track runs (idle, clientInputRequired: the state
  fields stay as they are, the current-track fields are null), the running track while one runs.
- A work log still being tracked cannot be deleted, nor its length PATCHed: 409
  `WorkLogIsRunning` (stop tracking first). 7pace's apps offer no edit of a running track
  either; its REST reference lists 409 "Data conflict" for both calls.
- Deleting the work log of a track the server stopped (clientInputRequired) leaves the state
  as it is; `current` then describes the selection, as it does once no work log is at hand.
- `timestamp` = max(previous + 1, now in epoch milliseconds): strictly increasing on every
  change (clock-driven ones included), also across restarts.

The engine is lazy: every call first applies every event due up to `clock.now()` (`advance`);
the app's clock task calls `advance` periodically, so the server also acts without requests.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from app.api.models import (
    NOT_SET_ACTIVITY_ID,
    ActivityCheck,
    ActivityTypeSettings,
    ClientSettings,
    LatestResult,
    LatestWorkLog,
    ResponseState,
    RestActivityTypeRef,
    RestActivityTypes,
    RestMe,
    RestUser,
    RestWorkLog,
    SearchHit,
    SearchResult,
    SnoozeOption,
    StoppedTrackType,
    StopReason,
    Track,
    TrackingState,
    TrackingStateKind,
    TrackSettings,
    UserInfo,
    WorkLogFlags,
)
from app.server.clock import Clock
from app.server.demo import APPLICATION_VERSION, ORGANIZATION_URL, DemoOrg
from app.server.errors import (
    WORK_ITEM_OR_COMMENT_REQUIRED,
    WORK_LOG_RUNNING,
    ApiProblem,
    not_found,
)
from app.server.store import Store, WorkLogRow, from_epoch, to_epoch

SNOOZE_HOUR = time(8, 0)  # "tomorrow" / "next Monday" resume at 08:00 in the track's zone
ZONE_MIN, ZONE_MAX = -720, 840  # timeZone: minutes east of UTC
MAX_WORK_LOG_LENGTH = 24 * 3600  # a manual work log longer than a day is a typo
RUNNING = (TrackingStateKind.TRACKING, TrackingStateKind.ACTIVITY_CHECK)
UNSET: Any = object()  # "field absent" in PATCH-like calls, distinct from an explicit null


@dataclass(frozen=True)
class EngineSettings:
    activity_check_interval: float  # <= 0 disables activity checks
    activity_check_wait: float
    max_track: float  # <= 0 disables the limit


@dataclass
class Selection:
    tfs_id: int | None = None
    remark: str | None = None
    activity_type_id: str | None = None
    calculate_totals: bool = True


@dataclass
class EngineState:
    kind: TrackingStateKind = TrackingStateKind.IDLE
    stopped_type: StoppedTrackType = StoppedTrackType.TRACKING
    selection: Selection = field(default_factory=Selection)
    work_log_id: str | None = None  # the running work log, or the one a stop just closed
    next_check_at: datetime | None = None
    check_started_at: datetime | None = None
    status_changed_at: datetime | None = None
    time_zone: int = 0  # minutes east of UTC, from the last startTracking
    timestamp: int = 0

    def to_json(self) -> dict[str, Any]:
        def epoch(moment: datetime | None) -> float | None:
            return None if moment is None else to_epoch(moment)

        return {
            "kind": int(self.kind),
            "stoppedType": int(self.stopped_type),
            "selection": {
                "tfsId": self.selection.tfs_id,
                "remark": self.selection.remark,
                "activityTypeId": self.selection.activity_type_id,
                "calculateTotals": self.selection.calculate_totals,
            },
            "workLogId": self.work_log_id,
            "nextCheckAt": epoch(self.next_check_at),
            "checkStartedAt": epoch(self.check_started_at),
            "statusChangedAt": epoch(self.status_changed_at),
            "timeZone": self.time_zone,
            "timestamp": self.timestamp,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EngineState:
        def moment(value: float | None) -> datetime | None:
            return None if value is None else from_epoch(value)

        sel = data.get("selection") or {}
        return cls(
            kind=TrackingStateKind(data["kind"]),
            stopped_type=StoppedTrackType(data["stoppedType"]),
            selection=Selection(
                sel.get("tfsId"),
                sel.get("remark"),
                sel.get("activityTypeId"),
                bool(sel.get("calculateTotals", True)),
            ),
            work_log_id=data.get("workLogId"),
            next_check_at=moment(data.get("nextCheckAt")),
            check_started_at=moment(data.get("checkStartedAt")),
            status_changed_at=moment(data.get("statusChangedAt")),
            time_zone=int(data.get("timeZone", 0)),
            timestamp=int(data.get("timestamp", 0)),
        )


def local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def snooze_until(now: datetime, option: SnoozeOption, tz_minutes: int) -> datetime:
    """When the next activity check may start after `idleCheck/{option}`."""
    if option is SnoozeOption.ONE_HOUR:
        return now + timedelta(hours=1)
    zone = timezone(timedelta(minutes=tz_minutes))
    local = now.astimezone(zone)
    days = 1 if option is SnoozeOption.TOMORROW else (7 - local.weekday()) % 7 or 7
    day = local.date() + timedelta(days=days)
    return datetime.combine(day, SNOOZE_HOUR, tzinfo=zone).astimezone(UTC)


def _seconds(value: float) -> int:
    return math.floor(value + 0.5)


class Engine:
    def __init__(
        self,
        clock: Clock,
        store: Store,
        org: DemoOrg,
        settings: EngineSettings,
    ) -> None:
        self.clock = clock
        self.store = store
        self.org = org
        self.settings = settings
        saved = store.get_meta("state")
        self.state = EngineState.from_json(saved) if saved else EngineState()
        if not saved:
            self.state.time_zone = local_offset_minutes()
            self.state.status_changed_at = clock.now()
        self._listeners: list[Callable[[], None]] = []
        self._log_cache: WorkLogRow | None = None

    # --- plumbing --------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Called after every change (a future push hub hooks in here)."""
        self._listeners.append(listener)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            with self.store.transaction():
                yield
        except BaseException:
            self._log_cache = None  # it may hold changes that were just rolled back
            raise

    def _commit(self, now: datetime) -> None:
        """Bumps `timestamp` and persists the state (call inside a store transaction)."""
        self.state.timestamp = max(self.state.timestamp + 1, int(now.timestamp() * 1000))
        self.store.set_meta("state", self.state.to_json())

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _work_log(self) -> WorkLogRow | None:
        """The state's work log (running, or just stopped), cached: read on every request."""
        log_id = self.state.work_log_id
        if log_id is None:
            return None
        if self._log_cache is None or self._log_cache.id != log_id:
            self._log_cache = self.store.work_log(log_id)
        return self._log_cache

    def _running_log(self) -> WorkLogRow | None:
        log = self._work_log() if self.state.kind in RUNNING else None
        return log if log is not None and log.running else None

    # --- the clock -------------------------------------------------------------------------

    def _next_event(self, log: WorkLogRow) -> tuple[datetime, str] | None:
        events: list[tuple[datetime, int, str]] = []
        if self.settings.max_track > 0:
            events.append((log.start + timedelta(seconds=self.settings.max_track), 0, "max"))
        if self.state.kind is TrackingStateKind.ACTIVITY_CHECK and self.state.check_started_at:
            wait = timedelta(seconds=self.settings.activity_check_wait)
            events.append((self.state.check_started_at + wait, 1, "expire"))
        elif self.state.kind is TrackingStateKind.TRACKING and self.state.next_check_at:
            events.append((self.state.next_check_at, 2, "check"))
        if not events:
            return None
        due, _, name = min(events)
        return due, name

    def advance(self) -> bool:
        """Applies every event due up to now, in order; True when something changed."""
        now = self.clock.now()
        log = self._running_log()
        event = None if log is None else self._next_event(log)
        if event is None or event[0] > now:
            return False  # the common case: nothing due, no transaction
        changed = False
        with self._transaction():
            while (log := self._running_log()) is not None:
                event = self._next_event(log)
                if event is None or event[0] > now:
                    break
                due, name = event
                if name == "check":
                    self.state.kind = TrackingStateKind.ACTIVITY_CHECK
                    self.state.check_started_at = due
                elif name == "expire":
                    assert self.state.check_started_at is not None
                    self._close(
                        log,
                        self.state.check_started_at,
                        StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK,
                        StopReason.MACHINE,
                    )
                else:
                    end = log.start + timedelta(seconds=self.settings.max_track)
                    self._close(
                        log,
                        end,
                        StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED,
                        StopReason.MACHINE,
                    )
                self.state.status_changed_at = due
                self._commit(now)
                changed = True
        if changed:
            self._notify()
        return changed

    def _close(
        self,
        log: WorkLogRow,
        end: datetime,
        stopped: StoppedTrackType,
        reason: StopReason,
    ) -> None:
        log.length = max(0.0, (end - log.start).total_seconds())
        if log.is_billable:
            log.billable_length = log.length
        log.stop_reason = int(reason)
        log.stopped_type = int(stopped)
        self.store.update_work_log(log)
        self.state.stopped_type = stopped
        self.state.kind = (
            TrackingStateKind.IDLE
            if stopped is StoppedTrackType.TRACKING
            else TrackingStateKind.CLIENT_INPUT_REQUIRED
        )
        self.state.check_started_at = None
        self.state.next_check_at = None

    def _next_check_from(self, moment: datetime) -> datetime | None:
        interval = self.settings.activity_check_interval
        return moment + timedelta(seconds=interval) if interval > 0 else None

    # --- lookups ---------------------------------------------------------------------------

    def resolve_activity_type(self, value: str) -> str:
        """A GUID of a known activity type, or (as 7pace's own example does) its name."""
        text = value.strip()
        try:
            guid = str(uuid.UUID(text))
        except ValueError:
            by_name = self.org.activity_type_by_name(text)
            if by_name is None:
                # An unknown name is an unknown entity, as an unknown GUID is (404).
                raise not_found(
                    f"activityTypeId {value!r} is neither a GUID nor the name of an activity "
                    "type; GET /api/rest/activityTypes lists them."
                ) from None
            return by_name.id
        if guid not in self.org.activity_types:
            raise not_found(
                f"Activity type {guid} does not exist; GET /api/rest/activityTypes lists them."
            )
        return guid

    def require_work_item(self, tfs_id: int) -> None:
        if tfs_id not in self.org.work_items:
            raise not_found(
                f"Work item {tfs_id} does not exist; search for it with POST "
                "/api/tracking/client/searchByQuery."
            )

    # --- the tracking state model ----------------------------------------------------------

    def tracking_state(self, *, expand: bool = False, warning: str | None = None) -> TrackingState:
        now = self.clock.now()
        return TrackingState(
            track=self.track(now),
            track_settings=TrackSettings(
                is_tracking_start_allowed=True,
                response_state=ResponseState.WARNING if warning else ResponseState.OK,
                response_message=warning,
            ),
            settings=self.client_settings() if expand else None,
            timestamp=self.state.timestamp,
        )

    def track(self, now: datetime | None = None, *, selection: bool = False) -> Track:
        """The `track` part. `selection`: while no track runs, describe the selection (what the
        next start uses) even when a stopped track waits for the client (clientInputRequired)."""
        now = now or self.clock.now()
        state = self.state
        hide_log = state.kind is TrackingStateKind.IDLE or (selection and state.kind not in RUNNING)
        log = None if hide_log else self._work_log()
        if log is not None:
            tfs_id, remark, activity = log.tfs_id, log.comment, log.activity_type_id
        else:
            sel = state.selection
            tfs_id, remark = sel.tfs_id, sel.remark
            activity = sel.activity_type_id or self.org.default_activity_type_id
        check = None
        if state.kind is TrackingStateKind.ACTIVITY_CHECK and state.check_started_at:
            due = state.check_started_at + timedelta(seconds=self.settings.activity_check_wait)
            left = max(0, math.ceil((due - now).total_seconds()))
            check = ActivityCheck(is_running=True, seconds_left=left)
        totals = state.selection.calculate_totals
        return Track(
            tfs_id=tfs_id,
            remark=remark,
            activity_type_id=activity,
            work_item=self.org.work_item(tfs_id) if tfs_id is not None else None,
            tracking_state=state.kind,
            stopped_track_type=state.stopped_type,
            activity_check=check,
            current_track_length=None if log is None else _seconds(log.length_at(now)),
            total_me_today_length=self._today_total(now) if totals else None,
            total_me_length=self._item_total(tfs_id, now) if totals and tfs_id else None,
            total_team_length=self._team_total(tfs_id, now) if totals and tfs_id else None,
            track_adjustment_length=0 if log is not None else None,
            current_track_started_date_time=None if log is None else log.start,
            track_status_change_date=state.status_changed_at,
            track_time_zone=None if log is None else log.time_zone,
            work_log_id=None if log is None else log.id,
            is_billable=None if log is None else log.is_billable,
        )

    def _today_total(self, now: datetime) -> int:
        zone = timezone(timedelta(minutes=self.state.time_zone))
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        lookback = max(self.settings.max_track, MAX_WORK_LOG_LENGTH)
        return _seconds(self.store.tracked_between(day_start, now, lookback))

    def _item_total(self, tfs_id: int, now: datetime) -> int:
        total = self.store.closed_length_for(tfs_id)
        running = self._running_log()
        if running is not None and running.tfs_id == tfs_id:
            total += running.length_at(now)
        return _seconds(total)

    def _team_total(self, tfs_id: int, now: datetime) -> int:
        item = self.org.work_items.get(tfs_id)
        return self._item_total(tfs_id, now) + (item.team_seconds if item else 0)

    def client_settings(self) -> ClientSettings:
        user = self.org.user
        return ClientSettings(
            activity_type=ActivityTypeSettings(
                is_enabled=True,
                default_activity=self.org.default_activity_type_id,
                activity_types=list(self.org.activity_types.values()),
            ),
            user_info=UserInfo(
                user_id=user.id,
                user_name=user.name,
                user_unique_name=user.unique_name,
                application_version=APPLICATION_VERSION,
                team_services_url=ORGANIZATION_URL,
            ),
        )

    # --- tracking calls --------------------------------------------------------------------

    def select(
        self,
        tfs_id: int | None,
        remark: str | None,
        activity_type_id: str | None,
        calculate_totals: bool | None,
    ) -> Track:
        if tfs_id is not None:
            self.require_work_item(tfs_id)
        activity = self.resolve_activity_type(activity_type_id) if activity_type_id else None
        new = Selection(
            tfs_id=tfs_id,
            remark=(remark or "").strip() or None,
            activity_type_id=activity,
            calculate_totals=True if calculate_totals is None else calculate_totals,
        )
        if new != self.state.selection:
            now = self.clock.now()
            with self._transaction():
                self.state.selection = new
                self._commit(now)
            self._notify()
        # While a track runs, the answer is that track (selecting changes nothing until the next
        # start); otherwise it is the selection just made, whatever state the server is in.
        return self.track(selection=True)

    def start(
        self,
        time_zone: int | None,
        tfs_id: int | None,
        remark: str | None,
        activity_type_id: str | None,
        is_billable: bool | None,
    ) -> TrackingState:
        remark = (remark or "").strip() or None
        if tfs_id is None and remark is None:
            tfs_id, remark = self.state.selection.tfs_id, self.state.selection.remark
        if tfs_id is None and remark is None:
            # 409, not 400: the body was valid; with a selection it would have started.
            raise ApiProblem(
                409,
                WORK_ITEM_OR_COMMENT_REQUIRED,
                "Tracking needs a work item or a comment: send tfsId or remark, or choose "
                "them with selected first.",
            )
        if tfs_id is not None:
            self.require_work_item(tfs_id)
        if activity_type_id:
            activity = self.resolve_activity_type(activity_type_id)
        else:
            activity = self.state.selection.activity_type_id or self.org.default_activity_type_id
        zone = self.state.time_zone if time_zone is None else time_zone
        now = self.clock.now()
        with self._transaction():
            running = self._running_log()
            if running is not None:
                self._close(running, now, StoppedTrackType.TRACKING, StopReason.USER)
            log = WorkLogRow(
                id=str(uuid.uuid4()),
                start=now,
                length=None,
                tfs_id=tfs_id,
                comment=remark,
                activity_type_id=activity,
                time_zone=zone,
                is_billable=is_billable,
                billable_length=None,
                is_tracked=True,
            )
            self.store.insert_work_log(log)
            self.state.kind = TrackingStateKind.TRACKING
            self.state.stopped_type = StoppedTrackType.TRACKING
            self.state.work_log_id = log.id
            self.state.check_started_at = None
            self.state.next_check_at = self._next_check_from(now)
            self.state.status_changed_at = now
            self.state.time_zone = zone
            totals = self.state.selection.calculate_totals
            self.state.selection = Selection(tfs_id, remark, activity, totals)
            self._commit(now)
        self._notify()
        return self.tracking_state()

    def stop(self, reason: StopReason) -> TrackingState:
        kind = self.state.kind
        if kind is TrackingStateKind.IDLE:
            return self.tracking_state(warning="No track is running; nothing was stopped.")
        now = self.clock.now()
        with self._transaction():
            running = self._running_log()
            if running is not None:
                self._close(running, now, StoppedTrackType.TRACKING, reason)
            else:  # acknowledging a stop made by the server (clientInputRequired)
                self.state.kind = TrackingStateKind.IDLE
                self.state.stopped_type = StoppedTrackType.TRACKING
            self.state.status_changed_at = now
            self._commit(now)
        self._notify()
        return self.tracking_state()

    def _no_check_warning(self) -> str:
        kind = self.state.kind
        if kind is TrackingStateKind.TRACKING:
            return "No activity check is running; tracking continues unchanged."
        if kind is TrackingStateKind.CLIENT_INPUT_REQUIRED:
            log = self._work_log()
            end = log.end_at(self.clock.now()) if log else None
            when = f" at {end.strftime('%H:%M:%S')} UTC" if end else ""
            return (
                f"Too late: the server already stopped the track{when}. "
                "Start tracking again to continue."
            )
        return "No track is running, so there is no activity check to answer."

    def answer_check(self, snooze: SnoozeOption | None = None) -> TrackingState:
        """`activityCheck` (snooze None) or `idleCheck/{snooze}`."""
        if self.state.kind is not TrackingStateKind.ACTIVITY_CHECK:
            return self.tracking_state(warning=self._no_check_warning())
        now = self.clock.now()
        with self._transaction():
            self.state.kind = TrackingStateKind.TRACKING
            self.state.check_started_at = None
            if snooze is None:
                self.state.next_check_at = self._next_check_from(now)
            else:
                self.state.next_check_at = snooze_until(now, snooze, self.state.time_zone)
            self.state.status_changed_at = now
            self._commit(now)
        self._notify()
        return self.tracking_state()

    def next_check_at(self) -> datetime | None:
        return self.state.next_check_at if self.state.kind is TrackingStateKind.TRACKING else None

    def adjust(self, remark: Any = UNSET, activity_type_id: Any = UNSET) -> TrackingState:
        """Changes the running track; UNSET or null leaves a field as it is, "" clears remark."""
        running = self._running_log()
        if running is None:
            return self.tracking_state(
                warning="No track is running; adjust changes only a running track."
            )
        new_remark = running.comment
        if isinstance(remark, str):
            new_remark = remark.strip() or None
        new_activity = running.activity_type_id
        if isinstance(activity_type_id, str):
            new_activity = (
                self.resolve_activity_type(activity_type_id)
                if activity_type_id.strip()
                else NOT_SET_ACTIVITY_ID
            )
        if running.tfs_id is None and new_remark is None:
            # 409, not 400: the body is valid; this track's state (no work item) refuses it.
            raise ApiProblem(
                409,
                WORK_ITEM_OR_COMMENT_REQUIRED,
                "This track has no work item, so its comment cannot be empty.",
            )
        if (new_remark, new_activity) != (running.comment, running.activity_type_id):
            now = self.clock.now()
            with self._transaction():
                running.comment, running.activity_type_id = new_remark, new_activity
                self.store.update_work_log(running)
                sel = self.state.selection
                sel.remark, sel.activity_type_id = new_remark, new_activity
                self._commit(now)
            self._notify()
        return self.tracking_state()

    def latest(self, count: int) -> LatestResult:
        now = self.clock.now()
        logs = self.store.latest_work_logs(count)
        return LatestResult(
            count=len(logs),
            work_logs=[
                LatestWorkLog(
                    id=log.id,
                    remark=log.comment,
                    start_time=log.start,
                    end_time=log.end_at(now),
                    period_length=_seconds(log.length_at(now)),
                    activity_type_id=log.activity_type_id,
                    work_item=self.org.work_item(log.tfs_id) if log.tfs_id else None,
                )
                for log in logs
            ],
        )

    # --- search ----------------------------------------------------------------------------

    def _group(self, item_id: int, recent: list[int]) -> str:
        if item_id in recent:
            return "Recently tracked"
        if self.org.work_items[item_id].assigned_to == self.org.user.name:
            return "Assigned to me"
        return "Other work items"

    def _hits(self, query: str, ids: list[int]) -> SearchResult:
        recent = self.store.tracked_work_item_ids(10)
        order = {"Recently tracked": 0, "Assigned to me": 1, "Other work items": 2}
        hits = []
        for item_id in ids:
            work_item = self.org.work_item(item_id)
            if work_item is not None:
                hits.append(SearchHit(group_name=self._group(item_id, recent), work_item=work_item))
        hits.sort(key=lambda h: (order.get(h.group_name or "", 3), h.work_item.id))
        return SearchResult(query=query, count=len(hits), work_items=hits[:50])

    def search(self, item_id: int) -> SearchResult:
        return self._hits(str(item_id), [item_id] if item_id in self.org.work_items else [])

    def search_by_query(self, query: str) -> SearchResult:
        text = query.strip().lower()
        if not text:
            recent = self.store.tracked_work_item_ids(10)
            me = self.org.user.name
            mine = [i.id for i in self.org.work_items.values() if i.assigned_to == me]
            return self._hits(query, list(dict.fromkeys([*recent, *mine])))
        digits = text.removeprefix("#")
        words = text.split()
        ids = []
        for item in self.org.work_items.values():
            haystack = f"{item.title} {item.type} {item.team_project}".lower()
            if (digits.isdigit() and str(item.id).startswith(digits)) or all(
                w in haystack for w in words
            ):
                ids.append(item.id)
        return self._hits(query, ids)

    # --- REST subset (§6) ------------------------------------------------------------------

    def rest_me(self) -> RestMe:
        user = self.org.user
        default = self.org.activity_types[self.org.default_activity_type_id]
        return RestMe(
            user=RestUser(id=user.id, name=user.name, unique_name=user.unique_name),
            time_zone=self.state.time_zone,
            default_activity_type=RestActivityTypeRef(id=default.id, name=default.name),
        )

    def rest_activity_types(self) -> RestActivityTypes:
        return RestActivityTypes(
            enabled=True,
            activity_types=list(self.org.activity_types.values()),
            system_default_activity_type_id=NOT_SET_ACTIVITY_ID,
        )

    def rest_work_log(self, log: WorkLogRow, now: datetime | None = None) -> RestWorkLog:
        now = now or self.clock.now()
        user = self.org.user
        activity = self.org.activity_types.get(log.activity_type_id)
        zone = timezone(timedelta(minutes=log.time_zone))
        return RestWorkLog(
            id=log.id,
            # REST work log times are local wall-clock times without an offset [doc].
            timestamp=log.start.astimezone(zone).replace(tzinfo=None),
            length=_seconds(log.length_at(now)),
            billable_length=None if log.billable_length is None else _seconds(log.billable_length),
            work_item_id=log.tfs_id,
            comment=log.comment,
            activity_type=RestActivityTypeRef(
                id=log.activity_type_id, name=activity.name if activity else None
            ),
            user=RestUser(id=user.id, name=user.name, unique_name=user.unique_name),
            flags=WorkLogFlags(
                is_tracked=log.is_tracked,
                is_manually_entered=not log.is_tracked,
                is_billable=bool(log.is_billable),
            ),
        )

    def rest_work_logs(
        self,
        count: int,
        skip: int,
        from_timestamp: datetime | None,
        to_timestamp: datetime | None,
    ) -> list[RestWorkLog]:
        now = self.clock.now()
        logs = self.store.work_logs(
            skip=skip,
            count=count,
            from_start=self._as_utc(from_timestamp),
            to_start=self._as_utc(to_timestamp),
        )
        return [self.rest_work_log(log, now) for log in logs]

    def _as_utc(self, moment: datetime | None, tz_minutes: int | None = None) -> datetime | None:
        """Naive REST times are wall-clock times in the user's zone."""
        if moment is None:
            return None
        if moment.tzinfo is None:
            minutes = self.state.time_zone if tz_minutes is None else tz_minutes
            moment = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
        return moment.astimezone(UTC)

    def create_work_log(
        self,
        timestamp: datetime,
        length: int,
        billable_length: int | None,
        work_item_id: int | None,
        comment: str | None,
        activity_type_id: str | None,
    ) -> RestWorkLog:
        """A manual work log; the body's own rules (required fields, ranges, a work item or a
        comment) are checked where it is bound (routes_rest.CREATE)."""
        seconds = float(length)
        comment = (comment or "").strip() or None
        if work_item_id is not None:
            self.require_work_item(work_item_id)
        activity = (
            self.resolve_activity_type(activity_type_id)
            if activity_type_id
            else self.org.default_activity_type_id
        )
        offset = timestamp.utcoffset()
        zone = self.state.time_zone if offset is None else int(offset.total_seconds() // 60)
        start = self._as_utc(timestamp)
        assert start is not None
        log = WorkLogRow(
            id=str(uuid.uuid4()),
            start=start,
            length=seconds,
            tfs_id=work_item_id,
            comment=comment,
            activity_type_id=activity,
            time_zone=zone,
            is_billable=billable_length is not None and billable_length > 0,
            billable_length=None if billable_length is None else float(max(0, billable_length)),
            is_tracked=False,
        )
        now = self.clock.now()
        with self._transaction():
            self.store.insert_work_log(log)
            self._commit(now)  # totals changed
        self._notify()
        return self.rest_work_log(log, now)

    def patch_work_log(self, log_id: str, changes: dict[str, Any]) -> RestWorkLog:
        """`changes` holds only the fields present in the PATCH body (snake_case keys)."""
        log = self.store.work_log(log_id)
        if log is None:
            raise not_found(f"Work log {log_id} does not exist.")
        if "length" in changes:
            seconds = float(changes["length"])
            if log.running:
                raise ApiProblem(
                    409,
                    WORK_LOG_RUNNING,
                    "This work log is still being tracked; stop tracking before changing "
                    "its length.",
                )
            log.length = seconds
            if log.billable_length is not None:
                log.billable_length = min(log.billable_length, seconds)
        if changes.get("timestamp") is not None:
            start = self._as_utc(changes["timestamp"], log.time_zone)
            assert start is not None
            log.start = start
        if "billable_length" in changes:
            billable = changes["billable_length"]
            log.billable_length = None if billable is None else float(max(0, billable))
            log.is_billable = bool(billable)
        if "work_item_id" in changes:
            if changes["work_item_id"] is not None:
                self.require_work_item(changes["work_item_id"])
            log.tfs_id = changes["work_item_id"]
        if "comment" in changes:
            log.comment = (changes["comment"] or "").strip() or None
        if changes.get("activity_type_id") is not None:
            log.activity_type_id = self.resolve_activity_type(changes["activity_type_id"])
        if log.tfs_id is None and log.comment is None:
            # 409, not 400: the body is valid; this work log's state makes it impossible.
            raise ApiProblem(
                409,
                WORK_ITEM_OR_COMMENT_REQUIRED,
                "A work log needs a workItemId or a comment; this one would have neither.",
            )
        now = self.clock.now()
        with self._transaction():
            self.store.update_work_log(log)
            self._commit(now)
        self._log_cache = None  # `log` was read fresh; the cached copy may be stale
        self._notify()
        return self.rest_work_log(log, now)

    def delete_work_log(self, log_id: str) -> None:
        """Deletes a closed work log; totals change, so `current` changes and is pushed."""
        log = self.store.work_log(log_id)
        if log is None:
            raise not_found(f"Work log {log_id} does not exist.")
        if log.running:
            raise ApiProblem(
                409,
                WORK_LOG_RUNNING,
                "This work log is still being tracked; stop tracking before deleting it.",
            )
        now = self.clock.now()
        with self._transaction():
            self.store.delete_work_log(log_id)
            if self.state.work_log_id == log_id:
                self.state.work_log_id = None  # `current` must not describe a deleted log
            self._commit(now)
        self._log_cache = None
        self._notify()
