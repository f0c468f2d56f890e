"""Property tests: whatever JSON arrives, parsing raises nothing but our own errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api import models
from app.api.client import TrackingClient
from app.api.errors import ProtocolError, SoftError
from app.api.models import ResponseState, TrackingState
from app.api.responses import read_list, read_model
from tests.api.conftest import SleepRecorder

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)

# Values shaped like the models' fields, so hypothesis also reaches the validators' depths.
field_names = st.sampled_from(
    [
        "track", "trackSettings", "settings", "timestamp", "trackingState", "stoppedTrackType",
        "responseState", "currentTrackStartedDateTime", "workItem", "id", "count", "workLogs",
        "workItems", "status", "pin", "secret", "access_token", "expires_in", "data", "length",
        "activityCheck", "secondsLeft", "startTime", "user", "activityTypes", "flags",
    ]
)  # fmt: skip
tricky_scalars = st.sampled_from(
    ["2026-09-29T08:00:00.1234567Z", "2026-13-45T99:99", "9" * 400, "1" * 400 + ".0",
     "activityCheck", "Warning", "AuthError", "Validated", "-1", "3", "1e999", "", "+99:99"]
)  # fmt: skip
shaped_json = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(field_names, children, max_size=6)
    ),
    max_leaves=30,
)
any_json = json_values | shaped_json

RESPONSE_MODELS: list[type[Any]] = [
    models.TrackingState,
    models.Track,
    models.LatestResult,
    models.SearchResult,
    models.PinCreateResponse,
    models.PinStatusResponse,
    models.TokenResponse,
    models.RestMe,
    models.RestActivityTypes,
    models.RestWorkLog,
]


def answer(body: bytes) -> httpx.Response:
    request = httpx.Request("GET", "http://127.0.0.1/api/tracking/client/current")
    return httpx.Response(200, content=body, request=request)


@pytest.mark.parametrize("model", RESPONSE_MODELS, ids=lambda m: m.__name__)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=any_json)
def test_any_json_parses_or_raises_protocol_error(model: type[Any], payload: Any) -> None:
    try:
        parsed = read_model(model, answer(json.dumps(payload).encode()))
    except ProtocolError as exc:
        assert exc.message.startswith("The server's answer could not be read as")
    else:
        assert isinstance(parsed, model)


@settings(max_examples=150, deadline=None)
@given(payload=any_json)
def test_any_json_list_parses_or_raises_protocol_error(payload: Any) -> None:
    try:
        parsed = read_list(models.RestWorkLog, answer(json.dumps(payload).encode()))
    except ProtocolError:
        return
    assert all(isinstance(item, models.RestWorkLog) for item in parsed)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_arbitrary_bytes_parse_or_raise_protocol_error(body: bytes) -> None:
    try:
        parsed = read_model(models.TrackingState, answer(body))
    except ProtocolError:
        return
    assert isinstance(parsed, models.TrackingState)


def test_deeply_nested_json_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        read_model(models.TrackingState, answer(b"[" * 100_000 + b"]" * 100_000))


CALLS = [
    ("current", lambda c: c.current(expand=True)),
    ("selected", lambda c: c.selected(work_item_id=1)),
    ("latest", lambda c: c.latest(3)),
    ("start", lambda c: c.start_tracking(work_item_id=1)),
    ("stop", lambda c: c.stop_tracking()),
    ("activity_check", lambda c: c.activity_check()),
    ("search", lambda c: c.search(1)),
    ("me", lambda c: c.me()),
    ("work_logs", lambda c: c.work_logs()),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=any_json)
async def test_client_calls_raise_only_api_errors_on_any_json(name, call, payload) -> None:
    # Arbitrary answers are a fault the local server cannot produce: MockTransport.
    body = json.dumps(payload).encode()
    client = TrackingClient(
        "http://127.0.0.1:9",
        token="prop-token-123456",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body)),
        sleep=SleepRecorder(),
    )
    async with client:
        try:
            await call(client)
        except ProtocolError:
            pass
        except SoftError as exc:  # only a well-formed state that says Error/AuthError
            assert isinstance(exc.state, TrackingState)
            assert exc.state.track_settings.response_state in (
                ResponseState.ERROR,
                ResponseState.AUTH_ERROR,
            )
