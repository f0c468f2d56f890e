"""`TrackingClient`: the 7pace Tracking API 3.2 (plus the REST subset a tray needs) as typed,
async methods. Wire forms follow shared/reference/tracking-api.md §2: `api-version` as a query
parameter, OData-style `$expand`/`$count`/`$reason`, `idleCheck/{option}` in path form, unset
optional fields omitted, empty bodies without Content-Type.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from app.api.auth import BearerAuth
from app.api.errors import SoftError
from app.api.models import (
    API_VERSION,
    AdjustRequest,
    LatestResult,
    ResponseState,
    RestActivityTypes,
    RestMe,
    RestWorkLog,
    RestWorkLogCreate,
    RestWorkLogPatch,
    SearchByQueryRequest,
    SearchResult,
    SelectRequest,
    SnoozeOption,
    StartRequest,
    StopReason,
    Track,
    TrackingState,
    format_request_datetime,
)
from app.api.responses import read_json, read_list, read_model, validate
from app.api.retry import RetryPolicy
from app.api.session import (
    DEFAULT_DEADLINE,
    JSON,
    MAX_ANSWER_BYTES,
    ApiSession,
    Query,
    Sleep,
    json_body,
)

TRACKING = "api/tracking/client/"
REST = "api/rest/"


def utc_offset_minutes(now: datetime) -> int:
    """Local UTC offset in minutes, east positive (Brussels in summer: 120)."""
    offset = now.utcoffset() if now.tzinfo is not None else now.astimezone().utcoffset()
    return round((offset or timedelta(0)).total_seconds() / 60)


def warning_of(state: TrackingState) -> str | None:
    """The message of a `Warning` answer, to show the user; None for any other answer."""
    settings = state.track_settings
    if settings.response_state is not ResponseState.WARNING:
        return None
    return (settings.response_message or "").strip() or "The server sent a warning."


def _check_soft_error(state: TrackingState) -> TrackingState:
    settings = state.track_settings
    if settings.response_state in (ResponseState.ERROR, ResponseState.AUTH_ERROR):
        text = (settings.response_message or "").strip()
        if settings.response_state is ResponseState.AUTH_ERROR:
            advice = "Check your 7pace sign-in (token or pairing)."
        else:
            advice = "Nothing was changed; check the values and try again."
        raise SoftError(
            f"The server refused: {text or settings.response_state.name.title()}. {advice}",
            state,
        )
    return state


def start_body(
    now: datetime,
    work_item_id: int | None,
    remark: str | None,
    activity_type_id: str | None,
    is_billable: bool | None,
) -> dict[str, Any]:
    """`startTracking`'s body (REST and hub); `timeZone` from `now`, at call time: DST-correct."""
    return StartRequest(
        time_zone=utc_offset_minutes(now),
        tfs_id=work_item_id,
        remark=remark,
        activity_type_id=activity_type_id,
        is_billable=is_billable,
    ).to_wire()


def select_body(
    work_item_id: int | None,
    remark: str | None,
    activity_type_id: str | None,
    calculate_totals: bool | None,
) -> dict[str, Any]:
    """`selected`'s body (REST and hub)."""
    return SelectRequest(
        tfs_id=work_item_id,
        remark=remark,
        activity_type_id=activity_type_id,
        calculate_totals=calculate_totals,
    ).to_wire()


def read_selected(payload: Any) -> Track:
    """`selected`'s answer: the `track` part [community]; a full state is accepted too."""
    inner = payload.get("data", payload) if isinstance(payload, dict) else payload
    if isinstance(inner, dict) and isinstance(inner.get("track"), dict):
        state = validate("TrackingState", inner, TrackingState.from_wire)
        return _check_soft_error(state).track
    return validate("Track", payload, Track.from_wire)


def _version(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [*extra, ("api-version", API_VERSION)]


class TrackingClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        deadline: float = DEFAULT_DEADLINE,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if auth is not None and token is not None:
            raise ValueError("pass either auth or token, not both")
        if token is not None:
            auth = BearerAuth(token)
        self._session = ApiSession(
            base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
            deadline=deadline,
            max_answer_bytes=max_answer_bytes,
            retry=retry,
            sleep=sleep,
            now=now,
        )

    @property
    def base_url(self) -> str:
        return self._session.base_url

    @property
    def session(self) -> ApiSession:
        """The session (and its one httpx client) this client sends through; the hub shares it."""
        return self._session

    @property
    def deadline(self) -> float:
        """Seconds one request may take, connect to last byte (see `session.deadline`)."""
        return self._session.deadline

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._session.aclose()

    # --- plumbing ------------------------------------------------------------------------

    async def _get(self, path: str, query: Query) -> httpx.Response:
        return await self._session.request("GET", path, query=query, idempotent=True)

    async def _post(
        self, path: str, body: Any = None, *, query: Query | None = None, idempotent: bool = False
    ) -> httpx.Response:
        return await self._session.request(
            "POST",
            path,
            query=_version() if query is None else query,
            body=None if body is None else json_body(body),
            content_type=None if body is None else JSON,
            idempotent=idempotent,
        )

    async def _state(self, response: httpx.Response) -> TrackingState:
        return _check_soft_error(read_model(TrackingState, response))

    # --- tracking calls ------------------------------------------------------------------

    async def current(self, expand: bool = False) -> TrackingState:
        query = _version(("$expand", "true")) if expand else _version()
        return await self._state(await self._get(TRACKING + "current", query))

    async def selected(
        self,
        work_item_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        calculate_totals: bool | None = None,
    ) -> Track:
        body = select_body(work_item_id, remark, activity_type_id, calculate_totals)
        return read_selected(read_json(await self._post(TRACKING + "selected", body)))

    async def latest(self, count: int | None = None) -> LatestResult:
        query = _version(("$count", str(count))) if count is not None else _version()
        return read_model(LatestResult, await self._get(TRACKING + "latest", query))

    async def start_tracking(
        self,
        work_item_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        is_billable: bool | None = None,
    ) -> TrackingState:
        body = start_body(self._session.now(), work_item_id, remark, activity_type_id, is_billable)
        return await self._state(await self._post(TRACKING + "startTracking", body))

    async def stop_tracking(self, reason: StopReason | None = None) -> TrackingState:
        query = _version() if reason is None else _version(("$reason", str(int(reason))))
        return await self._state(await self._post(TRACKING + "stopTracking", query=query))

    async def idle_check(self, option: SnoozeOption) -> TrackingState:
        path = f"{TRACKING}idleCheck/{int(SnoozeOption(option))}"
        return await self._state(await self._post(path))

    async def activity_check(self) -> TrackingState:
        return await self._state(await self._post(TRACKING + "activityCheck"))

    async def adjust(
        self, remark: str | None = None, activity_type_id: str | None = None
    ) -> TrackingState:
        body = AdjustRequest(remark=remark, activity_type_id=activity_type_id).to_wire()
        return await self._state(await self._post(TRACKING + "adjust", body))

    async def search(self, work_item_id: int) -> SearchResult:
        if isinstance(work_item_id, bool) or not isinstance(work_item_id, int):
            raise TypeError("work_item_id must be an int")
        response = await self._post(TRACKING + "search", work_item_id, idempotent=True)
        return read_model(SearchResult, response)

    async def search_by_query(self, query: str) -> SearchResult:
        body = SearchByQueryRequest(query=query).to_wire()
        response = await self._post(TRACKING + "searchByQuery", body, idempotent=True)
        return read_model(SearchResult, response)

    # --- REST subset (§6) ----------------------------------------------------------------

    async def me(self) -> RestMe:
        return read_model(RestMe, await self._get(REST + "me", _version()))

    async def activity_types(self) -> RestActivityTypes:
        return read_model(RestActivityTypes, await self._get(REST + "activityTypes", _version()))

    async def work_logs(
        self,
        count: int | None = None,
        skip: int | None = None,
        from_timestamp: datetime | None = None,
        to_timestamp: datetime | None = None,
    ) -> list[RestWorkLog]:
        extra: list[tuple[str, str]] = []
        if count is not None:
            extra.append(("$count", str(count)))
        if skip is not None:
            extra.append(("$skip", str(skip)))
        if from_timestamp is not None:
            extra.append(("$fromTimestamp", format_request_datetime(from_timestamp)))
        if to_timestamp is not None:
            extra.append(("$toTimestamp", format_request_datetime(to_timestamp)))
        return read_list(RestWorkLog, await self._get(REST + "workLogs", _version(*extra)))

    async def create_work_log(self, work_log: RestWorkLogCreate) -> RestWorkLog:
        response = await self._post(REST + "workLogs", work_log.to_wire())
        return read_model(RestWorkLog, response)

    async def patch_work_log(self, work_log_id: str, patch: RestWorkLogPatch) -> RestWorkLog:
        response = await self._session.request(
            "PATCH",
            f"{REST}workLogs/{quote(work_log_id, safe='')}",
            query=_version(),
            body=json_body(patch.to_wire()),
            content_type=JSON,
            idempotent=False,
        )
        return read_model(RestWorkLog, response)

    async def delete_work_log(self, work_log_id: str) -> None:
        """Deletes a work log. 7pace states no answer body beyond `{"data": …}`, so any 2xx
        means done and its body is not read. Like every write it is never retried: a retry
        after a lost answer would find the log gone (404) and report a failure that was not.
        Raises NotFoundError for an unknown id, ClientRequestError (409) for a log still
        being tracked, ForbiddenError for someone else's."""
        await self._session.request(
            "DELETE",
            f"{REST}workLogs/{quote(work_log_id, safe='')}",
            query=_version(),
            idempotent=False,
        )
