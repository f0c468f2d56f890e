"""The client against the real local server: every call, every error class the server can
produce (faults injected through its admin endpoint), retries without sleeping."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.api.client import TrackingClient, warning_of
from app.api.errors import (
    ConnectionFailed,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
    UnauthorizedError,
)
from app.api.models import (
    NOT_SET_ACTIVITY_ID,
    RestWorkLogCreate,
    RestWorkLogPatch,
    SnoozeOption,
    StoppedTrackType,
    StopReason,
    TrackingState,
    TrackingStateKind,
)
from app.api.retry import RetryPolicy
from tests.api.conftest import (
    LOOPBACK,
    TOKEN,
    RecordingTransport,
    SleepRecorder,
    server_config,
)
from tests.support.faults import set_faults
from tests.support.wait import wait_until

DEVELOPMENT = "5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03"


async def state_of_kind(
    client: TrackingClient, kind: TrackingStateKind, seconds: float = 5.0
) -> TrackingState:
    """The server's state once it is of `kind` (its clock runs checks on its own)."""

    async def probe() -> TrackingState | None:
        state = await client.current()
        return state if state.track.tracking_state is kind else None

    return await wait_until(probe, seconds, f"the state {kind.name}", interval=0.02)


# --- every call, in-process over ASGI -----------------------------------------------------


async def test_tracking_round_trip(client: TrackingClient) -> None:
    idle = await client.current(expand=True)
    assert idle.track.tracking_state is TrackingStateKind.IDLE
    assert idle.settings is not None and idle.settings.activity_type is not None
    assert any(t.id == DEVELOPMENT for t in idle.settings.activity_type.activity_types)
    assert (await client.current()).settings == idle.settings  # expanded or not

    track = await client.selected(work_item_id=1201, remark="vault", activity_type_id=DEVELOPMENT)
    assert track.tfs_id == 1201

    started = await client.start_tracking(work_item_id=1201, remark="vault", is_billable=True)
    assert started.track.tracking_state is TrackingStateKind.TRACKING
    assert started.track.tfs_id == 1201
    assert started.track.work_item is not None and started.track.work_item.id == 1201
    assert started.timestamp > idle.timestamp

    adjusted = await client.adjust(remark="vault, part 2", activity_type_id=NOT_SET_ACTIVITY_ID)
    assert adjusted.track.remark == "vault, part 2"
    assert adjusted.timestamp > started.timestamp

    stopped = await client.stop_tracking(StopReason.USER)
    assert stopped.track.tracking_state is TrackingStateKind.IDLE
    assert stopped.track.stopped_track_type is StoppedTrackType.TRACKING

    latest = await client.latest(5)
    assert latest.count >= 1
    assert latest.work_logs[0].remark == "vault, part 2"


async def test_search_calls(client: TrackingClient) -> None:
    by_id = await client.search(1201)
    assert [hit.work_item.id for hit in by_id.work_items] == [1201]
    by_query = await client.search_by_query("checkout")
    assert by_query.count == len(by_query.work_items) > 0
    assert all(hit.work_item.title for hit in by_query.work_items)


async def test_activity_check_and_snooze(tmp_path: Path, sleeps: SleepRecorder) -> None:
    from app.server.app import create_app

    app = create_app(server_config(tmp_path, activity_check_interval=0.1))
    async with TrackingClient(
        LOOPBACK, token=TOKEN, transport=httpx.ASGITransport(app=app), sleep=sleeps
    ) as client:
        await client.start_tracking(work_item_id=1201)
        check = await state_of_kind(client, TrackingStateKind.ACTIVITY_CHECK)
        assert check.track.check_running
        answered = await client.activity_check()
        assert answered.track.tracking_state is TrackingStateKind.TRACKING
        await state_of_kind(client, TrackingStateKind.ACTIVITY_CHECK)
        snoozed = await client.idle_check(SnoozeOption.ONE_HOUR)
        assert snoozed.track.tracking_state is TrackingStateKind.TRACKING
        await asyncio.sleep(0.3)  # three intervals: a snoozed track is not asked again
        assert (await client.current()).track.tracking_state is TrackingStateKind.TRACKING


async def test_rest_calls(client: TrackingClient) -> None:
    me = await client.me()
    assert me.user is not None and me.user.name
    types = await client.activity_types()
    assert DEVELOPMENT in {t.id for t in types.activity_types}

    created = await client.create_work_log(
        RestWorkLogCreate(
            timestamp="2026-07-01T09:00:00", length=1800, work_item_id=1201, comment="manual"
        )
    )
    assert created.length == 1800 and created.work_item_id == 1201
    patched = await client.patch_work_log(created.id, RestWorkLogPatch(length=900))
    assert patched.length == 900
    logs = await client.work_logs(count=10)
    assert created.id in {log.id for log in logs}


# --- errors the server produces by itself -------------------------------------------------


async def test_wrong_token_is_unauthorized(recorder: RecordingTransport) -> None:
    async with TrackingClient(LOOPBACK, token="wrong-token-123456", transport=recorder) as c:
        with pytest.raises(UnauthorizedError) as info:
            await c.current()
    assert info.value.status == 401
    assert info.value.error_code == "UnauthorizedError"
    assert "token" in info.value.message and "wrong-token" not in info.value.message


async def test_unknown_work_item_is_not_found(client: TrackingClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.start_tracking(work_item_id=999_999)
    assert info.value.error_code == "EntityNotFound"


async def test_bad_activity_type_is_a_client_error_with_its_code(client: TrackingClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.start_tracking(work_item_id=1201, activity_type_id="no-such-activity")
    assert info.value.status == 404
    assert info.value.error_code == "EntityNotFound"
    assert info.value.server_message


async def test_unknown_work_log_patch_is_not_found(client: TrackingClient) -> None:
    with pytest.raises(NotFoundError):
        await client.patch_work_log(
            "00000000-0000-0000-0000-0000000000aa", RestWorkLogPatch(comment="x")
        )


# --- faults injected into a real server on loopback ---------------------------------------


def live_client(
    server, sleeps: SleepRecorder, **kwargs
) -> tuple[TrackingClient, RecordingTransport]:
    recorder = RecordingTransport(httpx.AsyncHTTPTransport())
    client = TrackingClient(server.url, token=server.token, transport=recorder, sleep=sleeps,
                            **kwargs)  # fmt: skip
    return client, recorder


@pytest.mark.parametrize(
    ("status", "error"), [(500, ServerError), (503, ServerError), (403, ForbiddenError)]
)
async def test_injected_status_errors(live, sleeps, status: int, error: type[Exception]) -> None:
    set_faults(live.url, live.token, error_rate=1.0, error_status=status)
    retry = RetryPolicy(max_attempts=3, base_delay=0.5, random=lambda: 0.0)
    client, recorder = live_client(live, sleeps, retry=retry)
    async with client:
        with pytest.raises(error) as info:
            await client.current()
    assert info.value.status == status
    if status >= 500:  # a read: retried with backoff, never really sleeping
        assert sleeps.delays == [0.5, 1.0]
        assert len(recorder.requests) == 3
    else:
        assert sleeps.delays == [] and len(recorder.requests) == 1


async def test_reads_recover_after_transient_errors(live, sleeps) -> None:
    set_faults(live.url, live.token, error_rate=0.5, error_status=503, seed=7)
    client, recorder = live_client(live, sleeps, retry=RetryPolicy(max_attempts=10))
    async with client:
        for _ in range(10):
            assert (await client.current()).timestamp >= 0
    assert len(recorder.requests) == 10 + len(sleeps.delays)
    assert sleeps.delays, "seeded faults must have hit at least one request"


async def test_writes_are_not_retried_on_server_errors(live, sleeps) -> None:
    set_faults(live.url, live.token, error_rate=1.0, error_status=503)
    client, recorder = live_client(live, sleeps)
    async with client:
        with pytest.raises(ServerError):
            await client.start_tracking(work_item_id=1201)
    assert len(recorder.requests) == 1 and sleeps.delays == []


async def test_rate_limit_honours_retry_after(live, sleeps) -> None:
    set_faults(live.url, live.token, rate_limit_rate=1.0, retry_after=3)
    retry = RetryPolicy(max_attempts=2, base_delay=0.1, random=lambda: 0.0)
    client, recorder = live_client(live, sleeps, retry=retry)
    async with client:
        with pytest.raises(RateLimitedError) as info:
            await client.latest()
    assert info.value.retry_after == 3.0
    assert info.value.error_code == "QuoteExceededError"
    assert sleeps.delays == [3.0]
    assert len(recorder.requests) == 2


async def test_slow_answer_is_a_timeout(live, sleeps) -> None:
    set_faults(live.url, live.token, latency=1.0)
    client, _ = live_client(live, sleeps, timeout=0.2, retry=RetryPolicy.none())
    async with client:
        with pytest.raises(RequestTimeout) as info:
            await client.current()
    assert info.value.sent is True
    assert "did not answer in time" in info.value.message


async def test_dropped_connection(live, sleeps) -> None:
    set_faults(live.url, live.token, drop_rate=1.0)
    client, recorder = live_client(live, sleeps)
    async with client:
        with pytest.raises(ConnectionFailed) as info:
            await client.current()
        assert info.value.sent is True
        assert len(recorder.requests) == 3  # a read: retried
        recorder.requests.clear()
        with pytest.raises(ConnectionFailed):
            await client.stop_tracking()
        assert len(recorder.requests) == 1  # a write that may have arrived: never resent


async def test_every_call_over_real_http(live, sleeps) -> None:
    client, recorder = live_client(live, sleeps)
    async with client:
        await client.current(expand=True)
        await client.selected(work_item_id=1201)
        await client.start_tracking(work_item_id=1201, remark="live")
        await client.adjust(remark="live 2")
        await client.latest(3)
        await client.search(1201)
        await client.search_by_query("vault")
        await client.stop_tracking(StopReason.MACHINE)
        await client.me()
        await client.activity_types()
        await client.work_logs(count=3)
    assert {r.url.path.rsplit("/", 1)[-1] for r in recorder.requests} >= {
        "current", "selected", "startTracking", "adjust", "latest", "search", "searchByQuery",
        "stopTracking", "me", "activityTypes", "workLogs",
    }  # fmt: skip


async def test_answering_a_check_that_is_not_running_is_a_warning(client: TrackingClient) -> None:
    state = await client.activity_check()
    message = warning_of(state)
    assert message and message != "The server sent a warning."
    assert warning_of(await client.current()) is None
