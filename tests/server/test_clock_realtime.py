"""The state machine on the real clock, served by uvicorn on 127.0.0.1 (short durations).

The server's own clock task must act without any request: these tests watch the engine's
state directly while sending nothing, then confirm over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.api.models import (
    LatestResult,
    StoppedTrackType,
    TrackingState,
    TrackingStateKind,
)
from app.server.app import services_of
from app.server.runner import ServerThread
from tests.support.wait import wait_for

from .conftest import T, V, http_client

Factory = Callable[..., ServerThread]


def kind_of(server: ServerThread) -> TrackingStateKind:
    return services_of(server.app).engine.state.kind


def current(server: ServerThread) -> TrackingState:
    with http_client(server) as client:
        response = client.get(T + "current", params=V)
        assert response.status_code == 200, response.text
        return TrackingState.from_wire(response.json())


def test_check_then_auto_stop_at_the_checks_start_without_requests(
    server_factory: Factory,
) -> None:
    # A 2 s wait leaves a loaded machine time to answer the first check.
    server = server_factory(activity_check_interval=1.0, activity_check_wait=2.0)
    with http_client(server) as client:
        started = TrackingState.from_wire(
            client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201}).json()
        )
        wait_for(
            lambda: kind_of(server) is TrackingStateKind.ACTIVITY_CHECK, timeout=5, interval=0.05
        )
        checking = current(server)
        assert checking.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
        assert checking.track.activity_check is not None
        assert checking.track.activity_check.is_running
        assert 0 <= (checking.track.activity_check.seconds_left or 0) <= 2
        # Answer: tracking again, then the next check comes, unanswered this time.
        answered = TrackingState.from_wire(client.post(T + "activityCheck", params=V).json())
        assert answered.track.tracking_state is TrackingStateKind.TRACKING
        wait_for(
            lambda: kind_of(server) is TrackingStateKind.ACTIVITY_CHECK, timeout=5, interval=0.05
        )
        check_started = current(server).track.track_status_change_date
        wait_for(
            lambda: kind_of(server) is TrackingStateKind.CLIENT_INPUT_REQUIRED,
            timeout=5,
            interval=0.05,
        )
        stopped = current(server)
        assert stopped.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
        latest = LatestResult.from_wire(client.get(T + "latest", params=V).json())
        [log] = latest.work_logs
        assert log.id == started.track.work_log_id
        assert log.end_time == check_started


def test_max_track_length_stops_with_type_4(server_factory: Factory) -> None:
    server = server_factory(activity_check_interval=60.0, max_track=1.0)
    with http_client(server) as client:
        started = TrackingState.from_wire(
            client.post(T + "startTracking", params=V, json={"remark": "limit"}).json()
        )
        wait_for(
            lambda: kind_of(server) is TrackingStateKind.CLIENT_INPUT_REQUIRED,
            timeout=5,
            interval=0.05,
        )
        stopped = current(server)
        assert (
            stopped.track.stopped_track_type
            is StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED
        )
        [log] = LatestResult.from_wire(client.get(T + "latest", params=V).json()).work_logs
        assert log.start_time == started.track.current_track_started_date_time
        assert log.start_time is not None and log.end_time is not None
        assert log.end_time - log.start_time == timedelta(seconds=1)


def test_an_accelerated_clock_runs_minutes_in_seconds(server_factory: Factory) -> None:
    # 60x: a 60 s interval and a 60 s wait pass in about two real seconds.
    server = server_factory(clock_speed=60.0, activity_check_interval=60, activity_check_wait=60)
    with http_client(server) as client:
        client.post(T + "startTracking", params=V, json={"tfsId": 1203})
        wait_for(
            lambda: kind_of(server) is TrackingStateKind.CLIENT_INPUT_REQUIRED,
            timeout=8,
            interval=0.05,
        )
        [log] = LatestResult.from_wire(client.get(T + "latest", params=V).json()).work_logs
        assert log.period_length == 60


def test_a_running_track_survives_a_restart(server_factory: Factory) -> None:
    first = server_factory()
    with http_client(first) as client:
        started = TrackingState.from_wire(
            client.post(T + "startTracking", params=V, json={"timeZone": 120, "tfsId": 1206}).json()
        )
    first.stop()
    second = server_factory()
    assert second.url != "" and second.token == first.token
    after = current(second)
    assert after.track.tracking_state is TrackingStateKind.TRACKING
    assert after.track.work_log_id == started.track.work_log_id
    assert after.track.current_track_started_date_time == (
        started.track.current_track_started_date_time
    )
    assert after.track.tfs_id == 1206 and after.track.track_time_zone == 120
    assert after.timestamp >= started.timestamp


def test_a_check_that_expired_while_the_server_was_down_stops_at_its_start(
    server_factory: Factory,
) -> None:
    first = server_factory(activity_check_interval=0.5, activity_check_wait=0.5)
    with http_client(first) as client:
        started = TrackingState.from_wire(
            client.post(T + "startTracking", params=V, json={"remark": "offline"}).json()
        )
    first.stop()
    begin = started.track.current_track_started_date_time
    assert begin is not None
    # Wait (by polling the wall clock) until the check would have expired.
    wait_for(lambda: datetime.now(UTC) > begin + timedelta(seconds=1.2), timeout=5, interval=0.05)
    second = server_factory(activity_check_interval=0.5, activity_check_wait=0.5)
    after = current(second)
    assert after.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert after.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    with http_client(second) as client:
        [log] = LatestResult.from_wire(client.get(T + "latest", params=V).json()).work_logs
    assert log.end_time == begin + timedelta(seconds=0.5)


def test_stopping_the_server_closes_its_port(server_factory: Factory) -> None:
    server = server_factory()
    assert current(server).track.tracking_state is TrackingStateKind.IDLE
    server.stop()
    with pytest.raises(httpx.ConnectError), http_client(server) as client:
        client.get(T + "current", params=V)
