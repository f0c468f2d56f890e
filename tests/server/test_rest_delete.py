"""Issue 15: editing and deleting work logs over REST (DELETE workLogs/{id}, and every field a
wrong or overlapping log may need changed through PATCH)."""

from __future__ import annotations

import json
from datetime import datetime

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from starlette.applications import Starlette

from app.api.models import RestWorkLog, TrackingState, TrackingStateKind
from app.server.clock import ManualClock

from .conftest import TOKEN, AppFactory, R, T, V, assert_error
from .hubkit import HUB, RS
from .test_hub_inprocess import records
from .test_rest import create, data, logs

TESTING = "5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a07"  # the demo org's "Testing" activity type


async def manual_log(client: httpx.AsyncClient, **body: object) -> RestWorkLog:
    fields = {"timestamp": "2026-09-30T08:00:00", "length": 1800, "workItemId": 1201, **body}
    return RestWorkLog.from_wire(data(await create(client, **fields)))


async def current(client: httpx.AsyncClient) -> TrackingState:
    answer = await client.get(T + "current", params=V)
    assert answer.status_code == 200, answer.text
    return TrackingState.from_wire(answer.json())


async def tracked_log(client: httpx.AsyncClient, clock: ManualClock) -> str:
    """A tracked work log of 90 s, stopped by the user."""
    started = await client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201})
    log_id = TrackingState.from_wire(started.json()).track.work_log_id
    assert log_id is not None
    clock.advance(90)
    stopped = TrackingState.from_wire((await client.post(T + "stopTracking", params=V)).json())
    assert stopped.track.tracking_state is TrackingStateKind.IDLE
    return log_id


async def test_deleting_a_closed_work_log(client: httpx.AsyncClient, clock: ManualClock) -> None:
    kept = await manual_log(client, comment="kept")
    log_id = await tracked_log(client, clock)
    before = await current(client)
    assert before.track.total_me_length == 1800 + 90

    answer = await client.delete(f"{R}workLogs/{log_id}", params=V)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": None}
    assert [log.id for log in await logs(client)] == [kept.id]
    after = await current(client)
    assert after.track.total_me_length == 1800  # the totals no longer count it
    assert after.timestamp > before.timestamp
    again = await client.delete(f"{R}workLogs/{log_id}", params=V)
    assert_error(again, 404, "EntityNotFound")


async def test_unknown_ids_are_not_found(client: httpx.AsyncClient) -> None:
    kept = await manual_log(client)
    for log_id in ("00000000-0000-0000-0000-000000000001", "not-a-guid", "1201"):
        answer = await client.delete(f"{R}workLogs/{log_id}", params=V)
        assert_error(answer, 404, "EntityNotFound")
    assert [log.id for log in await logs(client)] == [kept.id]


async def test_ids_are_read_ignoring_case(client: httpx.AsyncClient) -> None:
    created = await manual_log(client)
    answer = await client.delete(f"{R}workLogs/{created.id.upper()}", params=V)
    assert answer.status_code == 200, answer.text
    assert await logs(client) == []


async def test_a_running_work_log_is_refused(client: httpx.AsyncClient) -> None:
    started = TrackingState.from_wire(
        (
            await client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201})
        ).json()
    )
    log_id = started.track.work_log_id
    answer = await client.delete(f"{R}workLogs/{log_id}", params=V)
    assert_error(answer, 409, "WorkLogIsRunning")
    assert "stop tracking" in answer.json()["error"]["message"]
    assert [log.id for log in await logs(client)] == [log_id]
    still = await current(client)
    assert still.track.tracking_state is TrackingStateKind.TRACKING
    assert still.track.work_log_id == log_id
    assert still.timestamp == started.timestamp  # nothing changed


async def test_the_api_version_is_required(client: httpx.AsyncClient) -> None:
    created = await manual_log(client)
    assert_error(await client.delete(f"{R}workLogs/{created.id}"), 400, "ApiVersionError")
    assert [log.id for log in await logs(client)] == [created.id]


async def test_deleting_the_log_of_a_track_the_server_stopped(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201})
    clock.advance(15 * 60 + 1)  # an activity check starts ...
    clock.advance(10 * 60)  # ... and expires: the server stops the track
    stopped = await current(client)
    assert stopped.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert stopped.track.work_log_id is not None

    answer = await client.delete(f"{R}workLogs/{stopped.track.work_log_id}", params=V)

    assert answer.status_code == 200, answer.text
    after = await current(client)
    # The state still asks the client to react, but describes no work log that is gone.
    assert after.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert after.track.work_log_id is None
    assert after.track.current_track_started_date_time is None
    acknowledged = TrackingState.from_wire((await client.post(T + "stopTracking", params=V)).json())
    assert acknowledged.track.tracking_state is TrackingStateKind.IDLE


async def test_the_hub_pushes_the_change(make_app: AppFactory, clock: ManualClock) -> None:
    app: Starlette = make_app(clock)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=ASGIWebSocketTransport(app=app), base_url="http://server.test", headers=headers
    ) as http:
        log_id = await tracked_log(http, clock)
        negotiated = await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})
        token = negotiated.json()["connectionToken"]
        async with aconnect_ws(f"{HUB}?id={token}", http) as ws:
            await ws.send_text('{"protocol":"json","version":1}' + RS)
            assert await records(ws, 1) == [{}]
            deleted = await http.delete(f"{R}workLogs/{log_id}", params=V)
            assert deleted.status_code == 200, deleted.text
            [pushed] = await records(ws, 1)
            answered = (await http.get(T + "current", params=V)).json()
    assert pushed["target"] == "trackingStateChanged"
    assert pushed["arguments"][0]["timestamp"] == answered["timestamp"]
    assert pushed["arguments"][0]["track"]["totalMeLength"] == 0


async def test_patch_edits_every_field_issue_15_names(client: httpx.AsyncClient) -> None:
    created = await manual_log(client, billableLength=1800)
    assert created.flags.is_billable
    url = f"{R}workLogs/{created.id}"
    body = {
        "timestamp": "2026-09-30T07:30:00",  # the start
        "length": 2700,  # the end, 08:15
        "comment": "overlap fixed",
        "activityTypeId": TESTING,
        "billableLength": 0,  # not billable
    }
    edited = RestWorkLog.from_wire(data(await client.patch(url, params=V, json=body)))
    assert edited.timestamp == datetime(2026, 9, 30, 7, 30)
    assert (edited.length, edited.comment) == (2700, "overlap fixed")
    assert edited.activity_type is not None and edited.activity_type.id == TESTING
    assert edited.billable_length == 0 and not edited.flags.is_billable
    assert await logs(client) == [edited]
    # Absent fields stay as they are; the activity type by name, as 7pace's example sends it.
    named = RestWorkLog.from_wire(
        data(await client.patch(url, params=V, json={"activityTypeId": "Development"}))
    )
    assert named.activity_type is not None and named.activity_type.name == "Development"
    assert (named.timestamp, named.length, named.comment) == (
        edited.timestamp,
        2700,
        "overlap fixed",
    )
    billable = RestWorkLog.from_wire(
        data(await client.patch(url, params=V, json={"billableLength": 600}))
    )
    assert billable.billable_length == 600 and billable.flags.is_billable
    unknown = await client.patch(url, params=V, json={"activityTypeId": "Nap"})
    assert_error(unknown, 404, "EntityNotFound")


async def test_the_document_states_the_delete(client: httpx.AsyncClient) -> None:
    document = json.loads((await client.get("/api/openapi.json")).text)
    operation = document["paths"]["/api/rest/workLogs/{id}"]["delete"]
    assert set(operation["responses"]) == {"200", "400", "401", "404", "409", "413", "429", "500"}
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {
        "type": "object",
        "properties": {"data": {"type": "null"}},
        "required": ["data"],
    }
    assert "requestBody" not in operation
    assert {p["name"] for p in operation["parameters"]} == {"id", "api-version"}
    assert "WorkLogIsRunning" in operation["responses"]["409"]["description"]
