"""Faults the local server cannot produce, on httpx.MockTransport: HTTP-date Retry-After,
`{"data": …}` envelopes on tracking calls, garbage answers, soft errors and warnings in a 200,
redirects, odd error bodies. Plus a refused connection on a real closed loopback port."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.api.client import TrackingClient, utc_offset_minutes, warning_of
from app.api.errors import (
    ClientRequestError,
    ConnectionFailed,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SoftError,
)
from app.api.models import RestWorkLogCreate, RestWorkLogPatch, SnoozeOption, TrackingStateKind
from app.api.retry import RetryPolicy
from tests.api.conftest import SleepRecorder, json_response, mock_client

STATE = {
    "track": {"tfsId": 7, "trackingState": "tracking", "remark": "x"},
    "trackSettings": {"isTrackingStartAllowed": True, "responseState": "OK"},
    "timestamp": 5,
}


async def test_rate_limit_with_http_date_retry_after_is_waited_out(sleeps) -> None:
    now = datetime(2026, 11, 28, 1, 0, 0, tzinfo=UTC)
    answers = [
        httpx.Response(
            429,
            json={"error": {"statusCode": 429, "errorCode": "QuoteExceededError"}},
            headers={"Retry-After": "Sat, 28 Nov 2026 01:00:42 GMT"},
        ),
        httpx.Response(200, json=STATE),
    ]
    client = mock_client(lambda r: answers.pop(0), sleeps, now=lambda: now)
    async with client:
        state = await client.current()
    assert state.track.tfs_id == 7
    assert sleeps.delays == [42.0]


async def test_rate_limit_error_carries_retry_after_from_date(sleeps) -> None:
    now = datetime(2026, 11, 28, 1, 0, 0, tzinfo=UTC)
    handler = json_response(
        429,
        {"error": {"statusCode": 429, "errorCode": "QuoteExceededError", "message": "quota"}},
        {"Retry-After": "Sat, 28 Nov 2026 01:05:00 GMT"},
    )
    async with mock_client(handler, sleeps, now=lambda: now) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.current()
    # 300 s is longer than the 2-minute cap: no blocking retry, the caller gets the figure.
    assert sleeps.delays == []
    assert info.value.retry_after == 300.0
    assert info.value.error_code == "QuoteExceededError"
    assert "wait 300 s" in info.value.message


@pytest.mark.parametrize(
    ("call", "payload", "check"),
    [
        (lambda c: c.current(), STATE, lambda r: r.track.tfs_id == 7),
        (lambda c: c.stop_tracking(), STATE, lambda r: r.timestamp == 5),
        (lambda c: c.selected(work_item_id=7), STATE["track"], lambda r: r.tfs_id == 7),
        (lambda c: c.selected(work_item_id=7), STATE, lambda r: r.remark == "x"),
        (lambda c: c.latest(), {"count": 1, "workLogs": [{"id": "a"}]}, lambda r: r.count == 1),
        (lambda c: c.me(), {"user": {"id": "u", "name": "Dana"}}, lambda r: r.user.name == "Dana"),
        (
            lambda c: c.work_logs(),
            [{"id": "w", "timestamp": "2026-07-01T09:00:00", "length": 60}],
            lambda r: r[0].length == 60,
        ),
        (
            lambda c: c.search(7),
            {"query": "7", "count": 1, "workItems": [{"workItem": {"id": 7}}]},
            lambda r: r.work_items[0].work_item.id == 7,
        ),
    ],
)
async def test_bare_and_enveloped_answers_alike(call, payload, check) -> None:
    async with mock_client(json_response(200, {"data": payload})) as client:
        assert check(await call(client))
    async with mock_client(json_response(200, payload)) as client:
        assert check(await call(client))


STATE_CALLS = [
    lambda c: c.current(expand=True),
    lambda c: c.start_tracking(work_item_id=7),
    lambda c: c.stop_tracking(),
    lambda c: c.idle_check(SnoozeOption.NEXT_MONDAY),
    lambda c: c.activity_check(),
    lambda c: c.adjust(remark="x"),
]
WORK_LOG = {"id": "w", "timestamp": "2026-07-01T09:00:00", "length": 60}


@pytest.mark.parametrize("call", STATE_CALLS, ids=lambda c: c.__code__.co_names[-1])
async def test_every_state_call_takes_both_envelopes(call) -> None:
    for payload in (STATE, {"data": STATE}):
        async with mock_client(json_response(200, payload)) as client:
            state = await call(client)
        assert state.track.tfs_id == 7 and state.timestamp == 5


@pytest.mark.parametrize(
    ("call", "payload", "check"),
    [
        (
            lambda c: c.search_by_query("x"),
            {"count": 1, "workItems": [{"workItem": {"id": 7}}]},
            lambda r: r.count == 1,
        ),
        (
            lambda c: c.activity_types(),
            {"activityTypes": [{"id": "a", "name": "Dev"}]},
            lambda r: r.activity_types[0].name == "Dev",
        ),
        (
            lambda c: c.create_work_log(
                RestWorkLogCreate(timestamp=WORK_LOG["timestamp"], length=60)
            ),
            WORK_LOG,
            lambda r: r.id == "w",
        ),
        (
            lambda c: c.patch_work_log("w", RestWorkLogPatch(length=60)),
            WORK_LOG,
            lambda r: r.length == 60,
        ),
    ],
)
async def test_other_calls_take_both_envelopes(call, payload, check) -> None:
    for answer in (payload, {"data": payload}):
        async with mock_client(json_response(200, answer)) as client:
            assert check(await call(client))


@pytest.mark.parametrize(
    "body",
    [
        b"<html>login</html>",
        b"",
        b'{"track": ',
        b"\xff\xfe\x00",
        b'{"track": {"trackingState": 9}}',
    ],
)
async def test_garbage_answers_are_protocol_errors(body: bytes) -> None:
    handler = lambda r: httpx.Response(200, content=body)  # noqa: E731
    async with mock_client(handler) as client:
        with pytest.raises(ProtocolError) as info:
            await client.current()
    assert "check the server address" in info.value.message.lower()


@pytest.mark.parametrize(
    ("state", "advice"),
    [
        ("Error", "Nothing was changed"),
        (2, "Nothing"),
        ("AuthError", "sign-in"),
        ("authError", "sign-in"),
    ],
)
async def test_soft_errors_in_a_200_are_raised(state: object, advice: str) -> None:
    payload = json.loads(json.dumps(STATE))
    payload["trackSettings"] = {"responseState": state, "responseMessage": "No work item given"}
    async with mock_client(json_response(200, payload)) as client:
        with pytest.raises(SoftError) as info:
            await client.start_tracking(remark="x")
    assert "No work item given" in info.value.message
    assert advice in info.value.message
    assert info.value.state.track.tracking_state is TrackingStateKind.TRACKING


async def test_soft_error_in_an_enveloped_selected_answer() -> None:
    payload = {**STATE, "trackSettings": {"responseState": "Error"}}
    async with mock_client(json_response(200, {"data": payload})) as client:
        with pytest.raises(SoftError) as info:
            await client.selected(work_item_id=1)
    assert "Error" in info.value.message


async def test_a_warning_is_returned_with_its_message() -> None:
    payload = {**STATE, "trackSettings": {"responseState": "Warning", "responseMessage": "Late"}}
    async with mock_client(json_response(200, payload)) as client:
        state = await client.current()
    assert warning_of(state) == "Late"
    payload["trackSettings"] = {"responseState": 1}
    async with mock_client(json_response(200, payload)) as client:
        assert warning_of(await client.current()) == "The server sent a warning."
    async with mock_client(json_response(200, STATE)) as client:
        assert warning_of(await client.current()) is None


@pytest.mark.parametrize("status", [301, 302, 307])
async def test_redirects_are_not_followed(status: int) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"Location": "https://login.example.com/"})

    async with mock_client(handler) as client:
        with pytest.raises(ProtocolError) as info:
            await client.current()
    assert len(seen) == 1
    assert "redirect" in info.value.message


async def test_error_body_that_is_not_json_still_maps_by_status() -> None:
    handler = lambda r: httpx.Response(418, content=b"<html>teapot</html>")  # noqa: E731
    async with mock_client(handler) as client:
        with pytest.raises(ClientRequestError) as info:
            await client.current()
    assert info.value.status == 418 and info.value.error_code is None
    assert "418" in info.value.message


async def test_enveloped_error_body_fields_are_read() -> None:
    body = {"error": {"statusCode": 503, "errorCode": "UnexpectedError",
                      "errorDescription": "maintenance window"}}  # fmt: skip
    async with mock_client(json_response(503, body), retry=RetryPolicy.none()) as client:
        with pytest.raises(ServerError) as info:
            await client.current()
    assert info.value.error_code == "UnexpectedError"
    assert "maintenance window" in info.value.message


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_connection_is_retried_even_for_writes() -> None:
    # The request never left: sending it again cannot double a start.
    sleeps = SleepRecorder()
    port = closed_port()
    retry = RetryPolicy(max_attempts=3, base_delay=0.25, random=lambda: 0.0)
    async with TrackingClient(f"http://127.0.0.1:{port}", token="refused-token-1", retry=retry,
                              sleep=sleeps) as client:  # fmt: skip
        with pytest.raises(ConnectionFailed) as info:
            await client.start_tracking(work_item_id=1)
    assert sleeps.delays == [0.25, 0.5]
    assert info.value.sent is False
    assert f"127.0.0.1:{port}" in info.value.message
    assert "server is running" in info.value.message


@pytest.mark.parametrize(
    ("when", "minutes"),
    [
        (datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Europe/Brussels")), 120),
        (datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("Europe/Brussels")), 60),
        (datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("America/St_Johns")), -150),
        (datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Asia/Kolkata")), 330),
        (datetime(2026, 7, 1, 12, tzinfo=UTC), 0),
    ],
)
def test_utc_offset_minutes_is_east_positive_and_dst_aware(when: datetime, minutes: int) -> None:
    assert utc_offset_minutes(when) == minutes
