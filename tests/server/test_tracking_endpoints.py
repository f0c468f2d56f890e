"""Every seed endpoint, in path and query form, against the real app (in-process ASGI)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from app.api.models import (
    LatestResult,
    ResponseState,
    SearchResult,
    StoppedTrackType,
    Track,
    TrackingState,
    TrackingStateKind,
)
from app.server.app import services_of
from app.server.clock import ManualClock
from app.server.demo import ACTIVITY_TYPES, WORK_ITEMS

from .conftest import TOKEN, T, V, asgi_client, assert_error

TESTING = next(a.id for a in ACTIVITY_TYPES if a.name == "Testing")


async def state(client: httpx.AsyncClient, **params: str) -> TrackingState:
    response = await client.get(T + "current", params={**V, **params})
    assert response.status_code == 200, response.text
    return TrackingState.from_wire(response.json())


async def start(client: httpx.AsyncClient, **body: object) -> TrackingState:
    response = await client.post(T + "startTracking", params=V, json={"timeZone": 60, **body})
    assert response.status_code == 200, response.text
    return TrackingState.from_wire(response.json())


async def test_current_idle_and_every_expand_form(client: httpx.AsyncClient) -> None:
    plain = await state(client)
    assert plain.track.tracking_state is TrackingStateKind.IDLE
    assert plain.track_settings.response_state is ResponseState.OK
    # `settings` always: a client used live reads it after `current/false` (tracking-api §7).
    for response in (
        await client.get(T + "current", params=V),
        await client.get(T + "current", params={**V, "$expand": "true"}),
        await client.get(T + "current/true", params=V),
        await client.get(T + "current/false", params=V),
        await client.get(T + "current", params={**V, "expand": "false"}),
    ):
        assert response.status_code == 200
        expanded = TrackingState.from_wire(response.json())
        assert expanded.settings is not None and expanded.settings.activity_type is not None
        names = {a.name for a in expanded.settings.activity_type.activity_types}
        assert names == {a.name for a in ACTIVITY_TYPES}
        assert expanded.settings.user_info is not None
        assert expanded.settings.user_info.user_name == "Dana Reyes"


@pytest.mark.parametrize("path", ["current/maybe", "current?$expand=2"])
async def test_current_rejects_a_non_boolean_expand(client: httpx.AsyncClient, path: str) -> None:
    sep = "&" if "?" in path else "?"
    error = assert_error(await client.get(f"{T}{path}{sep}api-version=3.2"), 400, "ApiVersionError")
    assert "expand" in error["message"]


@pytest.mark.parametrize("params", [{}, {"api-version": "3.1"}, {"api-version": "banana"}])
async def test_api_version_missing_or_unknown(client: httpx.AsyncClient, params: dict) -> None:
    error = assert_error(await client.get(T + "current", params=params), 400, "ApiVersionError")
    assert "3.2" in error["message"]


async def test_start_tracking_opens_a_work_log(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    started = await start(client, tfsId=1201, remark="vault client", activityTypeId=TESTING)
    track = started.track
    assert track.tracking_state is TrackingStateKind.TRACKING
    assert track.tfs_id == 1201 and track.remark == "vault client"
    assert track.activity_type_id == TESTING
    assert track.work_item is not None and track.work_item.title == "Add card vault API client"
    assert track.work_item.type == "Task" and track.work_item.team_project == "Webshop"
    assert track.work_item.parent["id"] == 1101
    assert track.current_track_started_date_time == clock.now()
    assert track.track_time_zone == 60
    assert track.work_log_id
    clock.advance(125)
    later = await state(client)
    assert later.track.current_track_length == 125
    assert later.track.total_me_today_length == 125
    assert later.track.total_me_length == 125
    item = next(i for i in WORK_ITEMS if i.id == 1201)
    assert later.track.total_team_length == 125 + item.team_seconds


async def test_start_needs_a_work_item_or_a_remark(client: httpx.AsyncClient) -> None:
    # A valid body, but nothing selected to fall back on: the state refuses it (409).
    response = await client.post(T + "startTracking", params=V, json={"timeZone": 0})
    assert_error(response, 409, "WorkItemIdOrCommentRequired")
    response = await client.post(T + "startTracking", params=V, json={"timeZone": 0, "remark": " "})
    assert_error(response, 409, "WorkItemIdOrCommentRequired")
    assert (await state(client)).track.tracking_state is TrackingStateKind.IDLE


async def test_start_rejects_unknown_items_and_activity_types(client: httpx.AsyncClient) -> None:
    unknown_item = await client.post(T + "startTracking", params=V, json={"tfsId": 999999})
    assert "999999" in assert_error(unknown_item, 404, "EntityNotFound")["message"]
    unknown_type = await client.post(
        T + "startTracking",
        params=V,
        json={"remark": "x", "activityTypeId": "11111111-2222-3333-4444-555555555555"},
    )
    assert_error(unknown_type, 404, "EntityNotFound")
    bad_guid = await client.post(
        T + "startTracking", params=V, json={"remark": "x", "activityTypeId": "not-a-guid"}
    )
    # an unknown name is an unknown entity, as an unknown GUID is
    assert "GUID" in assert_error(bad_guid, 404, "EntityNotFound")["message"]
    # 7pace's own adjust example uses a name; names resolve case-insensitively.
    by_name = await start(client, remark="x", activityTypeId="testing")
    assert by_name.track.activity_type_id == TESTING


@pytest.mark.parametrize(
    "body",
    [
        {"tfsId": "1201"},
        {"tfsId": 12.5},
        {"tfsId": True},
        {"remark": 5},
        {"remark": "x", "isBillable": "yes"},
        {"remark": "x", "timeZone": "60"},
        {"remark": "x", "timeZone": 5000},
        [1201],
        "1201",
    ],
)
async def test_start_rejects_wrong_types(client: httpx.AsyncClient, body: object) -> None:
    response = await client.post(T + "startTracking", params=V, json=body)
    assert_error(response, 400, "ApiVersionError")


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    for path in ("startTracking", "selected", "adjust", "searchByQuery", "search"):
        response = await client.post(
            T + path,
            params=V,
            content=b'{"tfsId": 12',
            headers={"Content-Type": "application/json"},
        )
        assert "not valid JSON" in assert_error(response, 400, "ApiVersionError")["message"]


async def test_start_while_tracking_closes_the_running_work_log(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    first = await start(client, tfsId=1201)
    clock.advance(60)
    second = await start(client, remark="meeting")
    assert second.track.work_log_id != first.track.work_log_id
    assert second.track.remark == "meeting" and second.track.tfs_id is None
    latest = LatestResult.from_wire((await client.get(T + "latest", params=V)).json())
    assert [log.id for log in latest.work_logs] == [
        second.track.work_log_id,
        first.track.work_log_id,
    ]
    closed = latest.work_logs[1]
    assert closed.period_length == 60
    assert closed.end_time == second.track.current_track_started_date_time
    assert latest.work_logs[0].end_time is None  # still running


async def test_stop_tracking_in_both_forms_and_reasons(
    app: Starlette, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    for form in ("stopTracking", "stopTracking/0", "stopTracking/1"):
        await start(client, tfsId=1203)
        clock.advance(10)
        response = await client.post(T + form, params=V)
        stopped = TrackingState.from_wire(response.json())
        assert stopped.track.tracking_state is TrackingStateKind.IDLE
        assert stopped.track.stopped_track_type is StoppedTrackType.TRACKING
    await start(client, tfsId=1203)
    response = await client.post(T + "stopTracking", params={**V, "$reason": "1"})
    assert TrackingState.from_wire(response.json()).track.tracking_state.name == "IDLE"
    # The reason is recorded on the work log (newest first).
    reasons = [row.stop_reason for row in services_of(app).store.latest_work_logs(10)]
    assert reasons == [1, 1, 0, 0]


@pytest.mark.parametrize("form", ["stopTracking/2", "stopTracking?$reason=x", "stopTracking/-1"])
async def test_stop_rejects_unknown_reasons(client: httpx.AsyncClient, form: str) -> None:
    sep = "&" if "?" in form else "?"
    assert_error(await client.post(f"{T}{form}{sep}api-version=3.2"), 400, "ApiVersionError")


async def test_stop_when_idle_is_a_soft_warning(client: httpx.AsyncClient) -> None:
    before = await state(client)
    response = await client.post(T + "stopTracking", params=V)
    assert response.status_code == 200
    answer = TrackingState.from_wire(response.json())
    assert answer.track_settings.response_state is ResponseState.WARNING
    assert "No track is running" in (answer.track_settings.response_message or "")
    assert answer.timestamp == before.timestamp  # nothing changed


async def test_selected_sets_what_the_next_start_uses(client: httpx.AsyncClient) -> None:
    response = await client.post(
        T + "selected",
        params=V,
        json={"tfsId": 1305, "remark": "repro", "activityTypeId": TESTING, "calculateTotals": True},
    )
    assert response.status_code == 200
    track = Track.from_wire(response.json())
    assert "track" not in response.json()  # the track part only
    assert (track.tfs_id, track.remark, track.activity_type_id) == (1305, "repro", TESTING)
    assert track.tracking_state is TrackingStateKind.IDLE
    started = await start(client)  # empty start: the selection
    assert (started.track.tfs_id, started.track.remark) == (1305, "repro")
    assert started.track.activity_type_id == TESTING
    no_totals = await client.post(
        T + "selected", params=V, json={"tfsId": 1305, "calculateTotals": False}
    )
    assert Track.from_wire(no_totals.json()).total_me_today_length is None


async def test_selected_validation(client: httpx.AsyncClient) -> None:
    assert_error(await client.post(T + "selected", params=V), 400, "ApiVersionError")
    assert_error(
        await client.post(T + "selected", params=V, json={"tfsId": 4}), 404, "EntityNotFound"
    )
    assert_error(
        await client.post(T + "selected", params=V, json={"calculateTotals": "yes"}),
        400,
        "ApiVersionError",
    )


@pytest.mark.parametrize("form", ["latest/2", "latest?$count=2"])
async def test_latest_in_both_forms(
    client: httpx.AsyncClient, clock: ManualClock, form: str
) -> None:
    for item in (1201, 1202, 1203):
        await start(client, tfsId=item)
        clock.advance(30)
    sep = "&" if "?" in form else "?"
    response = await client.get(f"{T}{form}{sep}api-version=3.2")
    latest = LatestResult.from_wire(response.json())
    assert latest.count == 2
    assert [w.work_item.id for w in latest.work_logs if w.work_item] == [1203, 1202]
    default = LatestResult.from_wire((await client.get(T + "latest", params=V)).json())
    assert default.count == 3
    assert_error(await client.get(T + "latest/abc", params=V), 400, "ApiVersionError")
    assert_error(await client.get(T + "latest/501", params=V), 400, "ApiVersionError")


async def test_adjust_changes_the_running_track(client: httpx.AsyncClient) -> None:
    await start(client, tfsId=1201, remark="first")
    response = await client.post(
        T + "adjust", params=V, json={"remark": "second", "activityTypeId": TESTING}
    )
    adjusted = TrackingState.from_wire(response.json())
    assert (adjusted.track.remark, adjusted.track.activity_type_id) == ("second", TESTING)
    assert (await state(client)).track.remark == "second"
    assert_error(await client.post(T + "adjust", params=V, json={}), 400, "ApiVersionError")
    assert_error(
        await client.post(T + "adjust", params=V, json={"activityTypeId": "nope"}),
        404,
        "EntityNotFound",
    )


async def test_adjust_cannot_empty_the_only_comment(client: httpx.AsyncClient) -> None:
    await start(client, remark="only a remark")
    response = await client.post(T + "adjust", params=V, json={"remark": ""})
    assert_error(response, 409, "WorkItemIdOrCommentRequired")  # the track's state refuses it


async def test_adjust_when_idle_is_a_soft_warning(client: httpx.AsyncClient) -> None:
    response = await client.post(T + "adjust", params=V, json={"remark": "x"})
    answer = TrackingState.from_wire(response.json())
    assert answer.track_settings.response_state is ResponseState.WARNING


@pytest.mark.parametrize("body", [1201, "1201", " 1201 ", "#1201"])
async def test_search_by_id(client: httpx.AsyncClient, body: object) -> None:
    response = await client.post(T + "search", params=V, json=body)
    result = SearchResult.from_wire(response.json())
    assert result.count == 1
    assert result.work_items[0].work_item.id == 1201
    assert result.work_items[0].group_name == "Assigned to me"


async def test_search_unknown_id_finds_nothing_and_bad_bodies_fail(
    client: httpx.AsyncClient,
) -> None:
    result = SearchResult.from_wire((await client.post(T + "search", params=V, json=424242)).json())
    assert result.count == 0 and result.work_items == []
    for body in ({"id": 1}, "abc", True, [1], 1.5):
        assert_error(await client.post(T + "search", params=V, json=body), 400, "ApiVersionError")


async def test_search_by_query(client: httpx.AsyncClient) -> None:
    await start(client, tfsId=1302)
    found = SearchResult.from_wire(
        (await client.post(T + "searchByQuery", params=V, json={"query": "Checkout"})).json()
    )
    titles = [hit.work_item.title for hit in found.work_items]
    assert titles and all("checkout" in (t or "").lower() for t in titles)
    by_id = SearchResult.from_wire(
        (await client.post(T + "searchByQuery", params=V, json={"query": "#1302"})).json()
    )
    assert [h.work_item.id for h in by_id.work_items] == [1302]
    assert by_id.work_items[0].group_name == "Recently tracked"
    empty = SearchResult.from_wire(
        (await client.post(T + "searchByQuery", params=V, json={"query": ""})).json()
    )
    assert empty.work_items[0].work_item.id == 1302  # recently tracked first
    assert {h.group_name for h in empty.work_items} == {"Recently tracked", "Assigned to me"}
    assert_error(
        await client.post(T + "searchByQuery", params=V, json={"q": "x"}), 400, "ApiVersionError"
    )


async def test_unknown_path_and_method_answer_the_error_body(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(T + "nothing", params=V), 404, "EntityNotFound")
    response = await client.delete(T + "current", params=V)
    assert_error(response, 405, "UnexpectedError")
    assert "GET" in response.headers["allow"]


async def test_endpoints_need_a_token(app: Starlette) -> None:
    async with asgi_client(app, token=None) as anonymous:
        assert_error(await anonymous.get(T + "current", params=V), 401, "UnauthorizedError")
    async with asgi_client(app, token="wrong") as wrong:
        assert_error(await wrong.get(T + "current", params=V), 401, "UnauthorizedError")
    async with asgi_client(app, token=TOKEN) as right:
        assert (await right.get(T + "current", params=V)).status_code == 200
