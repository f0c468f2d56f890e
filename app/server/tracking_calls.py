"""The 10 seed tracking calls as plain functions over decoded arguments, shared by REST and hub.

Each function takes `(s: Services, <args>)`, where the args are what a hub client passes as
invocation arguments (decoded JSON values), and returns the wire model or raises `ApiProblem`.
The REST handlers in `routes_tracking` only decode the request (path/query parameter or JSON
body) and call these, so both paths validate identically (tracking-api.md §2, §5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from app.server.bodies import BodyRules, FieldRule, ValueBody
from app.server.endpoints import QueryParam, Services
from app.server.engine import UNSET, ZONE_MAX, ZONE_MIN
from app.server.errors import WORK_ITEM_OR_COMMENT_REQUIRED, bad_request

LATEST_DEFAULT, LATEST_MAX = 10, 500
MAX_QUERY = 500

# The parameters, declared once: these declarations validate and are what the OpenAPI
# document states (the path forms use them under the path parameter's name).
EXPAND = QueryParam("$expand", "boolean", "accepted; `settings` is always sent")
COUNT = QueryParam(
    "$count", "integer", f"how many (default {LATEST_DEFAULT})", minimum=0, maximum=LATEST_MAX
)
REASON = QueryParam("$reason", "integer", "0 user (default), 1 machine", minimum=0, maximum=1)
OPTION = QueryParam(
    "selectedOption",
    "integer",
    "0 one hour, 1 tomorrow, 2 next Monday",
    required=True,
    minimum=0,
    maximum=2,
)
MAX_WORK_ITEM_ID = 2**31 - 1


SELECT_EXAMPLE = '{"tfsId": 1201, "remark": "text", "activityTypeId": "guid"}'
START_EXAMPLE = '{"timeZone": 60, "tfsId": 1201, "remark": "text"}'
ADJUST_EXAMPLE = '{"remark": "text", "activityTypeId": "guid"}'
QUERY_EXAMPLE = '{"query": "checkout"}'
SEARCH_EXAMPLE = '1201 (a work item id; to search by title, use searchByQuery {"query": "…"})'
# What the REST family calls the tracking bodies' fields: sent here, they would be lost.
REST_NAMES = {"workItemId": "tfsId", "comment": "remark"}

# The bodies' rules, declared once: they bind and check the bodies below, and the OpenAPI
# document states them (app/server/bodies.py).
START = BodyRules(
    StartRequest,
    "startTracking",
    START_EXAMPLE,
    # Absent or null: the time zone of the last track.
    fields={"timeZone": FieldRule("integer", ZONE_MIN, ZONE_MAX, omissible=True)},
    one_of=("tfsId", "remark"),
    one_of_code=WORK_ITEM_OR_COMMENT_REQUIRED,
    one_of_fallback=True,
    require_known=False,
    other_names=REST_NAMES,
    description="Without tfsId and remark (the body may be {} or absent) the selection made "
    "with `selected` is tracked; with none made, 409 WorkItemIdOrCommentRequired. A body "
    "with fields this API does not define needs tfsId or remark (else 400).",
)
SELECT = BodyRules(SelectRequest, "selected", SELECT_EXAMPLE, other_names=REST_NAMES)
ADJUST = BodyRules(
    AdjustRequest,
    "adjust",
    ADJUST_EXAMPLE,
    any_of=("remark", "activityTypeId"),
    other_names=REST_NAMES,
)
# The bare-value bodies, declared once: `parse` checks them and the document states them.
SEARCH_BY_QUERY = ValueBody(
    "searchByQuery",
    QUERY_EXAMPLE,
    f"The body must be an object such as {QUERY_EXAMPLE} or the query as a JSON string.",
    text=True,
    max_length=MAX_QUERY,
    wrapped="query",
    model=SearchByQueryRequest,
    absent=f"This call needs a JSON body, for example {QUERY_EXAMPLE}.",
)
# A work item id: 1 to 2^31-1, as a number or as decimal digits (optionally after "#").
SEARCH = ValueBody(
    "search",
    SEARCH_EXAMPLE,
    'search needs the work item id as the body: 1201 or "1201".',
    integer=(1, MAX_WORK_ITEM_ID),
    name="work item id",
    # Community clients send titles here too; 7pace documents search by id only.
    not_digits='search takes a work item id (1201 or "1201"), not {value}; to find work items '
    'by title, use searchByQuery with {{"query": {text}}}.',
)


def scalar_text(value: Any, name: str) -> str | None:
    """A decoded scalar argument as the text a path/query parameter would carry.

    `True`/`False` become "true"/"false" and numbers their decimal form, so `parse_bool` and
    `parse_int` judge a hub argument exactly as they judge the REST parameter.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise bad_request(f"{name} must be a single value, not {type(value).__name__} {value!r}.")


def current(s: Services, expand: Any = None) -> TrackingState:
    # `settings` comes with every `current`, expanded or not: a client used against the live
    # service reads `settings.activityType` after `current/false` [community, §7]. `$expand`
    # is still checked, so a wrong value is a clear 400.
    EXPAND.parse(scalar_text(expand, "$expand"))
    return s.engine.tracking_state(expand=True)


def selected(s: Services, body: Any) -> Track:
    if body is None:
        raise bad_request(f"This call needs a JSON body, for example {SELECT_EXAMPLE}.")
    request = SELECT.bind(body).model
    return s.engine.select(
        request.tfs_id, request.remark, request.activity_type_id, request.calculate_totals
    )


def latest(s: Services, count: Any = None) -> LatestResult:
    number = COUNT.parse(scalar_text(count, "$count"))
    return s.engine.latest(LATEST_DEFAULT if number is None else number)


def start_tracking(s: Services, body: Any = None) -> TrackingState:
    bound = START.bind({} if body is None else body)
    request = bound.model
    return s.engine.start(
        None if "timeZone" in bound.missing else request.time_zone,
        request.tfs_id,
        request.remark,
        request.activity_type_id,
        request.is_billable,
    )


def stop_tracking(s: Services, reason: Any = None) -> TrackingState:
    number = REASON.parse(scalar_text(reason, "$reason"))
    return s.engine.stop(StopReason(number or 0))


def idle_check(s: Services, option: Any = None) -> TrackingState:
    raw = scalar_text(option, "selectedOption")
    if raw is None:
        raise bad_request(
            "idleCheck needs the snooze option: idleCheck/0 (one hour), 1 (tomorrow) "
            "or 2 (next Monday)."
        )
    number = OPTION.parse(raw)
    assert number is not None
    return s.engine.answer_check(SnoozeOption(number))


def activity_check(s: Services) -> TrackingState:
    return s.engine.answer_check(None)


def adjust(s: Services, body: Any) -> TrackingState:
    if body is None:
        raise bad_request(f"This call needs a JSON body, for example {ADJUST_EXAMPLE}.")
    bound = ADJUST.bind(body)
    request, present = bound.model, bound.present
    return s.engine.adjust(
        request.remark if "remark" in present else UNSET,
        request.activity_type_id if "activity_type_id" in present else UNSET,
    )


def search(s: Services, work_item_id: Any) -> SearchResult:
    return s.engine.search(SEARCH.parse(work_item_id))


def search_by_query(s: Services, body: Any) -> SearchResult:
    return s.engine.search_by_query(SEARCH_BY_QUERY.parse(body))


CALLS: dict[str, Callable[..., Any]] = {
    "current": current,
    "selected": selected,
    "latest": latest,
    "startTracking": start_tracking,
    "stopTracking": stop_tracking,
    "idleCheck": idle_check,
    "activityCheck": activity_check,
    "adjust": adjust,
    "search": search,
    "searchByQuery": search_by_query,
}
