"""The hub's wire formats as pure functions: Core records, classic messages, negotiate
answers, and hub errors mapped to the REST error classes."""

from __future__ import annotations

import json

import pytest

from app.api.errors import (
    ClientRequestError,
    ForbiddenError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
)
from app.api.hub import classic, core
from app.api.hub.completion import hub_error, split_code

RS = "\x1e"

# --- Core records -----------------------------------------------------------------------------


def test_records_split_on_the_separator() -> None:
    buffer = core.RecordBuffer(1024)
    assert buffer.feed('{"type":6}\x1e{"type":6}\x1e') == ['{"type":6}', '{"type":6}']
    assert buffer.pending == 0


def test_a_record_split_across_messages_waits_for_its_end() -> None:
    buffer = core.RecordBuffer(1024)
    assert buffer.feed('{"type":1,"tar') == []
    assert buffer.feed('get":"x",') == []
    assert buffer.feed('"arguments":[]}\x1e{"ty') == ['{"type":1,"target":"x","arguments":[]}']
    assert buffer.pending == 4
    assert buffer.feed('pe":6}\x1e') == ['{"type":6}']
    assert buffer.pending == 0


def test_empty_records_are_skipped() -> None:
    assert core.RecordBuffer(64).feed("\x1e\x1e{}\x1e") == ["{}"]


def test_a_record_never_ending_is_cut_off_at_the_limit() -> None:
    buffer = core.RecordBuffer(10)
    buffer.feed("12345")
    with pytest.raises(core.MessageTooLarge) as caught:
        buffer.feed("678901")
    assert "larger than 10 bytes" in caught.value.message
    assert buffer.pending == 0


def test_a_complete_record_over_the_limit_is_refused() -> None:
    with pytest.raises(core.MessageTooLarge):
        core.RecordBuffer(10).feed('{"type":6,"x":1}\x1e')


def test_the_handshake_and_ping_records() -> None:
    assert core.HANDSHAKE == '{"protocol":"json","version":1}\x1e'
    assert core.PING_RECORD == '{"type":6}\x1e'
    core.parse_handshake("{}")
    with pytest.raises(ProtocolError, match="refused the handshake: nope"):
        core.parse_handshake('{"error":"nope"}')


def test_an_invocation_as_sent() -> None:
    text = core.invocation("7", "idleCheck", [1])
    assert text.endswith(RS)
    assert json.loads(text[:-1]) == {
        "type": 1,
        "invocationId": "7",
        "target": "idleCheck",
        "arguments": [1],
    }


def test_core_messages_from_the_server() -> None:
    assert core.parse_message('{"type":3,"invocationId":"1","result":{"a":1}}') == (
        core.Completion("1", {"a": 1}, None)
    )
    assert core.parse_message('{"type":3,"invocationId":2,"error":"EntityNotFound: x"}') == (
        core.Completion("2", None, "EntityNotFound: x")
    )
    assert core.parse_message(
        '{"type":1,"target":"trackingStateChanged","arguments":[{"timestamp":3}]}'
    ) == core.Invocation("trackingStateChanged", [{"timestamp": 3}], None)
    assert core.parse_message('{"type":6}') == core.Ping()
    assert core.parse_message('{"type":7,"error":"bye","allowReconnect":true}') == core.Close(
        "bye", True
    )
    assert core.parse_message('{"type":7}') == core.Close(None, False)
    assert isinstance(core.parse_message('{"type":2,"invocationId":"1","item":1}'), core.Other)


@pytest.mark.parametrize(
    "record",
    ["nope", "[1]", '{"type":"1"}', "{}", '{"type":1,"target":3}', '{"type":3}'],
)
def test_malformed_core_messages_are_protocol_errors(record: str) -> None:
    with pytest.raises(ProtocolError):
        core.parse_message(record)


def test_core_negotiate_answers() -> None:
    answer = {
        "connectionId": "c",
        "connectionToken": "tok",
        "negotiateVersion": 1,
        "availableTransports": [{"transport": "WebSockets", "transferFormats": ["Text"]}],
    }
    assert core.parse_negotiation(answer) == core.Negotiation("tok", True)
    no_ws = {**answer, "availableTransports": [{"transport": "LongPolling"}]}
    assert core.parse_negotiation(no_ws).websockets is False
    assert core.parse_negotiation({"connectionId": "old"}) == core.Negotiation("old", True)
    with pytest.raises(core.Redirect, match="does not follow"):
        core.parse_negotiation({"url": "https://x.service.signalr.net", "accessToken": "t"})
    with pytest.raises(ProtocolError, match="refused to negotiate: busy"):
        core.parse_negotiation({"error": "busy"})
    with pytest.raises(ProtocolError):
        core.parse_negotiation({})
    assert core.is_classic_answer({"ConnectionToken": "x", "ProtocolVersion": "1.5"})
    assert not core.is_classic_answer(answer)


# --- classic ----------------------------------------------------------------------------------


def test_classic_negotiate_answer() -> None:
    answer = {
        "Url": "/signalr",
        "ConnectionToken": "tok/+=",
        "ConnectionId": "id",
        "KeepAliveTimeout": 20.0,
        "DisconnectTimeout": 30.0,
        "TryWebSockets": True,
        "ProtocolVersion": "1.5",
    }
    parsed = classic.parse_negotiation(answer)
    assert parsed == classic.Negotiation("tok/+=", 20.0, True, "1.5")
    no_keep_alive = classic.parse_negotiation({**answer, "KeepAliveTimeout": None})
    assert no_keep_alive.keep_alive_timeout is None
    assert classic.parse_negotiation({**answer, "TryWebSockets": False}).try_websockets is False
    with pytest.raises(ProtocolError):
        classic.parse_negotiation({"connectionToken": "core-shaped"})


def test_classic_queries() -> None:
    assert classic.negotiate_query() == [
        ("clientProtocol", "1.5"),
        ("connectionData", '[{"name":"trackinghub"}]'),
    ]
    negotiation = classic.Negotiation("tok", 20.0, True, "1.5")
    assert dict(classic.connection_query(negotiation)) == {
        "transport": "webSockets",
        "clientProtocol": "1.5",
        "connectionToken": "tok",
        "connectionData": '[{"name":"trackinghub"}]',
    }


def test_a_classic_invocation_as_sent() -> None:
    assert json.loads(classic.invocation("0", "startTracking", [{"timeZone": 60}])) == {
        "H": "trackinghub",
        "M": "startTracking",
        "A": [{"timeZone": 60}],
        "I": "0",
    }


def test_classic_messages_from_the_server() -> None:
    assert classic.parse_message("{}") == [classic.KeepAlive()]
    assert classic.parse_message('{"C":"d-1","S":1,"M":[]}') == [classic.Init()]
    assert classic.parse_message('{"I":"0","R":{"timestamp":1}}') == [
        classic.Result("0", {"timestamp": 1})
    ]
    assert classic.parse_message('{"I":3,"E":"EntityNotFound: gone","D":{"x":1}}') == [
        classic.Result("3", None, "EntityNotFound: gone", {"x": 1})
    ]
    assert classic.parse_message('{"I":"1","P":{"I":"1","D":5}}') == [
        classic.Progress("1", {"I": "1", "D": 5})
    ]
    push = '{"C":"d-2","M":[{"H":"TrackingHub","M":"trackingStateChanged","A":[{"timestamp":2}]}]}'
    assert classic.parse_message(push) == [
        classic.Push("TrackingHub", "trackingStateChanged", [{"timestamp": 2}])
    ]
    assert classic.parse_message('{"C":"d-3","M":[],"T":1}') == [classic.Reconnect()]
    assert classic.parse_message('{"D":1}') == [classic.Disconnect()]
    assert classic.parse_message('{"C":"d-4","G":"groups"}') == [classic.KeepAlive()]


@pytest.mark.parametrize("text", ["x", "[]", '{"M":{}}', '{"M":[1]}', '{"M":[{"H":1}]}'])
def test_malformed_classic_messages_are_protocol_errors(text: str) -> None:
    with pytest.raises(ProtocolError):
        classic.parse_message(text)


# --- hub errors -------------------------------------------------------------------------------


def test_the_error_code_is_split_off_the_message() -> None:
    assert split_code("EntityNotFound: no work item 4711") == (
        "EntityNotFound",
        "no work item 4711",
    )
    assert split_code("An unexpected error occurred invoking 'x' on the server.") == (
        None,
        "An unexpected error occurred invoking 'x' on the server.",
    )


@pytest.mark.parametrize(
    ("text", "cls", "status"),
    [
        ("EntityNotFound: gone", NotFoundError, 404),
        ("UnauthorizedError: expired", UnauthorizedError, 401),
        ("AccessDenied: no", ForbiddenError, 403),
        ("QuoteExceededError: slow down", RateLimitedError, 429),
        ("ApiVersionError: bad GUID", ClientRequestError, 400),
        ("WorkItemIdOrCommentRequired: need one", ClientRequestError, 400),
        ("UnexpectedError: boom", ServerError, 500),
        ("Failed to invoke 'x' due to an error on the server.", ServerError, 500),
    ],
)
def test_hub_errors_raise_the_rest_classes(text: str, cls: type, status: int) -> None:
    error = hub_error("startTracking", text)
    assert type(error) is cls
    assert error.status == status  # type: ignore[attr-defined]
    assert error.message.startswith(f"hub call startTracking failed: {status}")


def test_classic_error_data_names_code_and_status() -> None:
    error = hub_error("current", "gone", {"errorCode": "EntityNotFound", "statusCode": 404})
    assert isinstance(error, NotFoundError)
    assert error.error_code == "EntityNotFound"
