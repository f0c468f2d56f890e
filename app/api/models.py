"""Wire models of the 7pace Tracking API 3.2, shared by the client and the local server.

Answers are read tolerantly (see shared/reference/tracking-api.md §3): unknown fields are kept,
optional fields may be missing, enums arrive as numbers, camelCase or PascalCase, and dates
carry up to 7 fractional digits with or without an offset (none: UTC for tracking times).
Request bodies are strict: a field the API does not define cannot be sent (`RequestModel`).

The models are plain dataclasses read and written by app/api/wire.py; the server derives its
pydantic models (strict request validation, the OpenAPI document) from these same declarations
(app/server/wire_schema.py), so the client never loads pydantic.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Annotated, Any, TypeVar

from app.api.wire import RequestModel as RequestModel
from app.api.wire import Wire, camel, read
from app.api.wire import WireError as WireError
from app.api.wire import WireModel as WireModel

API_VERSION = "3.2"
NOT_SET_ACTIVITY_ID = "00000000-0000-0000-0000-000000000000"


# --- enums ---------------------------------------------------------------------------------


class TrackingStateKind(IntEnum):
    """`track.trackingState` [doc]."""

    TRACKING = 0
    IDLE = 1
    IDLE_CHECK = 2
    ACTIVITY_CHECK = 3
    CLIENT_INPUT_REQUIRED = 4


class StoppedTrackType(IntEnum):
    """`track.stoppedTrackType` [community]."""

    TRACKING = 0
    STOPPED_BY_ACTIVITY_CHECK = 1
    STOPPED_BY_PING = 2
    STOPPED_BY_CLIENT_CONDITION = 3
    STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED = 4
    IDLE = 5
    STOPPED_BY_CONCURENCY = 6  # sic, as 7pace spells it


class ResponseState(IntEnum):
    """`trackSettings.responseState` [doc]."""

    OK = 0
    WARNING = 1
    ERROR = 2
    AUTH_ERROR = 3


class StopReason(IntEnum):
    """`stopTracking?$reason=` [doc][community]."""

    USER = 0
    MACHINE = 1


class SnoozeOption(IntEnum):
    """`idleCheck/{selectedOption}` [community]."""

    ONE_HOUR = 0
    TOMORROW = 1
    NEXT_MONDAY = 2


class PinStatus(StrEnum):
    VALIDATING = "Validating"
    VALIDATED = "Validated"
    WRONG_OR_EXPIRED = "WrongOrExpired"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


E = TypeVar("E", bound=IntEnum)


def _enum_parser(enum: type[E]) -> Callable[[Any], E]:
    by_name = {_norm(member.name): member for member in enum}

    def parse(value: Any) -> E:
        if isinstance(value, enum):
            return value
        if isinstance(value, bool):
            raise ValueError(f"{enum.__name__}: booleans are not valid")
        if isinstance(value, int):
            return enum(value)
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"-?\d+", text):
                return enum(int(text))
            member = by_name.get(_norm(text))
            if member is not None:
                return member
        raise ValueError(f"{enum.__name__}: unknown value {value!r}")

    return parse


def camel_name(member: IntEnum) -> str:
    """`ACTIVITY_CHECK` -> `activityCheck`, the form the local server sends."""
    return camel(member.name.lower())


# `responseState` as 7pace's model spells it [doc][community]: "OK", not "Ok".
RESPONSE_STATE_NAMES = {
    ResponseState.OK: "OK",
    ResponseState.WARNING: "Warning",
    ResponseState.ERROR: "Error",
    ResponseState.AUTH_ERROR: "AuthError",
}


def response_state_name(member: ResponseState) -> str:
    return RESPONSE_STATE_NAMES[member]


TrackingStateField = Annotated[
    TrackingStateKind,
    Wire(
        parse=_enum_parser(TrackingStateKind),
        dump=camel_name,
        dump_type=str,
        schema={"type": "string", "enum": [camel_name(m) for m in TrackingStateKind]},
    ),
]
StoppedTrackTypeField = Annotated[
    StoppedTrackType,
    Wire(
        parse=_enum_parser(StoppedTrackType),
        dump=int,
        dump_type=int,
        schema={"type": "integer", "enum": [int(m) for m in StoppedTrackType]},
    ),
]
ResponseStateField = Annotated[
    ResponseState,
    Wire(
        parse=_enum_parser(ResponseState),
        dump=response_state_name,
        dump_type=str,
        schema={"type": "string", "enum": list(RESPONSE_STATE_NAMES.values())},
    ),
]


# --- dates ---------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:[.,](?P<frac>\d{1,9}))?(?P<tz>Z|z|[+-]\d{2}:?\d{2})?$",
    re.ASCII,  # \d: 0-9 only (int() would read an offset in other scripts' digits)
)


def parse_wire_datetime(value: Any) -> datetime:
    """ISO-8601 with up to 7 (we accept 9) fractional digits, with or without an offset."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    match = _DATE_RE.match(value.strip())
    if match is None:
        raise ValueError(f"not an ISO-8601 date: {value!r}")
    time = match["time"] if match["time"].count(":") == 2 else match["time"] + ":00"
    frac = (match["frac"] or "0")[:6].ljust(6, "0")
    parsed = datetime.fromisoformat(f"{match['date']}T{time}.{frac}")
    tz = match["tz"]
    if tz in ("Z", "z"):
        return parsed.replace(tzinfo=UTC)
    if tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return parsed.replace(tzinfo=timezone(sign * offset))
    return parsed


def format_wire_datetime(value: datetime) -> str:
    """The one form the server writes every date-time in, as the .NET service does:
    `2026-12-04T20:35:50.4812340`, no offset, always 7 fraction digits.

    An aware value is written as UTC (tracking times); a naive one as it is (REST work log
    times, local wall-clock). A client used against the live service rejects a trailing `Z`
    and a time without fraction digits [community, tracking-api.md §7].
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond:06d}0"


def format_request_datetime(value: datetime) -> str:
    """What our client sends (REST work log times, `$fromTimestamp`): explicit when it can be,
    i.e. with the offset of an aware value, so no zone has to be guessed at the server."""
    if value.tzinfo is not None and value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    return value.isoformat(timespec="milliseconds")


def _utc(value: Any) -> datetime:
    moment = parse_wire_datetime(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


WIRE_DATETIME_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$",
    "examples": ["2026-12-04T20:35:50.4812340"],
}

# Tracking times (track, latest): UTC; without an offset they are read as UTC.
UtcDateTime = Annotated[
    datetime,
    Wire(
        parse=_utc,
        dump=format_wire_datetime,
        dump_type=str,
        schema={**WIRE_DATETIME_SCHEMA, "description": "UTC, no offset"},
    ),
]
# REST work log times in answers: local wall-clock times without an offset [doc], kept naive.
WireDateTime = Annotated[
    datetime,
    Wire(
        parse=parse_wire_datetime,
        dump=format_wire_datetime,
        dump_type=str,
        schema={**WIRE_DATETIME_SCHEMA, "description": "local wall-clock time, no offset"},
    ),
]
# REST work log times in requests: an offset is kept when given.
RequestDateTime = Annotated[
    datetime,
    Wire(parse=parse_wire_datetime, dump=format_request_datetime, dump_type=str),
]


def _int_or_numeric_string(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.0+)?\s*", value):
        return int(float(value))
    return value


LenientInt = Annotated[int, Wire(parse=_int_or_numeric_string)]


# --- tracking state ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WorkItem(WireModel):
    id: int
    title: str | None = None
    color: str | None = None
    team_project: str | None = None
    type: str | None = None
    work_item_link: str | None = None
    effort: float | None = None
    parent: Any = None


@dataclass(frozen=True, kw_only=True)
class ActivityCheck(WireModel):
    is_running: bool = False
    seconds_left: int | None = None


@dataclass(frozen=True, kw_only=True)
class Track(WireModel):
    tfs_id: int | None = None
    remark: str | None = None
    activity_type_id: str | None = None
    work_item: WorkItem | None = None
    tracking_state: TrackingStateField = TrackingStateKind.IDLE
    stopped_track_type: StoppedTrackTypeField = StoppedTrackType.TRACKING
    activity_check: ActivityCheck | None = None
    current_track_length: int | None = None
    total_me_today_length: int | None = None
    total_me_length: int | None = None
    total_team_length: int | None = None
    track_adjustment_length: int | None = None
    current_track_started_date_time: UtcDateTime | None = None
    track_status_change_date: UtcDateTime | None = None
    track_time_zone: int | None = None
    work_log_id: str | None = None
    is_billable: bool | None = None

    @property
    def is_tracking(self) -> bool:
        return self.tracking_state in (
            TrackingStateKind.TRACKING,
            TrackingStateKind.ACTIVITY_CHECK,
            TrackingStateKind.IDLE_CHECK,
        )

    @property
    def check_running(self) -> bool:
        return self.activity_check is not None and self.activity_check.is_running


@dataclass(frozen=True, kw_only=True)
class TrackSettings(WireModel):
    is_tracking_start_allowed: bool = True
    response_state: ResponseStateField = ResponseState.OK
    response_message: str | None = None


@dataclass(frozen=True, kw_only=True)
class ActivityType(WireModel):
    id: str
    name: str
    color: str | None = None
    is_default: bool = False
    is_not_set: bool = False


@dataclass(frozen=True, kw_only=True)
class ActivityTypeSettings(WireModel):
    is_enabled: bool = True
    default_activity: str | None = None
    activity_types: list[ActivityType] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class UserInfo(WireModel):
    user_id: str | None = None
    user_name: str | None = None
    user_unique_name: str | None = None
    application_version: str | None = None
    team_services_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ClientSettings(WireModel):
    activity_type: ActivityTypeSettings | None = None
    user_info: UserInfo | None = None


@dataclass(frozen=True, kw_only=True)
class TrackingState(WireModel):
    """`trackingStateModel`: the answer of every state-changing tracking call."""

    track: Track = field(default_factory=Track)
    track_settings: TrackSettings = field(default_factory=TrackSettings)
    settings: ClientSettings | None = None
    timestamp: int = 0


@dataclass(frozen=True, kw_only=True)
class LatestWorkLog(WireModel):
    id: str | None = None
    remark: str | None = None
    start_time: UtcDateTime | None = None
    end_time: UtcDateTime | None = None
    period_length: int | None = None
    activity_type_id: str | None = None
    work_item: WorkItem | None = None


@dataclass(frozen=True, kw_only=True)
class LatestResult(WireModel):
    count: int = 0
    work_logs: list[LatestWorkLog] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SearchHit(WireModel):
    group_name: str | None = None
    work_item: WorkItem


@dataclass(frozen=True, kw_only=True)
class SearchResult(WireModel):
    query: str | None = None
    count: int = 0
    work_items: list[SearchHit] = field(default_factory=list)


# --- requests ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SelectRequest(RequestModel):
    tfs_id: int | None = None
    remark: str | None = None
    activity_type_id: str | None = None
    calculate_totals: bool | None = None


@dataclass(frozen=True, kw_only=True)
class StartRequest(RequestModel):
    time_zone: int
    tfs_id: int | None = None
    remark: str | None = None
    activity_type_id: str | None = None
    is_billable: bool | None = None


@dataclass(frozen=True, kw_only=True)
class AdjustRequest(RequestModel):
    remark: str | None = None
    activity_type_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SearchByQueryRequest(RequestModel):
    query: str


# --- auth ----------------------------------------------------------------------------------


def _pin_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) else value


@dataclass(frozen=True, kw_only=True)
class PinCreateResponse(WireModel):
    pin: Annotated[str, Wire(parse=_pin_as_text)]
    secret: str


@dataclass(frozen=True, kw_only=True)
class PinStatusResponse(WireModel):
    status: PinStatus


def _http_date(value: Any) -> datetime | None:
    """An RFC 1123 date (`Mon, 09 Mar 2020 21:32:20 GMT`) as OWIN writes `.expires`; ISO
    accepted too; anything else is ignored (the token stays usable through `expires_in`)."""
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = parse_wire_datetime(value)
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def format_http_date(value: datetime) -> str:
    return email.utils.format_datetime(value.astimezone(UTC), usegmt=True)


def _http_date_text(value: datetime | None) -> str | None:
    return None if value is None else format_http_date(value)


HttpDate = Annotated[
    datetime | None,
    Wire(
        parse=_http_date,
        dump=_http_date_text,
        dump_type=str | None,
        schema={
            "type": "string",
            "description": "RFC 1123",
            "examples": ["Mon, 09 Mar 2020 21:32:20 GMT"],
        },
    ),
]


@dataclass(frozen=True, kw_only=True)
class TokenResponse(WireModel):
    """OAuth token answer as an OWIN token endpoint writes it: snake_case, `expires_in` as
    number (or numeric string), `.issued`/`.expires` as RFC 1123 dates, `client_id`."""

    wire_camel = False

    access_token: str
    token_type: str = "bearer"
    expires_in: LenientInt = 3600
    refresh_token: str | None = None
    client_id: str | None = None
    issued: Annotated[HttpDate, Wire(name=".issued")] = None
    expires: Annotated[HttpDate, Wire(name=".expires")] = None


# --- errors --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ErrorDetail(WireModel):
    status_code: int | None = None
    error_code: str | None = None
    error_description: str | None = None
    message: str | None = None


@dataclass(frozen=True, kw_only=True)
class ErrorBody(WireModel):
    error: ErrorDetail


# --- REST subset (§6) ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WorkLogFlags(WireModel):
    is_tracked: bool = False
    is_manually_entered: bool = False
    is_billable: bool = False


@dataclass(frozen=True, kw_only=True)
class RestUser(WireModel):
    id: str | None = None
    name: str | None = None
    unique_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class RestActivityTypeRef(WireModel):
    id: str
    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class RestWorkLog(WireModel):
    id: str
    timestamp: WireDateTime
    length: int
    billable_length: int | None = None
    work_item_id: int | None = None
    comment: str | None = None
    activity_type: RestActivityTypeRef | None = None
    user: RestUser | None = None
    flags: WorkLogFlags = field(default_factory=WorkLogFlags)


@dataclass(frozen=True, kw_only=True)
class RestWorkLogCreate(RequestModel):
    timestamp: RequestDateTime
    length: int
    billable_length: int | None = None
    work_item_id: int | None = None
    comment: str | None = None
    activity_type_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RestWorkLogPatch(RequestModel):
    timestamp: RequestDateTime | None = None
    length: int | None = None
    billable_length: int | None = None
    work_item_id: int | None = None
    comment: str | None = None
    activity_type_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RestMe(WireModel):
    user: RestUser | None = None
    time_zone: Any = None
    default_activity_type: RestActivityTypeRef | None = None


@dataclass(frozen=True, kw_only=True)
class RestActivityTypes(WireModel):
    enabled: bool = True
    activity_types: list[ActivityType] = field(default_factory=list)
    system_default_activity_type_id: str | None = None


# --- envelopes -----------------------------------------------------------------------------

M = TypeVar("M", bound=WireModel)


def unwrap(payload: Any) -> Any:
    """Accept a bare object or a `{"data": …}` envelope (the REST family wraps, tracking not)."""
    if isinstance(payload, dict) and "data" in payload and len(payload) <= 2:
        # `{"data": …}` possibly next to a `meta`/`error` key; a real model never has `data`.
        return payload["data"]
    return payload


def parse_model(model: type[M], payload: Any) -> M:
    """Read `payload` (bare or enveloped) as `model`; raises WireError."""
    return read(model, unwrap(payload))
