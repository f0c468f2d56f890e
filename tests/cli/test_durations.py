from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.commands.durations import DurationError, format_duration, format_hms, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("8h", 28800),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1.5h", 5400),
        ("2d", 172800),
        ("1H", 3600),
        ("0.5s", 0.5),
    ],
)
def test_parses_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("90", "unit is missing"),
        ("", "empty"),
        ("abc", "like 90s"),
        ("30m1h", "largest to smallest"),
        ("1h1h", "largest to smallest"),
        ("0s", "longer than zero"),
        ("1h30", "like 90s"),
        ("-5m", "like 90s"),
        ("5 minutes", "like 90s"),
    ],
)
def test_rejects_bad_durations_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(DurationError, match=says):
        parse_duration(text)


@given(st.integers(min_value=1, max_value=10 * 86400))
def test_format_duration_reads_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00:00"),
        (725, "0:12:05"),
        (3723, "1:02:03"),
        (40 * 3600, "40:00:00"),
        (None, "0:00:00"),
    ],
)
def test_format_hms(seconds: int | None, text: str) -> None:
    assert format_hms(seconds) == text
