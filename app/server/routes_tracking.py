"""The 10 seed calls under /api/tracking/client/, each in path and query form (§2)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request

from app.api.models import (
    AdjustRequest,
    LatestResult,
    SearchByQueryRequest,
    SearchResult,
    SelectRequest,
    StartRequest,
    Track,
    TrackingState,
)
from app.server import tracking_calls as calls
from app.server.endpoints import Endpoint, QueryParam, Services
from app.server.parsing import json_body, param
from app.server.tracking_calls import (
    ADJUST_EXAMPLE,
    COUNT,
    EXPAND,
    OPTION,
    QUERY_EXAMPLE,
    REASON,
    SEARCH_EXAMPLE,
    SELECT_EXAMPLE,
    START_EXAMPLE,
)

BASE = "/api/tracking/client/"
TAG = "tracking"

# Each handler only decodes the request; the call itself lives in tracking_calls (shared with
# the hub), so REST and hub validate alike.


async def current(request: Request, s: Services) -> TrackingState:
    return calls.current(s, param(request, "expand", "$expand", "expand"))


async def selected(request: Request, s: Services) -> Track:
    return calls.selected(s, await json_body(request, required=True, example=SELECT_EXAMPLE))


async def latest(request: Request, s: Services) -> LatestResult:
    return calls.latest(s, param(request, "count", "$count", "count"))


async def start_tracking(request: Request, s: Services) -> TrackingState:
    return calls.start_tracking(s, await json_body(request, required=False, example=START_EXAMPLE))


async def stop_tracking(request: Request, s: Services) -> TrackingState:
    return calls.stop_tracking(s, param(request, "reason", "$reason", "reason"))


async def idle_check(request: Request, s: Services) -> TrackingState:
    return calls.idle_check(
        s, param(request, "selectedOption", "selectedOption", "$selectedOption")
    )


async def activity_check(request: Request, s: Services) -> TrackingState:
    return calls.activity_check(s)


async def adjust(request: Request, s: Services) -> TrackingState:
    return calls.adjust(s, await json_body(request, required=True, example=ADJUST_EXAMPLE))


async def search(request: Request, s: Services) -> SearchResult:
    return calls.search(s, await json_body(request, required=True, example=SEARCH_EXAMPLE))


async def search_by_query(request: Request, s: Services) -> SearchResult:
    return calls.search_by_query(s, await json_body(request, required=True, example=QUERY_EXAMPLE))


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
        assert query is not None  # the path form declares the same parameter
        declared = replace(query, name=path_param, required=True)
        forms.append(
            Endpoint(
                method,
                f"{BASE}{name}/{{{path_param}}}",
                handler,
                summary,
                TAG,
                path_params=(declared,),
                **extra,
            )
        )
    return forms


ENDPOINTS: list[Endpoint] = [
    *_pair(
        "GET",
        "current",
        "expand",
        EXPAND,
        current,
        "The tracking state, with settings.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "selected",
        None,
        None,
        selected,
        "Sets what the next start uses, without starting; answers the selection "
        "(the running track while one runs).",
        body=SelectRequest,
        body_required=True,
        body_rules=calls.SELECT,
        response=Track,
    ),
    *_pair(
        "GET",
        "latest",
        "count",
        COUNT,
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
        body_required=False,  # absent: the selection is tracked
        body_rules=calls.START,
        response=TrackingState,
        statuses=(409,),  # neither tfsId nor remark, and no selection to fall back on
    ),
    *_pair(
        "POST",
        "stopTracking",
        "reason",
        REASON,
        stop_tracking,
        "Stops tracking.",
        response=TrackingState,
    ),
    *_pair(
        "POST",
        "idleCheck",
        "selectedOption",
        OPTION,
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
        body_rules=calls.ADJUST,
        response=TrackingState,
        statuses=(409,),  # clearing the remark of a track without a work item
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
        body_declared=calls.SEARCH,
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
        body_declared=calls.SEARCH_BY_QUERY,
        response=SearchResult,
    ),
]
