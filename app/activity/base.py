"""The `ActivitySource` protocol: "how long since the user last touched the machine?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SourceStatus:
    """What a source is, what it sees, and whether it works (and if not, why)."""

    name: str
    sees: str
    available: bool
    reason: str = ""  # why it is unavailable, or a caveat when it is
    tried: bool = True  # False: the probe skipped it or had already chosen a better one

    def describe(self) -> str:
        if not self.tried:
            return f"{self.name}: {self.reason}"
        state = "available" if self.available else f"unavailable: {self.reason}"
        if self.available and self.reason:
            state += f" ({self.reason})"
        return f"{self.name}: {state}"


@runtime_checkable
class ActivitySource(Protocol):
    """A source of "seconds since the last input". Methods never raise for OS trouble."""

    name: str
    sees: str

    def open(self) -> bool:
        """Start sensing; True when the source works. Never raises."""
        ...

    def seconds_since_input(self) -> float | None:
        """Seconds since the last input this source saw; None when it is unavailable."""
        ...

    def status(self) -> SourceStatus: ...

    def close(self) -> None: ...


class SourceBase:
    """Shared bookkeeping: availability and the reason, set by the concrete source."""

    name = "source"
    sees = ""

    def __init__(self) -> None:
        self._available = False
        self._reason = "not opened yet"

    def _ok(self, caveat: str = "") -> bool:
        self._available, self._reason = True, caveat
        return True

    def _fail(self, reason: str) -> bool:
        self._available, self._reason = False, reason
        return False

    @property
    def available(self) -> bool:
        return self._available

    @property
    def reason(self) -> str:
        return self._reason

    def status(self) -> SourceStatus:
        return SourceStatus(self.name, self.sees, self._available, self._reason)


def first_line(exc: BaseException) -> str:
    """A one-line description of an exception (pynput's ImportError spans many lines)."""
    text = str(exc).strip().splitlines()
    return text[0] if text and text[0] else type(exc).__name__
