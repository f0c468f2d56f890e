"""Contract tests: the exact wire form of every request (method, path, query, headers, body
bytes), recorded on its way into the real server's ASGI app, which must also accept it."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.api.client import TrackingClient
from app.api.models import (
    RestWorkLogCreate,
    RestWorkLogPatch,
    SnoozeOption,
    StopReason,
    TrackingStateKind,
)
from tests import contract
from tests.api.conftest import LOOPBACK, TOKEN, RecordingTransport, SleepRecorder, server_config

SUMMER = datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))
WINTER = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))
T = "/api/tracking/client/"
V = "api-version=3.2"
JSON = "application/json"

Call = Callable[[TrackingClient], Awaitable[Any]]


async def start(c: TrackingClient) -> Any:
    return await c.start_tracking(work_item_id=1201, remark="setup")


async def in_activity_check(c: TrackingClient) -> None:
    await start(c)
    deadline = time.monotonic() + 5
    while (await c.current()).track.tracking_state is not TrackingStateKind.ACTIVITY_CHECK:
        assert time.monotonic() < deadline, "the server never started an activity check"
        await asyncio.sleep(0.02)


async def first_work_log_id(c: TrackingClient) -> str:
    await start(c)
    await c.stop_tracking()
    return (await c.work_logs(count=1))[0].id


# (name, set-up, call, method, target, body or None for "empty, no Content-Type")
CASES: list[tuple[str, Call | None, Callable[..., Awaitable[Any]], str, str, bytes | None]] = [
    ("current", None, lambda c: c.current(), "GET", f"{T}current?{V}", None),
    (
        "current_expand",
        None,
        lambda c: c.current(expand=True),
        "GET",
        f"{T}current?$expand=true&{V}",
        None,
    ),
    (
        "selected",
        None,
        lambda c: c.selected(work_item_id=1201, remark="Vault client"),
        "POST",
        f"{T}selected?{V}",
        b'{"tfsId":1201,"remark":"Vault client"}',
    ),
    (
        "selected_all",
        None,
        lambda c: c.selected(
            work_item_id=1201,
            remark="r",
            activity_type_id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03",
            calculate_totals=True,
        ),
        "POST",
        f"{T}selected?{V}",
        b'{"tfsId":1201,"remark":"r","activityTypeId":"5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03",'
        b'"calculateTotals":true}',
    ),
    ("latest", None, lambda c: c.latest(), "GET", f"{T}latest?{V}", None),
    ("latest_count", None, lambda c: c.latest(5), "GET", f"{T}latest?$count=5&{V}", None),
    (
        "start",
        None,
        lambda c: c.start_tracking(work_item_id=1201, remark="Fix ünïcode", is_billable=True),
        "POST",
        f"{T}startTracking?{V}",
        '{"timeZone":120,"tfsId":1201,"remark":"Fix ünïcode","isBillable":true}'.encode(),
    ),
    (
        "start_remark_only",
        None,
        lambda c: c.start_tracking(remark="Standup"),
        "POST",
        f"{T}startTracking?{V}",
        b'{"timeZone":120,"remark":"Standup"}',
    ),
    ("stop", start, lambda c: c.stop_tracking(), "POST", f"{T}stopTracking?{V}", None),
    (
        "stop_machine",
        start,
        lambda c: c.stop_tracking(StopReason.MACHINE),
        "POST",
        f"{T}stopTracking?$reason=1&{V}",
        None,
    ),
    (
        "stop_user",
        start,
        lambda c: c.stop_tracking(StopReason.USER),
        "POST",
        f"{T}stopTracking?$reason=0&{V}",
        None,
    ),
    (
        "idle_check",
        in_activity_check,
        lambda c: c.idle_check(SnoozeOption.TOMORROW),
        "POST",
        f"{T}idleCheck/1?{V}",
        None,
    ),
    (
        "activity_check",
        in_activity_check,
        lambda c: c.activity_check(),
        "POST",
        f"{T}activityCheck?{V}",
        None,
    ),
    (
        "adjust",
        start,
        lambda c: c.adjust(remark="Pairing"),
        "POST",
        f"{T}adjust?{V}",
        b'{"remark":"Pairing"}',
    ),
    ("search", None, lambda c: c.search(1201), "POST", f"{T}search?{V}", b"1201"),
    (
        "search_by_query",
        None,
        lambda c: c.search_by_query("card vault"),
        "POST",
        f"{T}searchByQuery?{V}",
        b'{"query":"card vault"}',
    ),
    ("me", None, lambda c: c.me(), "GET", f"/api/rest/me?{V}", None),
    (
        "activity_types",
        None,
        lambda c: c.activity_types(),
        "GET",
        f"/api/rest/activityTypes?{V}",
        None,
    ),
    (
        "work_logs",
        None,
        lambda c: c.work_logs(
            count=5,
            skip=0,
            from_timestamp=datetime(2026, 7, 1, 0, 0),
            to_timestamp=datetime(2026, 7, 2, 0, 0),
        ),
        "GET",
        "/api/rest/workLogs?$count=5&$skip=0&$fromTimestamp=2026-07-01T00%3A00%3A00.000"
        f"&$toTimestamp=2026-07-02T00%3A00%3A00.000&{V}",
        None,
    ),
    (
        "create_work_log",
        None,
        lambda c: c.create_work_log(
            RestWorkLogCreate(
                timestamp=datetime(2026, 7, 1, 9, 0), length=1800, work_item_id=1201, comment="c"
            )
        ),
        "POST",
        f"/api/rest/workLogs?{V}",
        b'{"timestamp":"2026-07-01T09:00:00.000","length":1800,"workItemId":1201,"comment":"c"}',
    ),
]


def made_client(transport: httpx.AsyncBaseTransport, now: Callable[[], datetime]) -> TrackingClient:
    return TrackingClient(
        LOOPBACK, token=TOKEN, transport=transport, sleep=SleepRecorder(), now=now
    )


@pytest.mark.parametrize(
    ("name", "setup", "call", "method", "target", "body"), CASES, ids=[c[0] for c in CASES]
)
async def test_wire_form(
    tmp_path: Path,
    name: str,
    setup: Call | None,
    call: Call,
    method: str,
    target: str,
    body: bytes | None,
) -> None:
    from app.server.app import create_app

    app = create_app(server_config(tmp_path, activity_check_interval=0.05))
    recorder = RecordingTransport(httpx.ASGITransport(app=app))
    async with made_client(recorder, lambda: SUMMER) as client:
        if setup is not None:
            await setup(client)
        recorder.requests.clear()
        result = await call(client)  # the real server accepted it: no exception
    assert result is not None
    [request] = recorder.requests
    assert request.method == method
    assert request.url.raw_path.decode() == target
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == JSON
    assert request.headers["user-agent"].startswith("pacetray/")
    if body is None:
        assert request.content == b""
        assert "content-type" not in request.headers
        if method == "POST":
            assert request.headers["content-length"] == "0"
    else:
        assert request.content == body
        assert request.headers["content-type"] == JSON
        assert request.headers["content-length"] == str(len(body))


def form_key(method: str, target: str) -> tuple[str, str, frozenset[str]]:
    """A request's form: method, path with its path argument generalised, query names."""
    url = httpx.URL(target)
    path = re.sub(r"/(\d+|true|false|[0-9a-fA-F-]{36}|\{work_log_id\})$", "/{arg}", url.path)
    return method, path, frozenset(name for name, _ in url.params.multi_items())


ACCEPTED = {form_key(c.method, f.target) for c in contract.CALLS.values() for f in c.forms}


@pytest.mark.parametrize(("name", "method", "target"), [(c[0], c[3], c[4]) for c in CASES])
def test_every_form_the_client_sends_is_in_the_contract(name: str, method: str, target: str):
    # tests/contract.py lists what the server must accept; the client sends nothing else.
    assert form_key(method, target) in ACCEPTED


async def test_patch_work_log_wire_form(client: TrackingClient, recorder: RecordingTransport):
    log_id = await first_work_log_id(client)
    recorder.requests.clear()
    patched = await client.patch_work_log(log_id, RestWorkLogPatch(length=60, comment="trimmed"))
    assert patched.length == 60 and patched.comment == "trimmed"
    [request] = recorder.requests
    assert request.method == "PATCH"
    assert request.url.raw_path.decode() == f"/api/rest/workLogs/{log_id}?{V}"
    assert request.content == b'{"length":60,"comment":"trimmed"}'
    assert request.headers["content-type"] == JSON


async def test_delete_work_log_wire_form(client: TrackingClient, recorder: RecordingTransport):
    log_id = await first_work_log_id(client)
    recorder.requests.clear()
    await client.delete_work_log(log_id)
    [request] = recorder.requests
    assert request.method == "DELETE"
    target = request.url.raw_path.decode()
    assert target == f"/api/rest/workLogs/{log_id}?{V}"
    assert form_key("DELETE", target) in ACCEPTED
    assert request.content == b""
    assert "content-type" not in request.headers
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


async def test_time_zone_is_computed_at_each_call(tmp_path: Path) -> None:
    from app.server.app import create_app

    moments = iter([SUMMER, WINTER, datetime(2026, 7, 1, tzinfo=ZoneInfo("Asia/Kolkata"))])
    recorder = RecordingTransport(httpx.ASGITransport(app=create_app(server_config(tmp_path))))
    async with made_client(recorder, lambda: next(moments)) as client:
        for _ in range(3):
            await client.start_tracking(work_item_id=1201)
    assert [r.content for r in recorder.requests] == [
        b'{"timeZone":120,"tfsId":1201}',
        b'{"timeZone":60,"tfsId":1201}',
        b'{"timeZone":330,"tfsId":1201}',
    ]


async def test_base_url_path_prefix_is_kept(tmp_path: Path) -> None:
    """On-premises style `…/api/{Collection}` base: every call goes below the prefix (a
    prefix-stripping proxy in front of the real app stands for the on-premises router)."""
    from app.server.app import create_app

    inner = httpx.ASGITransport(app=create_app(server_config(tmp_path)))
    seen: list[str] = []

    class StripPrefix(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raw = request.url.raw_path.decode()
            seen.append(raw)
            assert raw.startswith("/tt/api/DefaultCollection/api/")
            stripped = raw.removeprefix("/tt/api/DefaultCollection")
            request.url = request.url.copy_with(raw_path=stripped.encode())
            return await inner.handle_async_request(request)

    async with TrackingClient(
        "http://127.0.0.1/tt/api/DefaultCollection/", token=TOKEN, transport=StripPrefix()
    ) as client:
        state = await client.current()
        await client.me()
    assert state.timestamp >= 0
    assert seen == [
        f"/tt/api/DefaultCollection{T}current?{V}",
        f"/tt/api/DefaultCollection/api/rest/me?{V}",
    ]
