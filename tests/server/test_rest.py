"""The REST subset (§6): me, activity types, work logs (paging, create, PATCH trimming)."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from app.api.models import (
    NOT_SET_ACTIVITY_ID,
    RestActivityTypes,
    RestMe,
    RestWorkLog,
    TrackingState,
)
from app.server.clock import ManualClock
from app.server.demo import DEFAULT_ACTIVITY_TYPE_ID

from .conftest import START, R, T, V, assert_error


def data(response: httpx.Response) -> object:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    return body["data"]


async def create(client: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await client.post(R + "workLogs", params=V, json=body)


async def logs(client: httpx.AsyncClient, **params: str) -> list[RestWorkLog]:
    payload = data(await client.get(R + "workLogs", params={**V, **params}))
    assert isinstance(payload, list)
    return [RestWorkLog.from_wire(item) for item in payload]


async def test_me_and_activity_types(client: httpx.AsyncClient) -> None:
    me = RestMe.from_wire(data(await client.get(R + "me", params=V)))
    assert me.user is not None and me.user.unique_name == "dana.reyes@contoso.com"
    assert me.default_activity_type is not None
    assert me.default_activity_type.id == DEFAULT_ACTIVITY_TYPE_ID
    types = RestActivityTypes.from_wire(data(await client.get(R + "activityTypes", params=V)))
    assert types.system_default_activity_type_id == NOT_SET_ACTIVITY_ID
    assert len(types.activity_types) == 8
    assert all(
        len(t.color or "") == 6 and not (t.color or "").startswith("#")
        for t in types.activity_types
    )


async def test_work_logs_paging_and_filters(client: httpx.AsyncClient) -> None:
    for hour in range(6):
        response = await create(
            client,
            timestamp=f"2026-09-2{hour}T09:00:00",
            length=1800,
            comment=f"log {hour}",
        )
        assert response.status_code == 200, response.text
    everything = await logs(client)
    assert [w.comment for w in everything] == [f"log {h}" for h in range(6)]
    page = await logs(client, **{"$count": "2", "$skip": "3"})
    assert [w.comment for w in page] == ["log 3", "log 4"]
    window = await logs(
        client, **{"$fromTimestamp": "2026-09-21T00:00:00", "$toTimestamp": "2026-09-23T23:59:59"}
    )
    assert [w.comment for w in window] == ["log 1", "log 2", "log 3"]
    assert all(w.flags.is_manually_entered and not w.flags.is_tracked for w in everything)
    for bad in ({"$count": "501"}, {"$count": "-1"}, {"$skip": "x"}, {"$fromTimestamp": "soon"}):
        response = await client.get(R + "workLogs", params={**V, **bad})
        assert_error(response, 400, "ApiVersionError")


async def test_rest_times_are_local_wall_clock_times(client: httpx.AsyncClient) -> None:
    await client.post(T + "startTracking", params=V, json={"timeZone": 120, "tfsId": 1201})
    [log] = await logs(client)
    assert log.timestamp == (START + timedelta(hours=2)).replace(tzinfo=None)
    raw = data(await client.get(R + "workLogs", params=V))
    assert isinstance(raw, list) and raw[0]["timestamp"] == "2026-09-30T12:00:00.0000000"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"timestamp": "2026-09-29T08:00:00", "workItemId": 1201}, 400, "LengthIsRequired"),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": None, "comment": "x"},
            400,
            "LengthIsRequired",
        ),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": 0, "comment": "x"},
            400,
            "LengthMustBePositive",
        ),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": -60, "comment": "x"},
            400,
            "LengthMustBePositive",
        ),
        ({"timestamp": "2026-09-29T08:00:00", "length": 60}, 400, "WorkItemIdOrCommentRequired"),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": 60, "comment": "  "},
            400,
            "WorkItemIdOrCommentRequired",
        ),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": 60, "workItemId": 77},
            404,
            "EntityNotFound",
        ),
        ({"length": 60, "comment": "x"}, 400, "ApiVersionError"),
        ({"timestamp": "yesterday", "length": 60, "comment": "x"}, 400, "ApiVersionError"),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": "60", "comment": "x"},
            400,
            "ApiVersionError",
        ),
    ],
)
async def test_create_work_log_validation(
    client: httpx.AsyncClient, body: dict, status: int, code: str
) -> None:
    assert_error(await create(client, **body), status, code)


async def test_trimming_a_tracked_work_log(client: httpx.AsyncClient, clock: ManualClock) -> None:
    started = TrackingState.from_wire(
        (
            await client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201})
        ).json()
    )
    log_id = started.track.work_log_id
    running = await client.patch(f"{R}workLogs/{log_id}", params=V, json={"length": 60})
    assert_error(running, 409, "WorkLogIsRunning")
    clock.advance(3600)
    await client.post(T + "stopTracking", params=V)
    trimmed = RestWorkLog.from_wire(
        data(await client.patch(f"{R}workLogs/{log_id}", params=V, json={"length": 600}))
    )
    assert trimmed.length == 600 and trimmed.flags.is_tracked
    [log] = await logs(client)
    assert log.length == 600
    state = TrackingState.from_wire((await client.get(T + "current", params=V)).json())
    assert state.track.total_me_length == 600
    assert state.track.total_me_today_length == 600


async def test_patch_validation(client: httpx.AsyncClient) -> None:
    created = RestWorkLog.from_wire(
        data(await create(client, timestamp="2026-09-29T08:00:00", length=900, comment="x"))
    )
    url = f"{R}workLogs/{created.id}"
    assert_error(await client.patch(url, params=V, json={"length": None}), 400, "LengthIsRequired")
    assert_error(await client.patch(url, params=V, json={"length": 0}), 400, "LengthMustBePositive")
    assert_error(
        await client.patch(url, params=V, json={"comment": ""}), 409, "WorkItemIdOrCommentRequired"
    )
    assert_error(await client.patch(url, params=V, json={"workItemId": 5}), 404, "EntityNotFound")
    assert_error(await client.patch(url, params=V, json=[1]), 400, "ApiVersionError")
    missing = f"{R}workLogs/00000000-0000-0000-0000-000000000001"
    assert_error(await client.patch(missing, params=V, json={"length": 5}), 404, "EntityNotFound")
    assert_error(
        await client.patch(f"{R}workLogs/not-a-guid", params=V, json={"length": 5}),
        404,
        "EntityNotFound",
    )
    moved = RestWorkLog.from_wire(
        data(
            await client.patch(
                url,
                params=V,
                json={"timestamp": "2026-09-29T09:30:00", "workItemId": 1203, "comment": "moved"},
            )
        )
    )
    assert moved.timestamp == datetime(2026, 9, 29, 9, 30)
    assert (moved.work_item_id, moved.comment, moved.length) == (1203, "moved", 900)
