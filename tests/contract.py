"""The wire contract, in one place: for every call the request forms accepted and the exact
answer shape (tracking-api.md §1-§3, §6, §7).

Both sides read it: tests/server/test_wire_contract.py sends every form to the real server and
checks each answer against its shape; tests/api/test_wire_models.py checks that the client's
models read exactly these fields and send exactly the reference's request fields. A change on
one side alone fails the other's test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The one form the server writes date-times in (.NET "o" without an offset, 7 fraction digits).
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$")
# What a client used against the live service parses: 0-7 fraction digits, no offset [§7].
DOTNET_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?$")
# OWIN's `.issued` / `.expires`: RFC 1123.
RFC1123 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d GMT$"
)
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

TRACKING_STATES = ("tracking", "idle", "idleCheck", "activityCheck", "clientInputRequired")
STOPPED_TRACK_TYPES = (0, 1, 2, 3, 4, 5, 6)  # numbers, 0 Tracking ... 6 StoppedByConcurency
RESPONSE_STATES = ("OK", "Warning", "Error", "AuthError")
PIN_STATUSES = ("Validating", "Validated", "WrongOrExpired")
ERROR_CODES = (  # 7pace's documented codes [doc]; the server answers no other
    "UnexpectedError",
    "UnknownError",
    "ApiDisabled",
    "LicenseReadOnly",
    "ActivityTypeDisabled",
    "ApiVersionError",
    "QuoteExceededError",
    "UnauthorizedError",
    "AccessDenied",
    "EntityNotFound",
    "WorkItemIdOrCommentRequired",
    "LengthIsRequired",
    "LengthMustBePositive",
)


@dataclass(frozen=True)
class F:
    """One field: its JSON kind, whether null is allowed, the exact values of an enum, the
    shape of an object (or of a list's items). `ours`: a field this project adds (7pace's
    clients ignore unknown fields); `partial`: an object whose fields may be missing."""

    kind: str  # int, number, str, bool, datetime, guid, object, list, any
    null: bool = False
    values: tuple[Any, ...] = ()
    shape: Mapping[str, F] | None = None
    ours: bool = False
    partial: bool = False


Shape = Mapping[str, F]

WORK_ITEM: Shape = {
    "id": F("int"),
    "title": F("str", null=True),
    "color": F("str", null=True),
    "teamProject": F("str", null=True),
    "type": F("str", null=True),
    "workItemLink": F("str", null=True),
    "effort": F("number", null=True),
    "parent": F("any", null=True),  # a partial work item
}
ACTIVITY_CHECK: Shape = {"isRunning": F("bool"), "secondsLeft": F("int", null=True)}
TRACK: Shape = {
    "tfsId": F("int", null=True),
    "remark": F("str", null=True),
    "activityTypeId": F("guid", null=True),
    "workItem": F("object", null=True, shape=WORK_ITEM),
    "trackingState": F("str", values=TRACKING_STATES),
    "stoppedTrackType": F("int", values=STOPPED_TRACK_TYPES),
    "activityCheck": F("object", null=True, shape=ACTIVITY_CHECK),
    "currentTrackLength": F("int", null=True),
    "totalMeTodayLength": F("int", null=True),
    "totalMeLength": F("int", null=True),
    "totalTeamLength": F("int", null=True),
    "trackAdjustmentLength": F("int", null=True),
    "currentTrackStartedDateTime": F("datetime", null=True),
    "trackStatusChangeDate": F("datetime"),
    "trackTimeZone": F("int", null=True),
    "workLogId": F("guid", null=True),
    "isBillable": F("bool", null=True, ours=True),
}
TRACK_SETTINGS: Shape = {
    "isTrackingStartAllowed": F("bool"),
    "responseState": F("str", values=RESPONSE_STATES),
    "responseMessage": F("str", null=True),
}
ACTIVITY_TYPE: Shape = {
    "id": F("guid"),
    "name": F("str"),
    "color": F("str", null=True),
    "isDefault": F("bool"),
    "isNotSet": F("bool"),
}
SETTINGS: Shape = {
    "activityType": F(
        "object",
        shape={
            "isEnabled": F("bool"),
            "defaultActivity": F("guid", null=True),
            "activityTypes": F("list", shape=ACTIVITY_TYPE),
        },
    ),
    "userInfo": F(
        "object",
        shape={
            "userId": F("str", null=True),
            "userName": F("str", null=True),
            "userUniqueName": F("str", null=True),
            "applicationVersion": F("str", null=True),
            "teamServicesUrl": F("str", null=True),
        },
    ),
}
TRACKING_STATE: Shape = {
    "track": F("object", shape=TRACK),
    "trackSettings": F("object", shape=TRACK_SETTINGS),
    "settings": F("object", null=True, shape=SETTINGS),
    "timestamp": F("int"),
}
# `current` always carries settings [decision, §7: a live-used client reads it after current/false]
CURRENT_STATE: Shape = {**TRACKING_STATE, "settings": F("object", shape=SETTINGS)}
LATEST: Shape = {
    "count": F("int"),
    "workLogs": F(
        "list",
        shape={
            "id": F("guid"),
            "remark": F("str", null=True),
            "startTime": F("datetime"),
            "endTime": F("datetime", null=True),
            "periodLength": F("int"),
            "activityTypeId": F("guid", null=True),
            "workItem": F("object", null=True, shape=WORK_ITEM),
        },
    ),
}
SEARCH: Shape = {
    "query": F("str"),
    "count": F("int"),
    "workItems": F("list", shape={"groupName": F("str"), "workItem": F("object", shape=WORK_ITEM)}),
}
PIN_CREATE: Shape = {"pin": F("str"), "secret": F("str")}
PIN_STATUS: Shape = {"status": F("str", values=PIN_STATUSES)}
TOKEN: Shape = {
    "access_token": F("str"),
    "token_type": F("str", values=("bearer",)),
    "expires_in": F("int"),
    "refresh_token": F("str"),
    "client_id": F("str", values=("OpenApi",)),
    ".issued": F("rfc1123"),
    ".expires": F("rfc1123"),
}
REF: Shape = {"id": F("str", null=True), "name": F("str", null=True)}
REST_WORK_LOG: Shape = {
    "id": F("guid"),
    "timestamp": F("datetime"),  # local wall-clock time, same textual form
    "length": F("int"),
    "billableLength": F("int", null=True),
    "workItemId": F("int", null=True),
    "comment": F("str", null=True),
    "activityType": F("object", null=True, shape=REF),
    "user": F("object", null=True, shape={**REF, "uniqueName": F("str", null=True)}),
    "flags": F(
        "object",
        shape={"isTracked": F("bool"), "isManuallyEntered": F("bool"), "isBillable": F("bool")},
    ),
}
REST_ME: Shape = {
    "user": F("object", shape={**REF, "uniqueName": F("str", null=True)}),
    "timeZone": F("int"),
    "defaultActivityType": F("object", shape=REF),
}
REST_ACTIVITY_TYPES: Shape = {
    "enabled": F("bool"),
    "activityTypes": F("list", shape=ACTIVITY_TYPE),
    "systemDefaultActivityTypeId": F("guid"),
}
ERROR: Shape = {
    "error": F(
        "object",
        shape={
            "statusCode": F("int"),
            "errorCode": F("str"),
            "errorDescription": F("str"),
            "message": F("str"),
        },
    )
}

# The request bodies' fields, as the reference lists them (seed-tracking-api.txt; §6).
REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "selected": ("tfsId", "remark", "activityTypeId", "calculateTotals"),
    "startTracking": ("timeZone", "tfsId", "remark", "activityTypeId", "isBillable"),
    "adjust": ("remark", "activityTypeId"),
    "searchByQuery": ("query",),
    # §6 names activityType on a work log; a write names it by id.
    "POST workLogs": (
        "timestamp",
        "length",
        "billableLength",
        "workItemId",
        "comment",
        "activityTypeId",
        "userId",
    ),
    "PATCH workLogs": (
        "timestamp",
        "length",
        "billableLength",
        "workItemId",
        "comment",
        "activityTypeId",
    ),
}


@dataclass(frozen=True)
class Form:
    """One accepted request: the target (path and query, `api-version` included where the call
    takes it), the raw body (None: no body at all) and its Content-Type."""

    target: str
    body: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Call:
    method: str
    forms: tuple[Form, ...]
    answer: Shape | None  # None: the answer (its `data`) is null
    envelope: bool = False  # REST answers are {"data": ...}
    answer_list: bool = False
    setup: str | None = None  # "tracking", "check", "work_log", "pin": what must exist first
    fields: tuple[str, ...] = field(default=())


T = "/api/tracking/client/"
R = "/api/rest/"
V = "api-version=3.2"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
WORK_LOG_ID = "{work_log_id}"  # filled in by the test from the setup
SECRET = "{secret}"

CALLS: dict[str, Call] = {
    "current": Call(
        "GET",
        (
            Form(f"{T}current?{V}"),
            Form(f"{T}current?$expand=true&{V}"),
            Form(f"{T}current?{V}&expand=true"),  # the .NET tray app's form, no `$`
            Form(f"{T}current/true?{V}"),
            Form(f"{T}current/false?{V}"),
        ),
        CURRENT_STATE,
    ),
    "selected": Call(
        "POST",
        (
            Form(f"{T}selected?{V}", b'{"tfsId": 1201, "remark": "r"}', JSON),
            Form(
                f"{T}selected?{V}",
                b'{"tfsId":null,"remark":null,"activityTypeId":null,"calculateTotals":null}',
                JSON,
            ),
            Form(f"{T}selected?{V}", b"{}", JSON),
        ),
        TRACK,
        fields=REQUEST_FIELDS["selected"],
    ),
    "latest": Call(
        "GET",
        (
            Form(f"{T}latest?{V}"),
            Form(f"{T}latest?$count=5&{V}"),
            Form(f"{T}latest/10?{V}"),
        ),
        LATEST,
        setup="tracking",
    ),
    "startTracking": Call(
        "POST",
        (
            Form(f"{T}startTracking?{V}", b'{"timeZone": 60, "tfsId": 1201}', JSON),
            Form(
                f"{T}startTracking?{V}",
                b'{"timeZone":0,"tfsId":1201,"remark":"","activityTypeId":""}',
                JSON,
            ),
            Form(f"{T}startTracking?{V}", b'{"timeZone": -300, "remark": "r"}', JSON),
        ),
        TRACKING_STATE,
        fields=REQUEST_FIELDS["startTracking"],
    ),
    "stopTracking": Call(
        "POST",
        (
            Form(f"{T}stopTracking?{V}"),
            Form(f"{T}stopTracking?$reason=1&{V}"),
            Form(f"{T}stopTracking/0?{V}", b""),
            Form(f"{T}stopTracking/0?{V}", b"", JSON),
        ),
        TRACKING_STATE,
        setup="tracking",
    ),
    "idleCheck": Call(
        "POST",
        (Form(f"{T}idleCheck/0?{V}"), Form(f"{T}idleCheck?selectedOption=2&{V}")),
        TRACKING_STATE,
        setup="check",
    ),
    "activityCheck": Call("POST", (Form(f"{T}activityCheck?{V}"),), TRACKING_STATE, setup="check"),
    "adjust": Call(
        "POST",
        (
            Form(f"{T}adjust?{V}", b'{"remark": "new"}', JSON),
            Form(f"{T}adjust?{V}", b'{"remark": "new", "activityTypeId": "Testing"}', JSON),
        ),
        TRACKING_STATE,
        setup="tracking",
        fields=REQUEST_FIELDS["adjust"],
    ),
    "search": Call(
        "POST",
        (
            Form(f"{T}search?{V}", b"1201", JSON),  # raw, unquoted (IntelliJ plugin)
            Form(f"{T}search?{V}", b'"1201"', JSON),
        ),
        SEARCH,
    ),
    "searchByQuery": Call(
        "POST",
        (
            Form(f"{T}searchByQuery?{V}", b'{"query": "checkout"}', JSON),
            Form(f"{T}searchByQuery?{V}", b'"checkout"', JSON),  # a bare query, as hubs pass it
        ),
        SEARCH,
        fields=REQUEST_FIELDS["searchByQuery"],
    ),
    "pin/create": Call(
        "POST",
        (Form(f"/api/pin/create?{V}"), Form(f"/api/pin/create?{V}", b"", "text/plain")),
        PIN_CREATE,
    ),
    "pin/status": Call(
        "POST",
        (Form(f"/api/pin/status?{V}", b'"' + SECRET.encode() + b'"', JSON),),
        PIN_STATUS,
        setup="pin",
    ),
    "token": Call(
        "POST",
        (
            Form(
                "/token",
                b"client_id=OpenApi&grant_type=authorization_code&code=" + SECRET.encode(),
                FORM,
            ),
        ),
        TOKEN,
        setup="pin",
    ),
    "me": Call("GET", (Form(f"{R}me?{V}"),), REST_ME, envelope=True),
    "activityTypes": Call(
        "GET", (Form(f"{R}activityTypes?{V}"),), REST_ACTIVITY_TYPES, envelope=True
    ),
    "GET workLogs": Call(
        "GET",
        (
            Form(f"{R}workLogs?{V}"),
            Form(
                f"{R}workLogs?$count=5&$skip=0&$fromTimestamp=2020-01-01T00:00:00"
                f"&$toTimestamp=2999-01-01T00:00:00.0000000&{V}"
            ),
        ),
        REST_WORK_LOG,
        envelope=True,
        answer_list=True,
        setup="work_log",
    ),
    "POST workLogs": Call(
        "POST",
        (
            Form(
                f"{R}workLogs?{V}",
                b'{"timestamp": "2026-09-29T08:00:00", "length": 3600, "workItemId": 1201}',
                JSON,
            ),
            Form(
                f"{R}workLogs?{V}",
                b'{"timestamp": "2026-09-29T08:00:00.0000000", "length": 60, "comment": "c"}',
                JSON,
            ),
        ),
        REST_WORK_LOG,
        envelope=True,
        fields=REQUEST_FIELDS["POST workLogs"],
    ),
    "PATCH workLogs": Call(
        "PATCH",
        (Form(f"{R}workLogs/{WORK_LOG_ID}?{V}", b'{"length": 1800}', JSON),),
        REST_WORK_LOG,
        envelope=True,
        setup="work_log",
        fields=REQUEST_FIELDS["PATCH workLogs"],
    ),
    # 7pace states `{"data": …}` of no type [doc]; this server answers null [decision].
    "DELETE workLogs": Call(
        "DELETE",
        (Form(f"{R}workLogs/{WORK_LOG_ID}?{V}"), Form(f"{R}workLogs/{WORK_LOG_ID}?{V}", b"")),
        None,
        envelope=True,
        setup="work_log",
    ),
}

# The client's model of each answer (by name in app.api.models) and the call it reads it from.
ANSWER_MODELS: dict[str, tuple[str, Shape]] = {
    "TrackingState": ("current", TRACKING_STATE),
    "Track": ("selected", TRACK),
    "TrackSettings": ("current", TRACK_SETTINGS),
    "WorkItem": ("search", WORK_ITEM),
    "ActivityCheck": ("current", ACTIVITY_CHECK),
    "LatestResult": ("latest", LATEST),
    "SearchResult": ("search", SEARCH),
    "PinCreateResponse": ("pin/create", PIN_CREATE),
    "PinStatusResponse": ("pin/status", PIN_STATUS),
    "TokenResponse": ("token", TOKEN),
    "RestWorkLog": ("GET workLogs", REST_WORK_LOG),
    "RestMe": ("me", REST_ME),
    "RestActivityTypes": ("activityTypes", REST_ACTIVITY_TYPES),
    "ErrorDetail": ("error", ERROR["error"].shape or {}),
}
# The client's request model of each body.
REQUEST_MODELS: dict[str, str] = {
    "selected": "SelectRequest",
    "startTracking": "StartRequest",
    "adjust": "AdjustRequest",
    "searchByQuery": "SearchByQueryRequest",
    "POST workLogs": "RestWorkLogCreate",
    "PATCH workLogs": "RestWorkLogPatch",
}


def problems(value: Any, shape: Shape, where: str = "") -> list[str]:
    """Every way `value` differs from `shape`: missing or extra fields, wrong kinds or values."""
    if not isinstance(value, dict):
        return [f"{where or 'answer'}: not an object: {value!r}"]
    found: list[str] = []
    for name in value.keys() - shape.keys():
        found.append(f"{where}{name}: not in the contract")
    for name, spec in shape.items():
        if name not in value:
            found.append(f"{where}{name}: missing")
            continue
        found += field_problems(value[name], spec, f"{where}{name}")
    return found


def field_problems(value: Any, spec: F, where: str) -> list[str]:
    if value is None:
        return [] if spec.null else [f"{where}: null"]
    if spec.values and value not in spec.values:
        return [f"{where}: {value!r} is not one of {spec.values}"]
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "datetime": isinstance(value, str) and DATETIME.match(value) is not None,
        "rfc1123": isinstance(value, str) and RFC1123.match(value) is not None,
        "guid": isinstance(value, str) and GUID.match(value) is not None,
        "object": isinstance(value, dict),
        "list": isinstance(value, list),
        "any": True,
    }[spec.kind]
    if not ok:
        return [f"{where}: {value!r} is not a {spec.kind}"]
    if spec.kind == "object" and spec.shape is not None:
        return problems(value, spec.shape, where + ".")
    if spec.kind == "list" and spec.shape is not None:
        return [
            p for i, item in enumerate(value) for p in problems(item, spec.shape, f"{where}[{i}].")
        ]
    return []
