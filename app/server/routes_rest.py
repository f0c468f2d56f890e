"""The REST subset of §6 a tray needs (answers wrapped as {"data": …}).

Work logs can be listed, created, changed (PATCH: start `timestamp`, end through `length`,
`comment`, `activityTypeId`, `billableLength`, `workItemId`) and deleted. What is known of
`DELETE /api/rest/workLogs/{id}?api-version=3.2` [doc: 7pace's REST CRUD API 3 page, "deletes
worklog from system"; its OpenAPI reference as read by generated clients]: it answers 200 with
`{"data": …}` of no stated type, and lists 400, 401, 403, 409 "Data conflict", 422, 429 and 500.
Decisions where nothing is known:
- The answer is `{"data": null}`: a client learns all it needs from the 200.
- An unknown id (or one that is no GUID) answers 404 `EntityNotFound`, as PATCH and every
  other unknown entity do (7pace lists no 404 for DELETE; what it answers is not documented).
- A work log still being tracked is refused with 409 `WorkLogIsRunning`, as PATCHing its
  length is: stop tracking first (app/server/engine.py).
- Someone else's work log (403 `AccessDenied` in 7pace) cannot occur: this server has one user.
"""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.requests import Request

from app.api.models import (
    RestActivityTypes,
    RestMe,
    RestWorkLog,
    RestWorkLogCreate,
    RestWorkLogPatch,
)
from app.server.bodies import BodyRules, FieldRule
from app.server.endpoints import Endpoint, QueryParam, Services
from app.server.engine import MAX_WORK_LOG_LENGTH
from app.server.errors import (
    LENGTH_POSITIVE,
    LENGTH_REQUIRED,
    WORK_ITEM_OR_COMMENT_REQUIRED,
    not_found,
)
from app.server.parsing import json_body, param

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


# The work log bodies' rules, declared once: they bind and check the bodies, and the OpenAPI
# document states them (app/server/bodies.py).
YEARS = (1971, 2999)  # what the store holds
_LENGTH = FieldRule(
    "integer",
    1,
    MAX_WORK_LOG_LENGTH,  # a manual work log longer than a day is a typo
    missing_code=LENGTH_REQUIRED,
    low_code=LENGTH_POSITIVE,
    what=" (seconds)",
)
CREATE = BodyRules(
    RestWorkLogCreate,
    "POST workLogs",
    CREATE_EXAMPLE,
    fields={
        "timestamp": FieldRule("date-time", years=YEARS, required=True, what=" (the start)"),
        "length": replace(_LENGTH, required=True),
    },
    one_of=("workItemId", "comment"),
    one_of_code=WORK_ITEM_OR_COMMENT_REQUIRED,
    other_names=TRACKING_NAMES,
)
PATCH = BodyRules(
    RestWorkLogPatch,
    "PATCH workLogs",
    PATCH_EXAMPLE,
    fields={
        "timestamp": FieldRule("date-time", years=YEARS),  # null: left as it is
        "length": replace(_LENGTH, nullable=False),
    },
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
    body = CREATE.bind(await json_body(request, required=True, example=CREATE_EXAMPLE)).model
    return s.engine.create_work_log(
        body.timestamp,
        body.length,
        body.billable_length,
        body.work_item_id,
        body.comment,
        body.activity_type_id,
    )


def _work_log_id(request: Request) -> str:
    log_id = str(request.path_params["id"])
    if not _GUID.fullmatch(log_id):
        raise not_found(f"Work log {log_id!r} does not exist (work log ids are GUIDs).")
    return log_id.lower()


async def patch_work_log(request: Request, s: Services) -> RestWorkLog:
    log_id = _work_log_id(request)
    bound = PATCH.bind(await json_body(request, required=True, example=PATCH_EXAMPLE))
    changes = {name: getattr(bound.model, name) for name in bound.present}
    return s.engine.patch_work_log(log_id, changes)


async def delete_work_log(request: Request, s: Services) -> None:
    s.engine.delete_work_log(_work_log_id(request))  # any body is ignored, as 7pace's is


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
        body_rules=CREATE,
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
        body_rules=PATCH,
        response=RestWorkLog,
        statuses=(409,),  # a running work log's length; neither work item nor comment left
    ),
    Endpoint(
        "DELETE",
        BASE + "workLogs/{id}",
        delete_work_log,
        'Deletes a work log (not one still being tracked). Answers {"data": null}.',
        TAG,
        envelope=True,
        response_schema={"type": "null"},
        statuses=(409,),  # a running work log
    ),
]
