"""The client's wire models against tests/contract.py (the same table the server tests read),
and the client's reading of 7pace's forms: responseState, offset-less times, OWIN tokens."""

from __future__ import annotations

import email.utils
import types
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api import models
from app.api.auth import OAuthTokens, pair_with_pin
from app.api.models import (
    LatestResult,
    ResponseState,
    RestWorkLog,
    StartRequest,
    TokenResponse,
    TrackingState,
    TrackSettings,
)
from app.api.wire import WireError, WireModel, dump, is_model, wire_fields
from tests.api.conftest import LOOPBACK, SleepRecorder, server_config
from tests.contract import ANSWER_MODELS, REQUEST_FIELDS, REQUEST_MODELS, RESPONSE_STATES, Shape


def _model_of(annotation: Any) -> type[WireModel] | None:
    """The model inside `X | None` or `list[X]`, if any."""
    if is_model(annotation):
        return typing.cast(type[WireModel], annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (
        typing.Union,
        list,
    ):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def shape_problems(model: type[WireModel], shape: Shape, where: str) -> list[str]:
    """Where the model's wire fields (recursively) differ from the contract's."""
    fields = {spec.wire_name: spec for spec in wire_fields(model)}
    found = [f"{where}{n}: the client does not read it" for n in shape.keys() - fields.keys()]
    found += [f"{where}{n}: not in the contract" for n in fields.keys() - shape.keys()]
    for name in fields.keys() & shape.keys():
        inner, spec = _model_of(fields[name].annotation), shape[name]
        if inner is not None and spec.shape is not None:
            found += shape_problems(inner, spec.shape, f"{where}{name}.")
    return found


@pytest.mark.parametrize("name", sorted(ANSWER_MODELS))
def test_each_answer_model_reads_exactly_the_contract_fields(name: str) -> None:
    _, shape = ANSWER_MODELS[name]
    assert shape_problems(getattr(models, name), shape, f"{name}.") == []


@pytest.mark.parametrize("call", sorted(REQUEST_MODELS))
def test_each_request_model_sends_exactly_the_reference_fields(call: str) -> None:
    model = getattr(models, REQUEST_MODELS[call])
    samples = {
        bool: True,
        int: 1,
        str: "x",
        datetime: datetime(2026, 9, 29, 8, tzinfo=UTC),
    }
    every = {}
    for info in wire_fields(model):
        name, annotation = info.name, typing.get_type_hints(model)[info.name]
        kinds = [k for k in typing.get_args(annotation) or (annotation,)]
        kinds = [typing.get_args(k)[0] if typing.get_args(k) else k for k in kinds]
        every[name] = next(samples[k] for k in kinds if k in samples)
    built = model(**every)
    assert sorted(built.to_wire()) == sorted(REQUEST_FIELDS[call])


@pytest.mark.parametrize("call", sorted(REQUEST_MODELS))
def test_request_models_refuse_a_field_the_api_does_not_define(call: str) -> None:
    model = getattr(models, REQUEST_MODELS[call])
    with pytest.raises(WireError, match="extra inputs refused"):
        model.from_wire({"remark" if "workLogs" in call else "workItemId": 1})
    with pytest.raises(TypeError):
        model(remark_text="x")


def test_the_vs_code_extensions_start_body_cannot_be_built() -> None:
    with pytest.raises(TypeError):
        StartRequest(time_zone=0, workItemId=1201)  # type: ignore[call-arg]


# --- responseState -------------------------------------------------------------------------


def test_response_state_is_written_as_7pace_spells_it() -> None:
    written = [
        dump(TrackSettings(response_state=member))["responseState"] for member in ResponseState
    ]
    assert tuple(written) == RESPONSE_STATES == ("OK", "Warning", "Error", "AuthError")


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("OK", ResponseState.OK),
        ("Ok", ResponseState.OK),
        ("ok", ResponseState.OK),
        ("WARNING", ResponseState.WARNING),
        ("warning", ResponseState.WARNING),
        ("Error", ResponseState.ERROR),
        ("AuthError", ResponseState.AUTH_ERROR),
        ("authError", ResponseState.AUTH_ERROR),
        ("AUTHERROR", ResponseState.AUTH_ERROR),
        (3, ResponseState.AUTH_ERROR),
    ],
)
def test_response_state_is_read_ignoring_case(text: object, member: ResponseState) -> None:
    state = TrackingState.from_wire({"trackSettings": {"responseState": text}})
    assert state.track_settings.response_state is member


# --- date-times ----------------------------------------------------------------------------

LIVE_FORM = "2026-12-04T20:35:50.4812347"
AT = datetime(2026, 12, 4, 20, 35, 50, 481234, tzinfo=UTC)


@pytest.mark.parametrize("text", [LIVE_FORM, LIVE_FORM + "Z", "2026-12-04T21:35:50.4812347+01:00"])
def test_tracking_times_without_an_offset_are_utc(text: str) -> None:
    state = TrackingState.from_wire(
        {"track": {"currentTrackStartedDateTime": text, "trackStatusChangeDate": text}}
    )
    assert state.track.current_track_started_date_time == AT
    assert state.track.track_status_change_date == AT
    started = state.track.current_track_started_date_time
    assert started is not None and started.tzinfo is not None  # aware, never a naive local time
    latest = LatestResult.from_wire({"workLogs": [{"startTime": text, "endTime": text}]})
    assert latest.work_logs[0].start_time == AT == latest.work_logs[0].end_time


def test_rest_work_log_times_stay_local_wall_clock_times() -> None:
    log = RestWorkLog.from_wire({"id": "a", "timestamp": LIVE_FORM, "length": 60})
    assert log.timestamp == AT.replace(tzinfo=None)  # naive: the user's wall clock [doc]
    assert dump(log)["timestamp"] == "2026-12-04T20:35:50.4812340"


def test_written_times_have_seven_digits_and_no_offset() -> None:
    assert models.format_wire_datetime(AT) == "2026-12-04T20:35:50.4812340"
    assert models.format_wire_datetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.0000000"
    )
    plus_two = AT.astimezone(models.timezone(timedelta(hours=2)))
    assert models.format_wire_datetime(plus_two) == "2026-12-04T20:35:50.4812340"


# --- OWIN token answer ---------------------------------------------------------------------


def test_token_expiry_comes_from_dot_expires_when_it_is_earlier() -> None:
    now = datetime(2026, 3, 9, 20, 32, 20, tzinfo=UTC)
    answer = TokenResponse.from_wire(
        {
            "access_token": "a",
            "expires_in": 3600,
            ".issued": "Mon, 09 Mar 2026 20:32:20 GMT",
            ".expires": "Mon, 09 Mar 2026 20:42:20 GMT",
        }
    )
    assert answer.issued == now
    assert OAuthTokens.from_answer(answer, now).expires_at == now + timedelta(minutes=10)
    later = TokenResponse.from_wire({"access_token": "a", "expires_in": 60, ".expires": "x"})
    assert later.expires is None  # unreadable: expires_in still counts
    assert OAuthTokens.from_answer(later, now).expires_at == now + timedelta(seconds=60)


class AnswerRecorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.answers: dict[str, Any] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.answers[request.url.path] = response.json()
        return response


async def test_pairing_with_the_real_server_times_the_refresh_on_dot_expires(
    tmp_path: Path,
) -> None:
    from app.server.app import create_app

    app = create_app(server_config(tmp_path, approve_pins=True, access_token_ttl=7200))
    recorder = AnswerRecorder(httpx.ASGITransport(app=app))
    tokens = await pair_with_pin(
        LOOPBACK, on_pin=lambda p: None, transport=recorder, sleep=SleepRecorder()
    )
    answer = recorder.answers["/token"]
    assert answer["client_id"] == "OpenApi"
    expires = email.utils.parsedate_to_datetime(answer[".expires"])
    issued = email.utils.parsedate_to_datetime(answer[".issued"])
    assert expires - issued == timedelta(seconds=7200)
    assert tokens.expires_at == expires
