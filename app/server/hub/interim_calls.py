"""Stand-in for `app.server.tracking_calls.CALLS` (branch `wire`) until that branch is merged:
the ten tracking calls as `fn(services, *decoded_args)` with the REST semantics."""

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
from app.server.endpoints import Services
from app.server.engine import UNSET
from app.server.errors import bad_request
from app.server.parsing import parse_bool, parse_int, validate
from app.server.routes_tracking import (
    ADJUST_EXAMPLE,
    LATEST_DEFAULT,
    LATEST_MAX,
    QUERY_EXAMPLE,
    SELECT_EXAMPLE,
    START_EXAMPLE,
)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def current(s: Services, expand: Any = None) -> TrackingState:
    return s.engine.tracking_state(expand=bool(parse_bool(_text(expand), "$expand")))


def selected(s: Services, body: Any = None) -> Track:
    if body is None:
        raise bad_request(f"selected needs a body, for example {SELECT_EXAMPLE}.")
    b = validate(SelectRequest, body, SELECT_EXAMPLE)
    return s.engine.select(b.tfs_id, b.remark, b.activity_type_id, b.calculate_totals)


def latest(s: Services, count: Any = None) -> LatestResult:
    n = parse_int(_text(count), "$count", low=0, high=LATEST_MAX)
    return s.engine.latest(LATEST_DEFAULT if n is None else n)


def start_tracking(s: Services, body: Any = None) -> TrackingState:
    data = {} if body is None else body
    zone_given = not (isinstance(data, dict) and data.get("timeZone") is None)
    if not zone_given:
        data = {**data, "timeZone": 0}
    b = validate(StartRequest, data, START_EXAMPLE)
    return s.engine.start(
        b.time_zone if zone_given else None,
        b.tfs_id,
        b.remark,
        b.activity_type_id,
        b.is_billable,
    )


def stop_tracking(s: Services, reason: Any = None) -> TrackingState:
    n = parse_int(_text(reason), "$reason", low=0, high=1)
    return s.engine.stop(StopReason(n or 0))


def idle_check(s: Services, option: Any = None) -> TrackingState:
    if option is None:
        raise bad_request("idleCheck needs the snooze option: 0, 1 or 2.")
    n = parse_int(_text(option), "selectedOption", low=0, high=2)
    assert n is not None
    return s.engine.answer_check(SnoozeOption(n))


def activity_check(s: Services) -> TrackingState:
    return s.engine.answer_check(None)


def adjust(s: Services, body: Any = None) -> TrackingState:
    b = validate(AdjustRequest, body, ADJUST_EXAMPLE)
    present = b.model_fields_set
    if not present & {"remark", "activity_type_id"}:
        raise bad_request(f"adjust needs remark and/or activityTypeId, e.g. {ADJUST_EXAMPLE}.")
    return s.engine.adjust(
        b.remark if "remark" in present else UNSET,
        b.activity_type_id if "activity_type_id" in present else UNSET,
    )


def search(s: Services, item: Any = None) -> SearchResult:
    if isinstance(item, bool) or not isinstance(item, int | str):
        raise bad_request('search needs the work item id: 1201 or "1201".')
    n = parse_int(str(item).strip().removeprefix("#"), "work item id", low=1, high=2**31 - 1)
    assert n is not None
    return s.engine.search(n)


def search_by_query(s: Services, body: Any = None) -> SearchResult:
    b = validate(SearchByQueryRequest, body, QUERY_EXAMPLE)
    if len(b.query) > 500:
        raise bad_request("query is longer than 500 characters.")
    return s.engine.search_by_query(b.query)


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
