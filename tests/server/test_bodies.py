"""Body rules are one declaration (app/server/bodies.py): the document states exactly what
binding checks. Changing a declared bound changes both; bodies the document's schema allows
are accepted and bodies it refuses are refused (checked with jsonschema_rs, which schemathesis
brings along); the one state-dependent refusal of startTracking is a documented 409."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.models import parse_wire_datetime
from app.server import app as server_app
from app.server import faults, routes_auth, routes_rest
from app.server import tracking_calls as calls
from app.server.app import ENDPOINTS
from app.server.openapi import build_openapi
from app.server.parsing import BLANK, DATE_TIME_PATTERN, NOT_BLANK, date_time_pattern

from .conftest import R, T, V, assert_error


def body_schema(path: str, method: str = "post") -> dict[str, Any]:
    document = build_openapi(ENDPOINTS)  # built afresh: the served one is cached
    schema: dict[str, Any] = document["paths"][path][method]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    return schema


def allows(schema: dict[str, Any], body: Any) -> bool:
    return bool(jsonschema_rs.validator_for(schema).is_valid(body))


async def create(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(R + "workLogs", params=V, json=body)


async def test_flipping_a_declared_bound_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = {"timestamp": "2026-09-29T08:00:00", "workItemId": 1201}
    assert body_schema(R + "workLogs")["properties"]["length"]["maximum"] == 24 * 3600
    assert (await create(client, **log, length=601)).status_code == 200

    rule = routes_rest.CREATE.fields["length"]
    monkeypatch.setitem(routes_rest.CREATE.fields, "length", replace(rule, maximum=600))
    schema = body_schema(R + "workLogs")
    assert schema["properties"]["length"]["maximum"] == 600
    assert not allows(schema, {**log, "length": 601}) and allows(schema, {**log, "length": 600})
    assert_error(await create(client, **log, length=601), 400, "ApiVersionError")
    assert (await create(client, **log, length=600)).status_code == 200


async def test_flipping_the_time_zone_range_changes_rest_hub_and_document(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = calls.START.fields["timeZone"]
    monkeypatch.setitem(calls.START.fields, "timeZone", replace(zone, maximum=60))
    schema = body_schema(T + "startTracking")
    assert {"type": "integer", "minimum": -720, "maximum": 60} in schema["properties"]["timeZone"][
        "anyOf"
    ]
    answer = await client.post(T + "startTracking", params=V, json={"timeZone": 61, "tfsId": 1201})
    assert_error(answer, 400, "ApiVersionError")
    answer = await client.post(T + "startTracking", params=V, json={"timeZone": 60, "tfsId": 1201})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"timeZone": 60, "tfsId": 1201}, 200),
        ({"timeZone": 60, "remark": "text"}, 200),
        ({"tfsId": 1201}, 200),  # no zone: the last track's
        ({"timeZone": None, "remark": "x"}, 200),
        ({"timeZone": 841, "tfsId": 1201}, 400),
        ({"timeZone": 60, "workItemId": 1201}, 400),  # the REST name, without tfsId
        ({"timeZone": 60, "note": "x"}, 400),  # unknown fields and neither: not the selection
        ({"remark": "\x1c"}, 409),  # blank to Python's strip(), not to JSON Schema's \s
        ({"remark": "\ufeff"}, 200),  # the other way round
        ({}, 409),  # nothing selected
        # Names bind ignoring case, and the document states every rule for any spelling.
        ({"TIMEZONE": 60, "TfsId": 1201}, 200),
        ({"comment": "x", "REMARK": "y"}, 200),
        ({"TFSID": "I"}, 400),
        ({"COMMENT": "x", "tfsId": 1201}, 400),
    ],
)
async def test_start_bodies_are_judged_as_the_document_states(
    client: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    schema = body_schema(T + "startTracking")
    answer = await client.post(T + "startTracking", params=V, json=body)
    assert answer.status_code == status, answer.text
    # 200 and 409 (a state) are for schema-valid bodies; 400 for the others.
    assert allows(schema, body) == (status != 400)


async def test_start_without_a_body_tracks_the_selection_and_is_documented_so(
    client: httpx.AsyncClient,
) -> None:
    operation = build_openapi(ENDPOINTS)["paths"][T + "startTracking"]["post"]
    assert operation["requestBody"]["required"] is False
    assert "409" in operation["responses"]
    assert_error(
        await client.post(T + "startTracking", params=V), 409, "WorkItemIdOrCommentRequired"
    )
    selected = await client.post(T + "selected", params=V, json={"tfsId": 1201})
    assert selected.status_code == 200
    for body in (None, {}):
        answer = await client.post(T + "startTracking", params=V, json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["track"]["tfsId"] == 1201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"timestamp": "2026-09-29T08:00:00", "length": 60, "comment": "c"}, 200, None),
        ({"timestamp": "2026-09-29T08:00:00", "workItemId": 1201}, 400, "LengthIsRequired"),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": None, "comment": "c"},
            400,
            "LengthIsRequired",
        ),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": 0, "comment": "c"},
            400,
            "LengthMustBePositive",
        ),
        (
            {"timestamp": "1970-12-31T08:00:00", "length": 60, "comment": "c"},
            400,
            "ApiVersionError",
        ),
        (
            {"timestamp": "2026-09-29T08:00:00", "length": 60, "comment": " "},
            400,
            "WorkItemIdOrCommentRequired",
        ),
        ({"timestamp": "2026-09-29T08:00:00", "length": 60, "remark": "c"}, 400, "ApiVersionError"),
        ({"TIMESTAMP": "2026-09-29T08:00:00", "Length": 60, "Comment": "c"}, 200, None),
        ({"TIMESTAMP": "2026-09-29T08:00:00", "comment": "c"}, 400, "LengthIsRequired"),
    ],
)
async def test_work_log_bodies_are_judged_as_the_document_states(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, code: str | None
) -> None:
    answer = await client.post(R + "workLogs", params=V, json=body)
    if code is None:
        assert answer.status_code == status, answer.text
    else:
        assert_error(answer, status, code)
    assert allows(body_schema(R + "workLogs"), body) == (status == 200)


def test_not_blank_is_python_s_strip_spelled_for_json_schema() -> None:
    pattern = {"type": "string", "pattern": NOT_BLANK}
    for char in BLANK:
        assert not allows(pattern, char * 3) and not char.strip()
    assert allows(pattern, " x ") and allows(pattern, "\ufeff")


DATES = [
    "2026-09-29T08:00:00",
    "2026-09-29 08:00",
    "2026-09-29T08:00:00,123456789",
    "2026-09-29T08:00:00.1234567891",
    "2026-02-29T00:00:00",
    "2024-02-29T00:00:00",
    "2100-02-29T00:00",
    "2000-02-29T00:00",
    " 2026-01-01T00:00:00Z\n",
    "2026-01-01T00:00:00+0130",
    "2026-01-01T00:00:00+01:99",
    "2026-01-01T00:00:00+23:59",
    "2026-01-01T00:00:00+23:60",
    "2026-01-01T00:00:00+\u0661\u0662:00",
    "2026-13-01T00:00",
    "2026-04-31T00:00",
    "2026-01-01T24:00",
    "2026-01-01T00:00:60",
    "1970-12-31T00:00",
    "2999-12-31T23:59:59.9999999",
    "3000-01-01T00:00",
    "2026-01-01",
]


def parses(text: str, years: tuple[int, int] | None) -> bool:
    try:
        moment = parse_wire_datetime(text)
    except ValueError:
        return False
    return years is None or years[0] <= moment.year <= years[1]


@pytest.mark.parametrize("years", [None, (1971, 2999)])
@pytest.mark.parametrize("text", DATES)
def test_the_date_time_pattern_is_what_the_parser_reads(
    text: str, years: tuple[int, int] | None
) -> None:
    pattern = {"type": "string", "pattern": date_time_pattern(years)}
    assert allows(pattern, text) == parses(text, years)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(DATE_TIME_PATTERN, fullmatch=True))
def test_every_date_time_the_pattern_allows_parses(text: str) -> None:
    assert parses(text, None), text


async def test_an_other_family_name_for_a_field_the_body_lacks_is_refused_as_documented(
    client: httpx.AsyncClient,
) -> None:
    # adjust has no tfsId, so its REST name is refused whatever else the body holds.
    body = {"remark": "x", "WORKITEMID": None, "TFSID": None}
    assert_error(await client.post(T + "adjust", params=V, json=body), 400, "ApiVersionError")
    assert not allows(body_schema(T + "adjust"), body)


@pytest.mark.parametrize(
    "text",
    [
        *("1349", "0001349", "#1349", " 1349\x1c", "2147483647", "2147483648", "0", "-1"),
        *("+1349", "\u0661\u0662\u0660\u0661", "# 1349", "1349.0", "99999999999999999999"),
    ],
)
async def test_search_ids_are_judged_as_the_document_states(
    client: httpx.AsyncClient, text: str
) -> None:
    schema = body_schema(T + "search")
    answer = await client.post(T + "search", params=V, json=text)
    assert answer.status_code in (200, 400), answer.text
    assert allows(schema, text) == (answer.status_code == 200), answer.text


@pytest.fixture
def fresh_document() -> Iterator[None]:
    """The served document is built once per process: rebuilt for a flipped declaration, and
    again afterwards so no other test sees the flip."""
    server_app._openapi.cache_clear()
    yield
    server_app._openapi.cache_clear()


async def served_body_schema(
    client: httpx.AsyncClient, path: str, method: str = "post", kind: str = "application/json"
) -> dict[str, Any]:
    server_app._openapi.cache_clear()  # after the flip
    document = (await client.get("/api/openapi.json")).json()
    schema: dict[str, Any] = document["paths"][path][method]["requestBody"]["content"][kind][
        "schema"
    ]
    return schema


async def test_flipping_search_s_id_range_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, fresh_document: None
) -> None:
    assert (await client.post(T + "search", params=V, json=1201)).status_code == 200
    monkeypatch.setattr(calls.SEARCH, "integer", (1, 1000))
    schema = await served_body_schema(client, T + "search")
    assert {"type": "integer", "minimum": 1, "maximum": 1000} in schema["oneOf"]
    for body in (1201, "1201"):
        assert not allows(schema, body)
        assert_error(await client.post(T + "search", params=V, json=body), 400, "ApiVersionError")
    assert allows(schema, "#1000") and allows(schema, 1000)


async def test_flipping_search_by_query_s_length_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, fresh_document: None
) -> None:
    for body in ({"query": "checkout"}, "checkout"):
        answer = await client.post(T + "searchByQuery", params=V, json=body)
        assert answer.status_code == 200, answer.text
    monkeypatch.setattr(calls.SEARCH_BY_QUERY, "max_length", 5)
    schema = await served_body_schema(client, T + "searchByQuery")
    for body in ({"query": "checkout"}, "checkout"):
        assert not allows(schema, body)
        answer = await client.post(T + "searchByQuery", params=V, json=body)
        assert_error(answer, 400, "ApiVersionError")
    assert allows(schema, {"query": "check"}) and allows(schema, "check")


async def test_flipping_pin_status_s_secret_length_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, fresh_document: None
) -> None:
    assert (await client.post("/api/pin/status", params=V, json="abcdefg")).status_code == 200
    monkeypatch.setattr(routes_auth.PIN_SECRET, "max_length", 5)
    schema = await served_body_schema(client, "/api/pin/status")
    assert schema == {"type": "string", "maxLength": 5}
    assert_error(
        await client.post("/api/pin/status", params=V, json="abcdefg"), 400, "ApiVersionError"
    )
    assert (await client.post("/api/pin/status", params=V, json="abcde")).status_code == 200


async def test_flipping_a_fault_setting_s_range_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, fresh_document: None
) -> None:
    path = "/_pacetray/faults"
    assert (await client.put(path, json={"error_status": 503})).status_code == 200
    monkeypatch.setattr(faults.FAULTS.settings["error_status"], "maximum", 502)
    schema = await served_body_schema(client, path, "put")
    assert schema["properties"]["error_status"] == {
        "type": "integer",
        "minimum": 400,
        "maximum": 502,
    }
    assert not allows(schema, {"error_status": 503}) and allows(schema, {"error_status": 502})
    assert_error(await client.put(path, json={"error_status": 503}), 400, "ApiVersionError")
    assert (await client.put(path, json={"error_status": 502})).json()["error_status"] == 502


async def test_flipping_the_token_form_s_secret_length_changes_the_document_and_the_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, fresh_document: None
) -> None:
    pin = (await client.post("/api/pin/create", params=V)).json()
    approved = await client.post(f"/_pacetray/pins/{pin['pin']}/approve")
    assert approved.status_code == 200, approved.text
    form = {"grant_type": "authorization_code", "code": pin["secret"]}
    issued = await client.post("/token", data=form)
    assert issued.status_code == 200, issued.text
    refresh = issued.json()["refresh_token"]

    grant = routes_auth.TOKEN_FORM.grants["refresh_token"]
    monkeypatch.setattr(grant, "min_length", len(refresh) + 1)
    kind = "application/x-www-form-urlencoded"
    schema = await served_body_schema(client, "/token", kind=kind)
    assert schema["oneOf"][1]["properties"]["refresh_token"]["minLength"] == len(refresh) + 1
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    assert not allows(schema, form)
    answer = await client.post("/token", data=form)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"

    monkeypatch.setattr(grant, "min_length", len(refresh))
    assert allows(await served_body_schema(client, "/token", kind=kind), form)
    answer = await client.post("/token", data=form)
    assert answer.status_code == 200, answer.text
