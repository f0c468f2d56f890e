"""The §4 state machine on a hand-driven clock (real app in-process): checks, countdown, auto-stop,
max track length, snooze targets, timestamps. Real-time runs are in test_clock_realtime.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from app.api.models import (
    LatestResult,
    ResponseState,
    StoppedTrackType,
    TrackingState,
    TrackingStateKind,
)
from app.server.app import services_of
from app.server.clock import ManualClock

from .conftest import START, AppFactory, T, V, asgi_client, assert_error

INTERVAL, WAIT, MAX = 900, 60, 4 * 3600


@pytest.fixture
async def app(make_app: AppFactory, clock: ManualClock) -> Starlette:
    return make_app(
        clock, activity_check_interval=INTERVAL, activity_check_wait=WAIT, max_track=MAX
    )


async def current(client: httpx.AsyncClient) -> TrackingState:
    return TrackingState.from_wire((await client.get(T + "current", params=V)).json())


async def post(client: httpx.AsyncClient, path: str, **kw: object) -> TrackingState:
    response = await client.post(T + path, params=V, **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return TrackingState.from_wire(response.json())


async def latest(client: httpx.AsyncClient) -> LatestResult:
    return LatestResult.from_wire((await client.get(T + "latest", params=V)).json())


async def test_activity_check_starts_after_the_interval(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1201})
    clock.advance(INTERVAL - 1)
    assert (await current(client)).track.tracking_state is TrackingStateKind.TRACKING
    clock.advance(1)
    checking = await current(client)
    assert checking.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
    assert checking.track.activity_check is not None
    assert checking.track.activity_check.is_running
    assert checking.track.activity_check.seconds_left == WAIT
    assert checking.track.track_status_change_date == START + timedelta(seconds=INTERVAL)
    clock.advance(20)
    assert (await current(client)).track.activity_check.seconds_left == WAIT - 20  # type: ignore[union-attr]


async def test_answering_restarts_the_interval(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1201})
    clock.advance(INTERVAL + 30)
    answered = await post(client, "activityCheck")
    assert answered.track.tracking_state is TrackingStateKind.TRACKING
    assert answered.track.activity_check is None
    assert answered.track.current_track_length == INTERVAL + 30  # the track went on
    clock.advance(INTERVAL - 1)
    assert (await current(client)).track.tracking_state is TrackingStateKind.TRACKING
    clock.advance(1)
    assert (await current(client)).track.tracking_state is TrackingStateKind.ACTIVITY_CHECK


async def test_no_answer_stops_the_track_at_the_moment_the_check_started(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    started = await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1201})
    clock.advance(INTERVAL + WAIT)
    stopped = await current(client)
    assert stopped.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert stopped.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    assert stopped.track.work_log_id == started.track.work_log_id
    assert stopped.track.current_track_length == INTERVAL
    [log] = (await latest(client)).work_logs
    assert log.end_time == START + timedelta(seconds=INTERVAL)
    assert log.period_length == INTERVAL
    # Answering now is too late: a soft warning, the track stays stopped.
    late = await post(client, "activityCheck")
    assert late.track_settings.response_state is ResponseState.WARNING
    assert "Too late" in (late.track_settings.response_message or "")
    assert late.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    # Stop acknowledges: back to idle with stoppedTrackType 0.
    idle = await post(client, "stopTracking")
    assert idle.track.tracking_state is TrackingStateKind.IDLE
    assert idle.track.stopped_track_type is StoppedTrackType.TRACKING


async def test_a_long_silence_is_replayed_in_order(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    """No request for hours: the first request sees the auto-stop at the first check."""
    await post(client, "startTracking", json={"timeZone": 60, "remark": "away"})
    clock.advance(3 * 3600)
    state = await current(client)
    assert state.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    assert state.track.current_track_length == INTERVAL


async def test_max_single_track_length_stops_at_the_limit(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1209})
    for _ in range(MAX // INTERVAL - 1):  # answer every check
        clock.advance(INTERVAL)
        assert (await current(client)).track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
        await post(client, "activityCheck")
    clock.advance(INTERVAL + 5)
    stopped = await current(client)
    assert stopped.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert (
        stopped.track.stopped_track_type
        is StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED
    )
    [log] = (await latest(client)).work_logs
    assert log.period_length == MAX
    assert log.end_time == START + timedelta(seconds=MAX)


async def test_answering_when_no_check_runs_is_a_soft_warning(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    idle = await post(client, "activityCheck")
    assert idle.track_settings.response_state is ResponseState.WARNING
    await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1201})
    before = await current(client)
    for path in ("activityCheck", "idleCheck/0"):
        answer = await post(client, path)
        assert answer.track_settings.response_state is ResponseState.WARNING
        assert "No activity check is running" in (answer.track_settings.response_message or "")
        assert answer.timestamp == before.timestamp
    clock.advance(INTERVAL)  # the interval was not restarted by those calls
    assert (await current(client)).track.tracking_state is TrackingStateKind.ACTIVITY_CHECK


@pytest.mark.parametrize(
    ("form", "next_check"),
    [
        # Started Wednesday 10:00 UTC in UTC+1; check at 10:15 UTC, answered at 10:15:10.
        ("idleCheck/0", datetime(2026, 9, 30, 11, 15, 10, tzinfo=UTC)),
        ("idleCheck?selectedOption=0", datetime(2026, 9, 30, 11, 15, 10, tzinfo=UTC)),
        ("idleCheck/1", datetime(2026, 10, 1, 7, 0, tzinfo=UTC)),  # tomorrow 08:00 local
        ("idleCheck?selectedOption=1", datetime(2026, 10, 1, 7, 0, tzinfo=UTC)),
        ("idleCheck/2", datetime(2026, 10, 5, 7, 0, tzinfo=UTC)),  # next Monday 08:00 local
        ("idleCheck?selectedOption=2", datetime(2026, 10, 5, 7, 0, tzinfo=UTC)),
    ],
)
async def test_idle_check_answers_and_snoozes(
    make_app: AppFactory, clock: ManualClock, form: str, next_check: datetime
) -> None:
    # No max track length: the snooze may run for days.
    app = make_app(clock, activity_check_interval=INTERVAL, activity_check_wait=WAIT, max_track=0)
    async with asgi_client(app) as client:
        await post(client, "startTracking", json={"timeZone": 60, "tfsId": 1201})
        clock.advance(INTERVAL + 10)
        sep = "&" if "?" in form else "?"
        response = await client.post(f"{T}{form}{sep}api-version=3.2")
        snoozed = TrackingState.from_wire(response.json())
        assert snoozed.track.tracking_state is TrackingStateKind.TRACKING
        assert snoozed.track_settings.response_state is ResponseState.OK
        assert services_of(app).engine.next_check_at() == next_check
        clock.set(next_check - timedelta(seconds=1))
        assert (await current(client)).track.tracking_state is TrackingStateKind.TRACKING
        clock.set(next_check)
        checking = await current(client)
        assert checking.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
        assert checking.track.track_status_change_date == next_check


@pytest.mark.parametrize("form", ["idleCheck/3", "idleCheck/x", "idleCheck", "idleCheck/-1"])
async def test_idle_check_rejects_bad_options(client: httpx.AsyncClient, form: str) -> None:
    assert_error(await client.post(T + form, params=V), 400, "ApiVersionError")


async def test_timestamp_increases_on_every_change(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    seen = [(await current(client)).timestamp]

    async def record(state: TrackingState) -> None:
        assert state.timestamp > seen[-1], (state.timestamp, seen)
        seen.append(state.timestamp)

    await record(await post(client, "startTracking", json={"timeZone": 0, "tfsId": 1201}))
    await record(await post(client, "adjust", json={"remark": "changed"}))
    clock.advance(INTERVAL)
    await record(await current(client))  # clock-driven: the check started
    await record(await post(client, "activityCheck"))
    await record(await post(client, "startTracking", json={"timeZone": 0, "tfsId": 1202}))
    clock.advance(INTERVAL + WAIT)
    await record(await current(client))  # clock-driven: the check expired
    await record(await post(client, "stopTracking"))
    # A read without a change keeps the timestamp.
    assert (await current(client)).timestamp == seen[-1]


async def test_stop_during_a_check_closes_the_track_now(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await post(client, "startTracking", json={"timeZone": 0, "tfsId": 1201})
    clock.advance(INTERVAL + 5)
    stopped = await post(client, "stopTracking/1")
    assert stopped.track.tracking_state is TrackingStateKind.IDLE
    [log] = (await latest(client)).work_logs
    assert log.period_length == INTERVAL + 5


async def test_totals_of_today_cover_only_today(make_app: AppFactory, clock: ManualClock) -> None:
    # Two hours before midnight UTC (time zone 0), a track runs 3 h across midnight.
    clock.set(datetime(2026, 9, 30, 22, 0, tzinfo=UTC))
    app = make_app(clock, activity_check_interval=0, max_track=0)  # checks disabled
    async with asgi_client(app) as client:
        await post(client, "startTracking", json={"timeZone": 0, "tfsId": 1201})
        clock.advance(3 * 3600)
        state = await current(client)
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.current_track_length == 3 * 3600
    assert state.track.total_me_today_length == 3600
    assert state.track.total_me_length == 3 * 3600
