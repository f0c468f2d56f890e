"""The 10 seed tracking calls as plain functions over decoded arguments, shared by REST and hub.

Each function takes `(s: Services, <args>)`, where the args are what a hub client passes as
invocation arguments (decoded JSON values), and returns the wire model or raises `ApiProblem`.
The REST handlers in `routes_tracking` only decode the request (path/query parameter or JSON
body) and call these, so both paths validate identically (tracking-api.md §2, §5).
"""

from __future__ import annotations

import json
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
from app.server.endpoints import QueryParam, Services, body_rules
from app.server.engine import UNSET, ZONE_MAX, ZONE_MIN
from app.server.errors import WORK_ITEM_OR_COMMENT_REQUIRED, ApiProblem, bad_request
from app.server.parsing import bind, field_value, integral, parse_int, with_field

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

# What each body must hold beyond its model's types, for the OpenAPI document; the checks
# themselves are in the functions below and in the engine, over the same constants.
START_RULES = body_rules(
    properties={"timeZone": {"type": "integer", "minimum": ZONE_MIN, "maximum": ZONE_MAX}},
    one_of_fields=("tfsId", "remark"),
    other_names=REST_NAMES,
    description="tfsId or a remark is needed, unless `selected` set one before (then the "
    "body may be {} or absent).",
)
SELECT_RULES = body_rules(
    known_fields=("tfsId", "remark", "activityTypeId", "calculateTotals"),
    other_names=REST_NAMES,
)
ADJUST_RULES = body_rules(other_names=REST_NAMES) | {
    "anyOf": [{"required": ["remark"]}, {"required": ["activityTypeId"]}]
}
QUERY_TEXT = {"type": "string", "maxLength": MAX_QUERY}
SEARCH_BY_QUERY_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "object", "properties": {"query": QUERY_TEXT}, "required": ["query"]},
        QUERY_TEXT,
    ]
}
# A work item id: 1 to 2^31-1, as a number or as decimal digits (optionally after "#").
_ID_DIGITS = (
    "0*([1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}"
    "|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}"
    "|21474836[0-3][0-9]|214748364[0-7])"
)
SEARCH_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_WORK_ITEM_ID},
        {"type": "string", "pattern": f"^\\s*#?{_ID_DIGITS}\\s*$"},
    ]
}


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
    request, _ = bind(SelectRequest, body, SELECT_EXAMPLE, "selected", other_names=REST_NAMES)
    return s.engine.select(
        request.tfs_id, request.remark, request.activity_type_id, request.calculate_totals
    )


def latest(s: Services, count: Any = None) -> LatestResult:
    number = COUNT.parse(scalar_text(count, "$count"))
    return s.engine.latest(LATEST_DEFAULT if number is None else number)


def start_tracking(s: Services, body: Any = None) -> TrackingState:
    data = {} if body is None else body
    zone_given = not (isinstance(data, dict) and field_value(data, "timeZone") is None)
    if not zone_given:  # absent: the zone of the last track (placeholder only for validation)
        data = with_field(data, "timeZone", 0)
    request, unknown = bind(
        StartRequest,
        data,
        START_EXAMPLE,
        "startTracking",
        other_names=REST_NAMES,
        require_known=False,
    )
    if unknown and request.tfs_id is None and not (request.remark or "").strip():
        # Without tfsId and remark the selection is tracked; a body that meant something else
        # (fields this API does not define) must not silently start a track on it.
        raise ApiProblem(
            400,
            WORK_ITEM_OR_COMMENT_REQUIRED,
            f"startTracking needs tfsId or remark; {', '.join(unknown)} "
            f"{'is' if len(unknown) == 1 else 'are'} not a field of this API, e.g. "
            f"{START_EXAMPLE}.",
        )
    return s.engine.start(
        request.time_zone if zone_given else None,
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
    request, _ = bind(AdjustRequest, body, ADJUST_EXAMPLE, "adjust", other_names=REST_NAMES)
    present = request.model_fields_set
    if not present & {"remark", "activity_type_id"}:
        raise bad_request(f"adjust needs remark and/or activityTypeId, e.g. {ADJUST_EXAMPLE}.")
    return s.engine.adjust(
        request.remark if "remark" in present else UNSET,
        request.activity_type_id if "activity_type_id" in present else UNSET,
    )


def search(s: Services, work_item_id: Any) -> SearchResult:
    work_item_id = integral(work_item_id)
    if isinstance(work_item_id, bool) or not isinstance(work_item_id, int | str):
        raise bad_request('search needs the work item id as the body: 1201 or "1201".')
    text = str(work_item_id).strip().removeprefix("#")
    if isinstance(work_item_id, str) and not text.lstrip("-").isdigit():
        # Community clients send titles here too; 7pace documents search by id only.
        raise bad_request(
            f'search takes a work item id (1201 or "1201"), not {work_item_id!r}; to find '
            f'work items by title, use searchByQuery with {{"query": {json.dumps(text)}}}.'
        )
    item_id = parse_int(text, "work item id", low=1, high=MAX_WORK_ITEM_ID)
    assert item_id is not None
    return s.engine.search(item_id)


def search_by_query(s: Services, body: Any) -> SearchResult:
    if isinstance(body, str):  # a hub caller may pass the query itself
        body = {"query": body}
    if body is None:
        raise bad_request(f"This call needs a JSON body, for example {QUERY_EXAMPLE}.")
    request, _ = bind(SearchByQueryRequest, body, QUERY_EXAMPLE, "searchByQuery")
    if len(request.query) > MAX_QUERY:
        raise bad_request(f"query is longer than {MAX_QUERY} characters.")
    return s.engine.search_by_query(request.query)


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
