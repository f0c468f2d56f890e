"""RetryPolicy decisions and Retry-After parsing (pure; the client loop is tested elsewhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.api.errors import (
    ClientRequestError,
    ConnectionFailed,
    ProtocolError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
    UnauthorizedError,
)
from app.api.retry import MAX_DELAY, RetryPolicy, parse_retry_after


def policy(**kwargs: object) -> RetryPolicy:
    return RetryPolicy(random=lambda: 0.0, **kwargs)  # type: ignore[arg-type]


def test_backoff_doubles_and_is_capped_at_two_minutes() -> None:
    p = policy(max_attempts=20, base_delay=1.0)
    assert [p.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert p.backoff(8) == MAX_DELAY == 120.0
    assert p.backoff(30) == MAX_DELAY


def test_jitter_stays_within_its_share() -> None:
    low = RetryPolicy(base_delay=4.0, jitter=0.5, random=lambda: 0.999999)
    high = RetryPolicy(base_delay=4.0, jitter=0.5, random=lambda: 0.0)
    assert 2.0 <= low.backoff(1) < 2.001
    assert high.backoff(1) == 4.0
    spread = {RetryPolicy(base_delay=4.0).backoff(1) for _ in range(50)}
    assert len(spread) > 1 and all(2.0 <= d <= 4.0 for d in spread)


def test_reads_retry_transient_failures_until_attempts_run_out() -> None:
    p = policy(max_attempts=3, base_delay=0.5)
    err = ServerError(503, None, "down")
    assert p.delay(1, err, idempotent=True) == 0.5
    assert p.delay(2, err, idempotent=True) == 1.0
    assert p.delay(3, err, idempotent=True) is None


@pytest.mark.parametrize(
    "error",
    [
        ServerError(503, None, "down"),
        RateLimitedError(429, None, "slow down", retry_after=1.0),
        RequestTimeout("slow"),
        ConnectionFailed("dropped", sent=True),
    ],
)
def test_writes_are_never_retried_blindly(error: Exception) -> None:
    assert policy().delay(1, error, idempotent=False) is None  # type: ignore[arg-type]
    assert policy().delay(1, error, idempotent=True) is not None  # type: ignore[arg-type]


def test_a_write_that_never_left_is_retried() -> None:
    assert policy().delay(1, ConnectionFailed("refused", sent=False), idempotent=False) == 0.5
    assert policy().delay(1, RequestTimeout("connect", sent=False), idempotent=False) == 0.5


@pytest.mark.parametrize(
    "error",
    [
        UnauthorizedError(401, None, "no"),
        ClientRequestError(400, "ApiVersionError", "bad"),
        ServerError(501, None, "not implemented"),
        ProtocolError("garbage"),
    ],
)
def test_permanent_failures_are_not_retried(error: Exception) -> None:
    assert policy().delay(1, error, idempotent=True) is None  # type: ignore[arg-type]


def test_retry_after_is_honoured_and_capped() -> None:
    p = policy(base_delay=0.5)
    assert p.delay(1, RateLimitedError(429, None, "", retry_after=7.0), idempotent=True) == 7.0
    assert p.delay(1, RateLimitedError(429, None, "", retry_after=0.0), idempotent=True) == 0.5
    too_long = RateLimitedError(429, None, "", retry_after=MAX_DELAY + 1)
    assert p.delay(1, too_long, idempotent=True) is None


def test_none_policy_sends_once() -> None:
    assert RetryPolicy.none().delay(1, ServerError(503, None, ""), idempotent=True) is None


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"jitter": 1.5}, {"base_delay": -1.0}])
def test_invalid_policies_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


NOW = datetime(2026, 11, 28, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Sat, 28 Nov 2026 01:00:30 GMT", 30.0),
        ("Sat, 28 Nov 2026 00:59:00 GMT", 0.0),
        ("Saturday, 28-Nov-26 01:01:00 GMT", 60.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_parse_retry_after_date_uses_the_current_time_by_default() -> None:
    soon = datetime.now(UTC) + timedelta(seconds=90)
    value = parse_retry_after(soon.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert value is not None and 85 <= value <= 90
