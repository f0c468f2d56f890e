"""Property test: whatever arrives (paths, parameters, bodies, headers), the real server over
loopback HTTP answers with a 2xx, or a 4xx carrying the 7pace error body. Never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.server.config import ServerConfig
from app.server.runner import ServerThread

from .conftest import TOKEN

T = "/api/tracking/client/"
ROUTES: list[tuple[str, str]] = [
    ("GET", T + "current"),
    ("GET", T + "current/{}"),
    ("POST", T + "selected"),
    ("GET", T + "latest"),
    ("GET", T + "latest/{}"),
    ("POST", T + "startTracking"),
    ("POST", T + "stopTracking"),
    ("POST", T + "stopTracking/{}"),
    ("POST", T + "idleCheck"),
    ("POST", T + "idleCheck/{}"),
    ("POST", T + "activityCheck"),
    ("POST", T + "adjust"),
    ("POST", T + "search"),
    ("POST", T + "searchByQuery"),
    ("GET", "/api/rest/me"),
    ("GET", "/api/rest/activityTypes"),
    ("GET", "/api/rest/workLogs"),
    ("POST", "/api/rest/workLogs"),
    ("PATCH", "/api/rest/workLogs/{}"),
    ("DELETE", "/api/rest/workLogs/{}"),
    ("POST", "/api/pin/create"),
    ("POST", "/api/pin/status"),
    ("POST", "/token"),
    ("PUT", "/_pacetray/faults"),
    ("POST", "/_pacetray/pins/{}/approve"),
]
FIELDS = [
    "tfsId",
    "remark",
    "activityTypeId",
    "calculateTotals",
    "timeZone",
    "isBillable",
    "query",
    "timestamp",
    "length",
    "billableLength",
    "workItemId",
    "comment",
    "userId",
    "grant_type",
    "code",
    "refresh_token",
    "client_id",
    "latency",
    "error_status",
    "retry_after",
    "seed",
]
PARAMS = [
    "$expand",
    "$count",
    "$reason",
    "selectedOption",
    "$skip",
    "$fromTimestamp",
    "$toTimestamp",
    "expand",
    "count",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-1000, max_value=3000),
    st.sampled_from([1201, 1302, 0, -1, 2**31, 2**63, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "00000000-0000-0000-0000-000000000000",
            "5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a07",
            "testing",
            "2026-09-29T08:00:00",
            "2026-09-29T08:00:00.1234567+02:00",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59+14:00",
            "1201",
            "",
            "\u0000",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=12,
)
ids = st.one_of(st.sampled_from([1201, 1302, 1101, 1001]), st.integers())
texts = st.text(max_size=30)
seconds = st.integers(min_value=-100, max_value=100_000)
moments = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        datetime.isoformat
    ),
    st.datetimes(
        min_value=datetime(1, 1, 1),
        max_value=datetime(9999, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]
        ),
    ).map(datetime.isoformat),
)
TYPED: dict[str, st.SearchStrategy[Any]] = {
    "tfsId": ids,
    "workItemId": ids,
    "remark": texts,
    "comment": texts,
    "query": texts,
    "activityTypeId": st.one_of(
        st.sampled_from(["5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a07", "Design", str(uuid.UUID(int=5))]),
        texts,
    ),
    "calculateTotals": st.booleans(),
    "isBillable": st.booleans(),
    "timeZone": st.integers(min_value=-900, max_value=900),
    "timestamp": moments,
    "length": seconds,
    "billableLength": seconds,
}


def _value(name: str) -> st.SearchStrategy[Any]:
    # Mostly well-typed values (to get past validation into the engine), sometimes anything.
    return st.one_of(TYPED[name], TYPED[name], TYPED[name], scalars) if name in TYPED else scalars


field_bodies = st.sets(st.sampled_from(FIELDS), max_size=4).flatmap(
    lambda names: st.fixed_dictionaries({name: _value(name) for name in names})
)
raw_bodies = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b"{", b"NaN", b'{"tfsId": NaN}', b"[" * 5000, b'"\\ud800"', b"\xff\xfe"]),
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    method, template = draw(st.sampled_from(ROUTES))
    segment = draw(
        st.one_of(
            st.sampled_from(["0", "1", "2", "true", "-1", "9" * 30]),
            st.text(min_size=1, max_size=12),
        )
    )
    path = template.format(quote(segment, safe=""))
    params = draw(st.dictionaries(st.sampled_from(PARAMS), st.text(max_size=12), max_size=3))
    version = draw(st.sampled_from(["3.2", "3.2", "3.2", None, "", "3.1", "3.2x"]))
    if version is not None:
        params["api-version"] = version
    kind = draw(st.sampled_from(["none", "json", "fields", "raw"]))
    content: bytes | None = None
    if kind == "json":
        content = json.dumps(draw(json_values)).encode()
    elif kind == "fields":
        content = json.dumps(draw(field_bodies)).encode()
    elif kind == "raw":
        content = draw(raw_bodies)
    headers = {
        "Content-Type": draw(
            st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
        )
    }
    auth = draw(st.sampled_from([TOKEN, TOKEN, TOKEN, None, "wrong", ""]))
    if auth is not None:
        headers["Authorization"] = f"Bearer {auth}".strip()
    return {"method": method, "url": path, "params": params, "content": content, "headers": headers}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    config = ServerConfig(
        port=0,
        token=TOKEN,
        data_dir=tmp_path_factory.mktemp("fuzz"),
        activity_check_interval=0.5,  # the clock moves during the run: checks and stops too
        activity_check_wait=0.5,
        max_track=3.0,
        approve_pins=True,
    )
    with ServerThread(config) as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_client(fuzz_server: ServerThread) -> Iterator[httpx.Client]:
    # One client for every example: building one costs ~30 ms (its TLS context).
    with httpx.Client(base_url=fuzz_server.url, timeout=10) as client:
        yield client


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400 and response.url.path == "/token":
        oauth = response.json()  # OWIN's OAuth refusal (RFC 6749 §5.2)
        assert response.status_code == 400 and set(oauth) == {"error", "error_description"}
    elif response.status_code >= 400:
        error = response.json()["error"]
        assert error["statusCode"] == response.status_code
        assert isinstance(error["errorCode"], str) and error["errorCode"]
        assert isinstance(error["message"], str) and error["message"]
    elif response.status_code == 200:
        response.json()


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests())
def test_no_input_makes_the_server_fail(fuzz_client: httpx.Client, request: dict) -> None:
    if request["url"] == "/_pacetray/faults" and request["headers"].get("Authorization"):
        request["headers"]["Authorization"] = "Bearer wrong"  # keep faults off for the run
    check(fuzz_client.request(**request))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=field_bodies,
    patch=field_bodies,
    adjust=field_bodies,
)
def test_a_running_track_survives_any_follow_up(
    fuzz_client: httpx.Client, start: dict, patch: dict, adjust: dict
) -> None:
    """Deeper paths: start a valid track, then arbitrary bodies at the calls that act on it."""
    params = {"api-version": "3.2"}
    fuzz_client.headers["Authorization"] = f"Bearer {TOKEN}"
    try:
        client = fuzz_client
        started = client.post(T + "startTracking", params=params, json={"tfsId": 1201})
        check(started)
        log_id = started.json()["track"]["workLogId"]
        check(client.post(T + "adjust", params=params, json=adjust))
        check(client.post(T + "startTracking", params=params, json=start))
        check(client.post(T + "stopTracking", params=params))
        check(client.patch(f"/api/rest/workLogs/{log_id}", params=params, json=patch))
        check(client.post("/api/rest/workLogs", params=params, json=patch))
    finally:
        del fuzz_client.headers["Authorization"]
