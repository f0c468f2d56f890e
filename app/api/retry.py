"""When to send a request again, and after how long.

Reads (and other idempotent calls) are retried with capped, jittered exponential backoff that
honours `Retry-After`. Writes are never retried blindly: only when the request provably never
left this machine (the connection could not be opened). Otherwise the caller re-reads `current`
and decides.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from app.api.errors import (
    ApiError,
    ConnectionFailed,
    DeadlineExceeded,
    HttpStatusError,
    RateLimitedError,
    RequestTimeout,
)

MAX_DELAY = 120.0  # never wait longer than two minutes between attempts


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3  # attempts in total, the first included
    base_delay: float = 0.5  # seconds before the 2nd attempt; doubles after that
    max_delay: float = MAX_DELAY  # cap of one wait, and the longest Retry-After we accept
    jitter: float = 0.5  # share of each backoff delay that is randomised
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must not be negative")

    @classmethod
    def none(cls) -> RetryPolicy:
        """Every request is sent exactly once."""
        return cls(max_attempts=1)

    def backoff(self, attempt: int) -> float:
        """Jittered delay after failed attempt number `attempt` (1-based), capped."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling * (1.0 - self.jitter * float(self.random()))

    def delay(self, attempt: int, error: ApiError, *, idempotent: bool) -> float | None:
        """Seconds to wait before the next attempt, or None to give up and raise `error`."""
        if attempt >= self.max_attempts or not self._retryable(error, idempotent=idempotent):
            return None
        wait = self.backoff(attempt)
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            if error.retry_after > self.max_delay:
                return None  # the server wants a longer pause than we are willing to block
            wait = max(wait, error.retry_after)
        return wait

    def _retryable(self, error: ApiError, *, idempotent: bool) -> bool:
        if isinstance(error, DeadlineExceeded):
            return False
        if isinstance(error, ConnectionFailed | RequestTimeout):
            return idempotent or not error.sent
        if isinstance(error, HttpStatusError):
            return idempotent and error.status in self.retry_statuses
        return False


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None if unusable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    reference = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())
