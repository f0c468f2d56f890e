"""7pace's wire forms, point by point (issue 11): responseState spellings, .NET date-times,
`selected` in every state, unknown body fields, numbers and names of every enum."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest

from app.server.clock import ManualClock
from tests.contract import (
    DATETIME,
    DOTNET_DATETIME,
    RESPONSE_STATES,
    STOPPED_TRACK_TYPES,
    TRACKING_STATES,
)

from .conftest import START, AppFactory, R, T, V, asgi_client, assert_error

INTERVAL, WAIT, MAX = 15 * 60, 60, 4 * 3600


async def post(client: httpx.AsyncClient, call: str, body: Any = None) -> dict[str, Any]:
    answer = await client.post(T + call, params=V, json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def current(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get(T + "current", params=V)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


# --- responseState -------------------------------------------------------------------------


async def test_response_state_ok_and_warning_as_7pace_spells_them(
    client: httpx.AsyncClient,
) -> None:
    assert (await current(client))["trackSettings"]["responseState"] == "OK"
    nothing_to_stop = await post(client, "stopTracking")
    assert nothing_to_stop["trackSettings"]["responseState"] == "Warning"
    assert nothing_to_stop["trackSettings"]["responseMessage"]


async def test_served_openapi_spells_every_enum_as_the_wire_does(
    client: httpx.AsyncClient,
) -> None:
    schemas = (await client.get("/api/openapi.json")).json()["components"]["schemas"]
    settings = schemas["TrackSettings"]["properties"]["responseState"]
    assert tuple(settings["enum"]) == RESPONSE_STATES == ("OK", "Warning", "Error", "AuthError")
    track = schemas["Track"]["properties"]
    assert tuple(track["trackingState"]["enum"]) == TRACKING_STATES
    assert track["stoppedTrackType"]["type"] == "integer"
    assert tuple(track["stoppedTrackType"]["enum"]) == STOPPED_TRACK_TYPES
    started = track["currentTrackStartedDateTime"]["anyOf"][0]
    assert started["pattern"] == DATETIME.pattern


# --- date-times ----------------------------------------------------------------------------


async def test_every_written_time_is_dotnet_form_without_offset(
    make_app: AppFactory, clock: ManualClock
) -> None:
    clock.set(START.replace(microsecond=481234))
    app = make_app(clock)
    async with asgi_client(app) as client:
        state = await post(client, "startTracking", {"timeZone": 120, "tfsId": 1201})
        clock.advance(90)
        await post(client, "stopTracking")
        latest = (await client.get(T + "latest", params=V)).json()["workLogs"][0]
        rest = (await client.get(R + "workLogs", params=V)).json()["data"][0]
    # UTC without `Z`, 7 fraction digits: what a client used against the live service parses.
    assert state["track"]["currentTrackStartedDateTime"] == "2026-09-30T10:00:00.4812340"
    assert latest["startTime"] == "2026-09-30T10:00:00.4812340"
    assert latest["endTime"] == "2026-09-30T10:01:30.4812340"
    # REST work logs: the same textual form, read as local wall-clock time (+120 min) [doc].
    assert rest["timestamp"] == "2026-09-30T12:00:00.4812340"
    for text in (state["track"]["trackStatusChangeDate"], rest["timestamp"]):
        assert DOTNET_DATETIME.match(text) and DATETIME.match(text)


# --- selected, in every state --------------------------------------------------------------


SELECTION = {"tfsId": 1202, "remark": "next", "activityTypeId": "Testing"}


def assert_describes_selection(track: dict[str, Any]) -> None:
    assert (track["tfsId"], track["remark"]) == (1202, "next")
    assert track["workItem"]["id"] == 1202
    assert track["currentTrackStartedDateTime"] is None
    assert track["currentTrackLength"] is None
    assert track["workLogId"] is None


async def test_selected_while_idle_answers_the_selection(client: httpx.AsyncClient) -> None:
    track = await post(client, "selected", SELECTION)
    assert_describes_selection(track)
    assert track["trackingState"] == "idle"
    assert track == (await current(client))["track"]


async def test_selected_while_the_server_stopped_a_track_answers_the_selection(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app = make_app(clock, activity_check_interval=INTERVAL, activity_check_wait=WAIT)
    async with asgi_client(app) as client:
        await post(client, "startTracking", {"timeZone": 60, "tfsId": 1201})
        clock.advance(INTERVAL + WAIT + 1)  # the check goes unanswered: the server stops
        stopped = (await current(client))["track"]
        assert stopped["trackingState"] == "clientInputRequired"
        track = await post(client, "selected", SELECTION)
        assert_describes_selection(track)
        # The state is still the server's stop, which the client has to react to.
        assert (track["trackingState"], track["stoppedTrackType"]) == ("clientInputRequired", 1)
        assert (await current(client))["track"] == stopped  # `current` still shows that stop
        started = await post(client, "startTracking", {"timeZone": 60})
        assert (started["track"]["tfsId"], started["track"]["remark"]) == (1202, "next")


@pytest.mark.parametrize("checking", [False, True])
async def test_selected_while_tracking_answers_the_running_track(
    make_app: AppFactory, clock: ManualClock, checking: bool
) -> None:
    app = make_app(clock, activity_check_interval=INTERVAL, activity_check_wait=WAIT)
    async with asgi_client(app) as client:
        await post(client, "startTracking", {"timeZone": 60, "tfsId": 1201, "remark": "now"})
        clock.advance(INTERVAL + 1 if checking else 60)
        track = await post(client, "selected", SELECTION)
        assert track == (await current(client))["track"]
        assert (track["tfsId"], track["remark"]) == (1201, "now")
        assert track["trackingState"] == ("activityCheck" if checking else "tracking")


# --- unknown fields ------------------------------------------------------------------------


async def test_start_with_only_unknown_fields_does_not_track_the_selection(
    client: httpx.AsyncClient,
) -> None:
    await post(client, "selected", {"tfsId": 1201})
    for body in ({"timeZone": 60, "workItem": 1202}, {"timeZone": 60, "id": 1202, "text": "x"}):
        answer = await client.post(T + "startTracking", params=V, json=body)
        error = assert_error(answer, 400, "WorkItemIdOrCommentRequired")
        assert all(name in error["message"] for name in body if name != "timeZone")
    assert (await current(client))["track"]["trackingState"] == "idle"


@pytest.mark.parametrize(
    ("call", "body", "meant"),
    [
        ("startTracking", {"timeZone": 60, "workItemId": 1201}, "tfsId"),  # VS Code extension
        ("startTracking", {"timeZone": 60, "tfsId": 1201, "comment": "c"}, "remark"),
        ("selected", {"workItemId": 1201}, "tfsId"),
        ("adjust", {"comment": "c"}, "remark"),
    ],
)
async def test_tracking_bodies_with_rest_names_are_refused(
    client: httpx.AsyncClient, call: str, body: dict[str, Any], meant: str
) -> None:
    await post(client, "startTracking", {"timeZone": 60, "remark": "running"})
    before = await current(client)
    error = assert_error(await client.post(T + call, params=V, json=body), 400, "ApiVersionError")
    assert meant in error["message"]
    assert await current(client) == before


@pytest.mark.parametrize(
    "body",
    [
        {"timestamp": "2026-09-29T08:00:00", "length": 60, "workItemId": 1201, "remark": "lost"},
        {"timestamp": "2026-09-29T08:00:00", "length": 60, "remark": "lost"},
        {"timestamp": "2026-09-29T08:00:00", "length": 60, "tfsId": 1201, "comment": "c"},
    ],
)
async def test_rest_work_logs_with_tracking_names_are_refused(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    error = assert_error(
        await client.post(R + "workLogs", params=V, json=body), 400, "ApiVersionError"
    )
    assert ("comment" if "remark" in body else "workItemId") in error["message"]
    assert (await client.get(R + "workLogs", params=V)).json()["data"] == []


async def test_a_patch_with_a_tracking_name_changes_nothing(client: httpx.AsyncClient) -> None:
    created = await client.post(
        R + "workLogs",
        params=V,
        json={"timestamp": "2026-09-29T08:00:00", "length": 60, "comment": "kept"},
    )
    log_id = created.json()["data"]["id"]
    patched = await client.patch(f"{R}workLogs/{log_id}", params=V, json={"remark": "lost"})
    assert "comment" in assert_error(patched, 400, "ApiVersionError")["message"]
    unknown_only = await client.patch(f"{R}workLogs/{log_id}", params=V, json={"note": "x"})
    assert "note" in assert_error(unknown_only, 400, "ApiVersionError")["message"]
    [log] = (await client.get(R + "workLogs", params=V)).json()["data"]
    assert log["comment"] == "kept"


async def test_unknown_fields_are_ignored_with_one_warning_per_name(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    odd, other = f"x{uuid.uuid4().hex[:8]}", f"y{uuid.uuid4().hex[:8]}"
    with caplog.at_level(logging.WARNING, logger="app.server"):
        for _ in range(3):
            started = await post(client, "startTracking", {"timeZone": 60, "tfsId": 1201, odd: 1})
            assert started["track"]["tfsId"] == 1201
        await post(client, "adjust", {"remark": "r", odd: 1, other: 2})
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [m for m in warned if odd in m and m.startswith("startTracking")] != []
    assert len([m for m in warned if odd in m and m.startswith("startTracking")]) == 1
    assert len([m for m in warned if odd in m and m.startswith("adjust")]) == 1
    assert len([m for m in warned if other in m]) == 1


async def test_field_names_bind_ignoring_case_as_json_net_does(client: httpx.AsyncClient) -> None:
    state = await post(client, "startTracking", {"TimeZone": 60, "TfsId": 1201, "REMARK": "r"})
    assert (state["track"]["tfsId"], state["track"]["remark"]) == (1201, "r")
    assert state["track"]["trackTimeZone"] == 60


# --- enums: names and numbers --------------------------------------------------------------


async def test_every_state_and_stop_type_as_the_reference_writes_them(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app = make_app(clock, activity_check_interval=INTERVAL, activity_check_wait=WAIT, max_track=MAX)
    seen: list[tuple[Any, Any]] = []
    async with asgi_client(app) as client:

        async def note() -> None:
            track = (await current(client))["track"]
            seen.append((track["trackingState"], track["stoppedTrackType"]))

        await note()
        await post(client, "startTracking", {"timeZone": 60, "tfsId": 1201})
        await note()
        clock.advance(INTERVAL + 1)
        await note()
        clock.advance(WAIT)
        await note()
        await post(client, "startTracking", {"timeZone": 60, "tfsId": 1201})
        for _ in range(MAX // INTERVAL + 1):  # answer every check until the max length stops it
            clock.advance(INTERVAL + 1)
            await client.post(T + "activityCheck", params=V)
        await note()
        await post(client, "stopTracking")
        await note()
    assert seen == [
        ("idle", 0),
        ("tracking", 0),
        ("activityCheck", 0),
        ("clientInputRequired", 1),
        ("clientInputRequired", 4),
        ("idle", 0),
    ]
    for name, number in seen:
        assert name in TRACKING_STATES
        assert type(number) is int and number in STOPPED_TRACK_TYPES
