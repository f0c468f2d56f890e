"""The 10 seed calls under /api/tracking/client/, each in path and query form (§2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from app.api.models import (
    AdjustRequest,
    LatestResult,
    SearchByQueryRequest,
    SearchResult,
    SelectRequest,
    SnoozeOption,
    StartRequest,
    StopReason,
    Track,
    TrackingState,
)
from app.server.endpoints import Endpoint, QueryParam, Services
from app.server.engine import UNSET
from app.server.errors import bad_request
from app.server.parsing import json_body, param, parse_bool, parse_int, validate

BASE = "/api/tracking/client/"
TAG = "tracking"
LATEST_DEFAULT, LATEST_MAX = 10, 500

SELECT_EXAMPLE = '{"tfsId": 1201, "remark": "text", "activityTypeId": "guid"}'
START_EXAMPLE = '{"timeZone": 60, "tfsId": 1201, "remark": "text"}'
ADJUST_EXAMPLE = '{"remark": "text", "activityTypeId": "guid"}'
QUERY_EXAMPLE = '{"query": "checkout"}'


async def current(request: Request, s: Services) -> TrackingState:
    expand = parse_bool(param(request, "expand", "$expand", "expand"), "$expand")
    return s.engine.tracking_state(expand=bool(expand))


async def selected(request: Request, s: Services) -> Track:
    body = validate(
        SelectRequest,
        await json_body(request, required=True, example=SELECT_EXAMPLE),
        SELECT_EXAMPLE,
    )
    return s.engine.select(body.tfs_id, body.remark, body.activity_type_id, body.calculate_totals)


async def latest(request: Request, s: Services) -> LatestResult:
    count = parse_int(param(request, "count", "$count", "count"), "$count", low=0, high=LATEST_MAX)
    return s.engine.latest(LATEST_DEFAULT if count is None else count)


async def start_tracking(request: Request, s: Services) -> TrackingState:
    data = await json_body(request, required=False, example=START_EXAMPLE)
    if data is None:
        data = {}
    zone_given = not (isinstance(data, dict) and data.get("timeZone") is None)
    if not zone_given:  # absent: the zone of the last track (placeholder only for validation)
        data = {**data, "timeZone": 0}
    body = validate(StartRequest, data, START_EXAMPLE)
    return s.engine.start(
        body.time_zone if zone_given else None,
        body.tfs_id,
        body.remark,
        body.activity_type_id,
        body.is_billable,
    )


async def stop_tracking(request: Request, s: Services) -> TrackingState:
    reason = parse_int(param(request, "reason", "$reason", "reason"), "$reason", low=0, high=1)
    return s.engine.stop(StopReason(reason or 0))


async def idle_check(request: Request, s: Services) -> TrackingState:
    raw = param(request, "selectedOption", "selectedOption", "$selectedOption")
    if raw is None:
        raise bad_request(
            "idleCheck needs the snooze option: idleCheck/0 (one hour), 1 (tomorrow) "
            "or 2 (next Monday)."
        )
    option = parse_int(raw, "selectedOption", low=0, high=2)
    assert option is not None
    return s.engine.answer_check(SnoozeOption(option))


async def activity_check(request: Request, s: Services) -> TrackingState:
    return s.engine.answer_check(None)


async def adjust(request: Request, s: Services) -> TrackingState:
    data = await json_body(request, required=True, example=ADJUST_EXAMPLE)
    body = validate(AdjustRequest, data, ADJUST_EXAMPLE)
    present = body.model_fields_set
    if not present & {"remark", "activity_type_id"}:
        raise bad_request(f"adjust needs remark and/or activityTypeId, e.g. {ADJUST_EXAMPLE}.")
    return s.engine.adjust(
        body.remark if "remark" in present else UNSET,
        body.activity_type_id if "activity_type_id" in present else UNSET,
    )


async def search(request: Request, s: Services) -> SearchResult:
    data: Any = await json_body(request, required=True, example="1201")
    if isinstance(data, bool) or not isinstance(data, int | str):
        raise bad_request('search needs the work item id as the body: 1201 or "1201".')
    item_id = parse_int(str(data).strip().removeprefix("#"), "work item id", low=1, high=2**31 - 1)
    assert item_id is not None
    return s.engine.search(item_id)


async def search_by_query(request: Request, s: Services) -> SearchResult:
    data = await json_body(request, required=True, example=QUERY_EXAMPLE)
    body = validate(SearchByQueryRequest, data, QUERY_EXAMPLE)
    if len(body.query) > 500:
        raise bad_request("query is longer than 500 characters.")
    return s.engine.search_by_query(body.query)


def _pair(
    method: str,
    name: str,
    path_param: str | None,
    query: QueryParam | None,
    handler: Any,
    summary: str,
    **extra: Any,
) -> list[Endpoint]:
    """The query form, and the path form when the call has a path parameter."""
    forms = [
        Endpoint(
            method,
            BASE + name,
            handler,
            summary,
            TAG,
            query=(query,) if query else (),
            **extra,
        )
    ]
    if path_param:
        forms.append(
            Endpoint(method, f"{BASE}{name}/{{{path_param}}}", handler, summary, TAG, **extra)
        )
    return forms


ENDPOINTS: list[Endpoint] = [
    *_pair(
        "GET",
        "current",
        "expand",
        QueryParam("$expand", "boolean", "true adds `settings`"),
        current,
        "The tracking state; $expand=true adds settings.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "selected",
        None,
        None,
        selected,
        "Sets what the next start uses, without starting; answers the track part.",
        body=SelectRequest,
        body_required=True,
        response=Track,
    ),
    *_pair(
        "GET",
        "latest",
        "count",
        QueryParam("$count", "integer", f"how many (default {LATEST_DEFAULT})"),
        latest,
        "The latest work logs, newest first.",
        response=LatestResult,
    ),
    *_pair(
        "POST",
        "startTracking",
        None,
        None,
        start_tracking,
        "Starts tracking (closing a running track first).",
        body=StartRequest,
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "stopTracking",
        "reason",
        QueryParam("$reason", "integer", "0 user (default), 1 machine"),
        stop_tracking,
        "Stops tracking.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "idleCheck",
        "selectedOption",
        QueryParam("selectedOption", "integer", "0 one hour, 1 tomorrow, 2 next Monday"),
        idle_check,
        "Answers a running activity check and snoozes the next one.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "activityCheck",
        None,
        None,
        activity_check,
        "Answers a running activity check: still working.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "adjust",
        None,
        None,
        adjust,
        "Changes the running track's remark or activity type.",
        body=AdjustRequest,
        body_required=True,
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "search",
        None,
        None,
        search,
        "Finds a work item by id (body: the id as a JSON number or string).",
        body="integer",
        body_required=True,
        response=SearchResult,
    ),
    *_pair(
        "POST",
        "searchByQuery",
        None,
        None,
        search_by_query,
        "Finds work items by title words or id.",
        body=SearchByQueryRequest,
        body_required=True,
        response=SearchResult,
    ),
]
