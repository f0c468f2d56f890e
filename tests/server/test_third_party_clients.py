"""The public third-party clients of tracking-api.md §7, replayed byte for byte against the real
server: their paths, query forms, headers and raw bodies, and what they read from the answers,
typed as they decode it.

The IntelliJ plugin's Jackson models are mirrored as data (`J*` below): a Java enum decodes
from its exact name or its ordinal, its LocalDateTime fields go through the plugin's
DateDeserializer (0-7 fraction digits after a dot, no offset; RFC 1123 for the token dates), and
a class without @JsonIgnoreProperties (Error) fails on any field it does not declare. It was
used on api-version 2.1, which 7pace retired in December 2023 [doc]; it is replayed on 3.2,
and 2.1 is refused with an error code it can decode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.server.clock import ManualClock
from tests.contract import DOTNET_DATETIME, ERROR_CODES, RESPONSE_STATES

from .conftest import AppFactory, asgi_client

# --- Jackson, as the IntelliJ plugin configures it ----------------------------------------

Check = Callable[[Any, str], list[str]]


def j_int(value: Any, where: str) -> list[str]:
    ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    return [] if ok else [f"{where}: {value!r} is no Integer/Long"]


def j_double(value: Any, where: str) -> list[str]:
    ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    return [] if ok else [f"{where}: {value!r} is no Double/Float"]


def j_string(value: Any, where: str) -> list[str]:
    return [] if value is None or isinstance(value, str) else [f"{where}: {value!r} is no String"]


def j_bool(value: Any, where: str) -> list[str]:
    return [] if value is None or isinstance(value, bool) else [f"{where}: {value!r} is no Boolean"]


def j_enum(*names: str) -> Check:
    def check(value: Any, where: str) -> list[str]:
        if value is None or value in names:
            return []
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
            return []  # Jackson reads a number as the ordinal
        return [f"{where}: {value!r} is none of {names}"]

    return check


# The plugin's DateDeserializer: ISO date, then `THH:mm:ss.` and 0-7 digits, or RFC 1123.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{0,7}$")
_RFC = re.compile(r"^\w*, \d{2} \w* \d{4} \d{2}:\d{2}:\d{2} \w{3}$")


def j_date(value: Any, where: str) -> list[str]:
    if value is None or (isinstance(value, str) and (_ISO.match(value) or _RFC.match(value))):
        return []
    return [f"{where}: {value!r} fails the plugin's DateDeserializer"]


@dataclass(frozen=True)
class J:
    """A Jackson bean: its properties; `strict` when it lacks @JsonIgnoreProperties."""

    props: dict[str, Check | J | JList]
    strict: bool = False

    def __call__(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is no object"]
        found = []
        if self.strict:
            found += [f"{where}.{k}: unknown property" for k in value.keys() - self.props.keys()]
        for name, check in self.props.items():
            found += check(value.get(name), f"{where}.{name}")
        return found


@dataclass(frozen=True)
class JList:
    item: Check | J

    def __call__(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            return [f"{where}: {value!r} is no list"]
        return [p for i, v in enumerate(value) for p in self.item(v, f"{where}[{i}]")]


WORK_ITEM = J(
    {
        "id": j_int,
        "title": j_string,
        "color": j_string,
        "teamProject": j_string,
        "type": j_string,
        "workItemLink": j_string,
        "effort": j_double,
    }
)
WORK_ITEM.props["parent"] = WORK_ITEM  # type: ignore[index]
TRACK = J(
    {
        "tfsId": j_int,
        "remark": j_string,
        "activityTypeId": j_string,
        "workItem": WORK_ITEM,
        "trackingState": j_enum(
            "tracking", "idle", "idleCheck", "activityCheck", "clientInputRequired"
        ),
        "stoppedTrackType": j_enum(
            "Tracking",
            "StoppedByActivityCheck",
            "StoppedByPing",
            "StoppedByClientCondition",
            "StoppedByMaxSingleTrackLengthExceeded",
            "Idle",
            "StoppedByConcurency",
        ),
        "activityCheck": J({"description": j_string, "isRunning": j_bool, "secondsLeft": j_int}),
        "currentTrackLength": j_int,
        "totalMeTodayLength": j_int,
        "totalMeLength": j_int,
        "totalTeamLength": j_int,
        "trackAdjustmentLength": j_int,
        "currentTrackStartedDateTime": j_date,
        "trackStatusChangeDate": j_string,
        "trackTimeZone": j_int,
    }
)
ACTIVITY_TYPE = J(
    {"id": j_string, "color": j_string, "name": j_string, "isDefault": j_bool, "isNotSet": j_bool}
)
TRACKING_STATE_MODEL = J(
    {
        "track": TRACK,
        "trackSettings": J(
            {
                "description": j_string,
                "isTrackingStartAllowed": j_bool,
                "responseState": j_enum("OK", "Warning", "Error", "AuthError"),
                "responseMessage": j_string,
            }
        ),
        "settings": J(
            {
                "description": j_string,
                "activityType": J(
                    {
                        "isEnabled": j_bool,
                        "defaultActivity": j_string,
                        "activityTypes": JList(ACTIVITY_TYPE),
                    }
                ),
                "userInfo": J(
                    {
                        "userId": j_string,
                        "userName": j_string,
                        "userUniqueName": j_string,
                        "encodedImage": j_string,
                        "applicationVersion": j_string,
                        "teamServicesUrl": j_string,
                        "projectId": j_string,
                    }
                ),
            }
        ),
    }
)
LATEST_WORK_LOGS = J(
    {
        "count": j_int,
        "workLogs": JList(
            J(
                {
                    "id": j_string,
                    "remark": j_string,
                    "startTime": j_date,
                    "endTime": j_date,
                    "periodLength": j_double,
                    "activityTypeId": j_string,
                    "workItem": WORK_ITEM,
                }
            )
        ),
    }
)
SEARCH_RESULT = J(
    {
        "query": j_string,
        "count": j_int,
        "workItems": JList(J({"groupName": j_string, "workItem": WORK_ITEM})),
    }
)
PIN_CONTEXT = J({"pin": j_string, "secret": j_string})
PIN_STATUS = J({"status": j_enum("WrongOrExpired", "Validated", "Validating")})
TOKEN = J(
    {
        "access_token": j_string,
        "token_type": j_string,
        "expires_in": j_int,
        "refresh_token": j_string,
        ".issued": j_date,
        ".expires": j_date,
        "client_id": j_string,
    }
)
ERROR = J(
    {
        "error": J(
            {
                "statusCode": j_int,
                "errorCode": j_enum(*ERROR_CODES),
                "errorDescription": j_string,
                "message": j_string,
            },
            strict=True,
        )
    },
    strict=True,
)


# --- the replays ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request as the client sends it; `{secret}`, `{access}`, `{refresh}` are filled from
    earlier answers. `reads`: the fields the client reads and must find (dotted paths)."""

    method: str
    target: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    decode: Check | None = None
    status: int = 200
    reads: tuple[str, ...] = ()


JSON = {"Content-Type": "application/json", "Accept": "application/json"}
BEARER = {"Authorization": "Bearer {access}"}
T = "/api/tracking/client/"
Q = "?api-version=3.2"

INTELLIJ = [
    Step("POST", "/api/pin/create" + Q, b"", {"Content-Type": "text/plain", "Content-Length": "0"},
         PIN_CONTEXT, reads=("pin", "secret")),
    Step("POST", "/api/pin/status" + Q, b'"{secret}"', JSON, PIN_STATUS, reads=("status",)),
    Step("POST", "/token" + Q,
         b"client_id=OpenApi&grant_type=authorization_code&code={secret}",
         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
         TOKEN, reads=("access_token", "refresh_token", ".expires")),
    Step("GET", T + "current/true" + Q, None, BEARER, TRACKING_STATE_MODEL,
         reads=("track.trackingState", "trackSettings.responseState", "settings.activityType")),
    Step("POST", T + "selected" + Q,
         b'{"tfsId":1201,"remark":null,"activityTypeId":null,"calculateTotals":null}',
         {**JSON, **BEARER}, TRACK, reads=("tfsId", "trackingState")),
    Step("POST", T + "startTracking" + Q,
         b'{"timeZone":0,"tfsId":1201,"remark":"","activityTypeId":""}',
         {**JSON, **BEARER}, TRACKING_STATE_MODEL,
         reads=("track.currentTrackStartedDateTime", "track.trackStatusChangeDate")),
    Step("GET", T + "current/false" + Q, None, BEARER, TRACKING_STATE_MODEL,
         reads=("track.tfsId", "track.stoppedTrackType")),
    Step("GET", T + "latest/10" + Q, None, BEARER, LATEST_WORK_LOGS,
         reads=("count", "workLogs")),
    Step("POST", T + "search" + Q, b"1201", {**JSON, **BEARER}, SEARCH_RESULT,
         reads=("workItems",)),
    Step("POST", T + "searchByQuery" + Q, b'{"query": "checkout"}', {**JSON, **BEARER},
         SEARCH_RESULT, reads=("workItems",)),
    Step("POST", T + "stopTracking/0" + Q, b"", {**JSON, **BEARER}, TRACKING_STATE_MODEL,
         reads=("track.trackingState",)),
    Step("POST", "/token" + Q,
         b"client_id=OpenApi&grant_type=refresh_token&refresh_token={refresh}",
         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
         TOKEN, reads=("access_token", ".issued", ".expires")),
    # Errors it meets decode too: a title sent raw to `search`, and the retired 2.1.
    Step("POST", T + "search" + Q, b"checkout", {**JSON, **BEARER}, ERROR, 400,
         reads=("error.errorCode", "error.message")),
    Step("GET", T + "current/true?api-version=2.1", None, BEARER, ERROR, 400,
         reads=("error.errorCode",)),
]  # fmt: skip

NEOVIM_HEADERS = {"Authorization": "Bearer {access}"}
NEOVIM = [
    Step("POST", T + "startTracking" + Q,
         b'{"activityTypeId":"5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03","remark":"automagic",'
         b'"tfsId":1201,"timeZone":60}',
         {**NEOVIM_HEADERS, "Content-Type": "application/json"}),
    Step("GET", T + "current/false" + Q, None, NEOVIM_HEADERS,
         reads=("track.tfsId", "track.trackingState", "track.currentTrackStartedDateTime",
                "track.activityTypeId", "settings.activityType.activityTypes")),
    Step("POST", T + "stopTracking/0" + Q, None, {**NEOVIM_HEADERS, "Content-Length": "0"},
         reads=("track.trackingState",)),
]  # fmt: skip

DOTNET_TRAY = [
    Step("POST", T + "startTracking" + Q, b'{"timeZone":60,"tfsId":1201}',
         {**BEARER, "Content-Type": "application/json"},
         reads=("track.currentTrackStartedDateTime",)),
    Step("GET", T + "current?api-version=3.2&expand=true", None, BEARER,
         reads=("track.trackingState", "settings.activityType.activityTypes",
                "settings.userInfo.userName")),
    Step("POST", T + "search" + Q, b'"1201"', {**BEARER, "Content-Type": "application/json"},
         reads=("workItems",)),
    Step("GET", T + "latest/5" + Q, None, BEARER, reads=("workLogs",)),
    Step("POST", T + "stopTracking/0" + Q, None, BEARER, reads=("track",)),
    Step("POST", T + "stopTracking/0" + Q, None, BEARER, reads=("trackSettings.responseMessage",)),
]  # fmt: skip


def path(value: Any, dotted: str) -> Any:
    for part in re.split(r"(?<=[^.])\.", dotted):  # `.expires` is one name
        assert isinstance(value, dict) and part in value, f"{dotted}: missing at {part}"
        value = value[part]
    return value


def general_problems(value: Any, where: str = "") -> list[str]:
    """What every one of these clients relies on: responseState spelled exactly as 7pace's
    model does, and date-times a .NET-trained parser reads (no offset, 0-7 fraction digits)."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "responseState" and inner not in RESPONSE_STATES:
                found.append(f"{where}{key}: {inner!r}")
            dated = isinstance(inner, str) and re.search(r"(Date|DateTime|Time)$", key)
            if dated and not DOTNET_DATETIME.match(inner):
                found.append(f"{where}{key}: {inner!r}")
            found += general_problems(inner, f"{where}{key}.")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += general_problems(inner, f"{where}[{i}].")
    return found


async def replay(client: httpx.AsyncClient, steps: list[Step], values: dict[str, str]) -> list[Any]:
    answers = []
    for step in steps:
        target, body = step.target, step.body
        headers = dict(step.headers)
        for key, value in values.items():
            target = target.replace("{" + key + "}", value)
            body = (
                None if body is None else body.replace(("{" + key + "}").encode(), value.encode())
            )
            headers = {k: v.replace("{" + key + "}", value) for k, v in headers.items()}
        answer = await client.request(step.method, target, content=body, headers=headers)
        assert answer.status_code == step.status, f"{step.method} {target}: {answer.text}"
        payload = answer.json()
        for dotted in step.reads:
            assert path(payload, dotted) is not None, f"{target}: {dotted} is null"
        if step.decode is not None:
            assert step.decode(payload, target) == []
        assert general_problems(payload) == []
        values.update(
            {
                k: str(payload[n])
                for k, n in (
                    ("secret", "secret"),
                    ("access", "access_token"),
                    ("refresh", "refresh_token"),
                )
                if isinstance(payload, dict) and n in payload
            }
        )
        answers.append(payload)
    return answers


@pytest.fixture
async def anonymous(make_app: AppFactory, clock: ManualClock) -> Any:
    app = make_app(clock, approve_pins=True)
    async with asgi_client(app, token=None) as client:
        yield client


async def test_the_intellij_plugin_reads_every_answer(anonymous: httpx.AsyncClient) -> None:
    answers = await replay(anonymous, INTELLIJ, {})
    token = answers[2]
    assert token["token_type"] == "bearer" and token["client_id"] == "OpenApi"
    assert answers[3]["trackSettings"]["responseState"] == "OK"
    assert answers[4]["tfsId"] == 1201
    assert answers[5]["track"]["trackingState"] == "tracking"
    assert answers[-1]["error"]["errorCode"] == "ApiVersionError"
    assert "searchByQuery" in answers[-2]["error"]["message"]


async def test_the_neovim_plugin_reads_what_it_indexes(
    anonymous: httpx.AsyncClient, clock: ManualClock
) -> None:
    values = {"access": "test-server-token"}
    start, tracking, _ = await replay(anonymous, NEOVIM, values)
    assert start["track"]["trackingState"] == "tracking"
    started = tracking["track"]["currentTrackStartedDateTime"]
    # Its Lua pattern takes the date and time fields, seconds up to the dot.
    assert re.match(r"(\d+)-(\d+)-(\d+)[A-Za-z](\d+):(\d+):([\d.]+)", started)
    names = {a["name"] for a in tracking["settings"]["activityType"]["activityTypes"]}
    assert "Development" in names


async def test_the_dotnet_tray_app_reads_every_answer(anonymous: httpx.AsyncClient) -> None:
    values = {"access": "test-server-token"}
    _, current, search, latest, stop, again = await replay(anonymous, DOTNET_TRAY, values)
    assert current["settings"]["userInfo"]["userName"]
    assert [hit["workItem"]["id"] for hit in search["workItems"]] == [1201]
    assert latest["workLogs"][0]["startTime"] == current["track"]["currentTrackStartedDateTime"]
    assert stop["trackSettings"]["responseState"] == "OK"
    assert again["trackSettings"]["responseState"] == "Warning"  # nothing ran: a soft warning


@pytest.mark.parametrize(
    ("method", "target", "body", "names"),
    [
        ("POST", T + "startTracking" + Q, b'{"workItemId": 1201}', ("workItemId", "tfsId")),
        ("POST", T + "stopTracking/manual" + Q, None, ("$reason", "manual")),
        (
            "POST",
            "/api/rest/workLogs" + Q,
            b'{"timestamp": "2026-09-30T09:00:00", "length": 600, "workItemId": 1201,'
            b' "remark": "from VS Code"}',
            ("remark", "comment"),
        ),
    ],
)
async def test_the_vs_code_extensions_wrong_forms_get_clear_errors(
    anonymous: httpx.AsyncClient,
    method: str,
    target: str,
    body: bytes | None,
    names: tuple[str, ...],
) -> None:
    headers = {"Authorization": "Bearer test-server-token", "Content-Type": "application/json"}
    answer = await anonymous.request(method, target, content=body, headers=headers)
    assert answer.status_code == 400
    assert ERROR(answer.json(), "error") == []
    assert all(name in answer.json()["error"]["message"] for name in names)
    state = await anonymous.get(T + "current" + Q, headers=headers)
    assert state.json()["track"]["trackingState"] == "idle"
    logs = await anonymous.get("/api/rest/workLogs" + Q, headers=headers)
    assert logs.json()["data"] == []
