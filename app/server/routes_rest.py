"""The REST subset of §6 a tray needs (answers wrapped as {"data": …})."""

from __future__ import annotations

import re

from starlette.requests import Request

from app.api.models import (
    RestActivityTypes,
    RestMe,
    RestWorkLog,
    RestWorkLogCreate,
    RestWorkLogPatch,
)
from app.server.endpoints import Endpoint, QueryParam, Services, body_rules
from app.server.engine import MAX_WORK_LOG_LENGTH
from app.server.errors import (
    WORK_ITEM_OR_COMMENT_REQUIRED,
    ApiProblem,
    bad_request,
    not_found,
)
from app.server.parsing import (
    bind,
    field_value,
    json_body,
    param,
    with_field,
)

BASE = "/api/rest/"
TAG = "rest"
MAX_COUNT = 500
CREATE_EXAMPLE = '{"timestamp": "2026-09-29T08:00:00", "length": 3600, "workItemId": 1201}'
PATCH_EXAMPLE = '{"length": 1800}'
# What the tracking family calls work log fields: sent here, they would be lost.
TRACKING_NAMES = {"remark": "comment", "tfsId": "workItemId"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


async def me(request: Request, s: Services) -> RestMe:
    return s.engine.rest_me()


async def activity_types(request: Request, s: Services) -> RestActivityTypes:
    return s.engine.rest_activity_types()


# What the work log bodies must hold beyond their types (the engine checks the same).
_LENGTH = {"type": "integer", "minimum": 1, "maximum": MAX_WORK_LOG_LENGTH}
# The years the engine accepts (1971-2999), stated as a prefix of the date-time.
_TIMESTAMP = {"type": "string", "format": "date-time", "pattern": "^(19[7-9][0-9]|2[0-9]{3})-"}
CREATE_RULES = body_rules(
    properties={"timestamp": _TIMESTAMP, "length": _LENGTH},
    one_of_fields=("workItemId", "comment"),
    other_names={name: ours for name, ours in TRACKING_NAMES.items()},
)
PATCH_RULES = body_rules(
    properties={"length": _LENGTH, "timestamp": {"anyOf": [_TIMESTAMP, {"type": "null"}]}},
    known_fields=(
        "timestamp",
        "length",
        "billableLength",
        "workItemId",
        "comment",
        "activityTypeId",
    ),
    other_names=TRACKING_NAMES,
)

# Declared once: they validate, and the OpenAPI document states them.
COUNT = QueryParam(
    "$count",
    "integer",
    f"page size (default 100, at most {MAX_COUNT})",
    minimum=0,
    maximum=MAX_COUNT,
)
SKIP = QueryParam("$skip", "integer", "work logs to skip", minimum=0, maximum=10**9)
FROM = QueryParam("$fromTimestamp", "string", "earliest start (ISO-8601)", format="date-time")
TO = QueryParam("$toTimestamp", "string", "latest start (ISO-8601)", format="date-time")


async def work_logs(request: Request, s: Services) -> list[RestWorkLog]:
    count = COUNT.parse(param(request, "", "$count", "count"))
    skip = SKIP.parse(param(request, "", "$skip", "skip"))
    start = FROM.parse(param(request, "", "$fromTimestamp"))
    end = TO.parse(param(request, "", "$toTimestamp"))
    return s.engine.rest_work_logs(100 if count is None else count, skip or 0, start, end)


async def create_work_log(request: Request, s: Services) -> RestWorkLog:
    data = await json_body(request, required=True, example=CREATE_EXAMPLE)
    if not isinstance(data, dict):
        raise bad_request(f"The body must be a JSON object such as {CREATE_EXAMPLE}.")
    if field_value(data, "timestamp") is None:
        raise bad_request(f"timestamp (the start) is required, e.g. {CREATE_EXAMPLE}.")
    length = field_value(data, "length")
    length_given = length is not None  # absent or null: LengthIsRequired
    body, unknown = bind(
        RestWorkLogCreate,
        with_field(data, "length", length if length_given else 0),
        CREATE_EXAMPLE,
        "POST workLogs",
        other_names=TRACKING_NAMES,
    )
    if unknown and body.work_item_id is None and not (body.comment or "").strip():
        # Name what was sent instead: the caller meant something by it.
        raise ApiProblem(
            400,
            WORK_ITEM_OR_COMMENT_REQUIRED,
            f"A work log needs a workItemId or a comment; {', '.join(unknown)} "
            f"{'is' if len(unknown) == 1 else 'are'} not a work log field.",
        )
    return s.engine.create_work_log(
        body.timestamp,
        body.length if length_given else None,
        body.billable_length,
        body.work_item_id,
        body.comment,
        body.activity_type_id,
    )


async def patch_work_log(request: Request, s: Services) -> RestWorkLog:
    log_id = str(request.path_params["id"])
    if not _GUID.fullmatch(log_id):
        raise not_found(f"Work log {log_id!r} does not exist (work log ids are GUIDs).")
    data = await json_body(request, required=True, example=PATCH_EXAMPLE)
    body, _ = bind(
        RestWorkLogPatch, data, PATCH_EXAMPLE, "PATCH workLogs", other_names=TRACKING_NAMES
    )
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    return s.engine.patch_work_log(log_id.lower(), changes)


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", BASE + "me", me, "The signed-in user.", TAG, envelope=True, response=RestMe),
    Endpoint(
        "GET",
        BASE + "activityTypes",
        activity_types,
        "The activity types.",
        TAG,
        envelope=True,
        response=RestActivityTypes,
    ),
    Endpoint(
        "GET",
        BASE + "workLogs",
        work_logs,
        "Work logs, oldest first, paged.",
        TAG,
        envelope=True,
        query=(COUNT, SKIP, FROM, TO),
        response=RestWorkLog,
        response_list=True,
    ),
    Endpoint(
        "POST",
        BASE + "workLogs",
        create_work_log,
        "Creates a manual work log.",
        TAG,
        envelope=True,
        body=RestWorkLogCreate,
        body_required=True,
        body_rules=CREATE_RULES,
        response=RestWorkLog,
    ),
    Endpoint(
        "PATCH",
        BASE + "workLogs/{id}",
        patch_work_log,
        "Changes a work log (e.g. trims a tracked one's length).",
        TAG,
        envelope=True,
        body=RestWorkLogPatch,
        body_required=True,
        body_rules=PATCH_RULES,
        response=RestWorkLog,
        statuses=(409,),  # a running work log's length; neither work item nor comment left
    ),
]
