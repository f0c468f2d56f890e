"""Tolerant parsing of the wire models (tracking-api.md §3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.api.models import (
    StartRequest,
    TokenResponse,
    TrackingState,
    TrackingStateKind,
    WireError,
    parse_model,
    parse_wire_datetime,
)


@pytest.mark.parametrize("value", [3, "3", "activityCheck", "ActivityCheck", "ACTIVITY_CHECK"])
def test_tracking_state_accepts_number_camel_and_pascal(value: object) -> None:
    state = parse_model(TrackingState, {"track": {"trackingState": value}})
    assert state.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK


def test_unknown_enum_value_is_a_validation_error() -> None:
    with pytest.raises(WireError, match=r"^track\.trackingState: .*'sleeping'"):
        parse_model(TrackingState, {"track": {"trackingState": "sleeping"}})


def test_envelope_and_bare_object_parse_alike() -> None:
    bare = {"track": {"tfsId": 7}, "timestamp": 4, "futureField": {"x": 1}}
    assert parse_model(TrackingState, bare) == parse_model(TrackingState, {"data": bare})
    # an unknown field (a newer server's) is ignored, not refused
    assert (
        parse_model(TrackingState, bare).to_wire()
        == parse_model(TrackingState, {"track": {"tfsId": 7}, "timestamp": 4}).to_wire()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-29T08:00:00.1234567Z", datetime(2026, 9, 29, 8, 0, 0, 123456, tzinfo=UTC)),
        ("2026-09-29T08:00:00Z", datetime(2026, 9, 29, 8, tzinfo=UTC)),
        (
            "2026-09-29T10:00:00.5+02:00",
            datetime(2026, 9, 29, 10, 0, 0, 500000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2026-09-29T10:00:00", datetime(2026, 9, 29, 10)),
    ],
)
def test_dates_with_seven_digits_and_optional_offset(text: str, expected: datetime) -> None:
    assert parse_wire_datetime(text) == expected


def test_request_omits_unset_fields() -> None:
    assert StartRequest(time_zone=120, tfs_id=1349).to_wire() == {"timeZone": 120, "tfsId": 1349}


def test_token_expires_in_as_numeric_string() -> None:
    assert TokenResponse.from_wire({"access_token": "x", "expires_in": "3599"}).expires_in == 3599
