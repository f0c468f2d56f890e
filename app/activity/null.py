"""The source of last resort: senses nothing, and says why."""

from __future__ import annotations

from app.activity.base import SourceBase


class NullSource(SourceBase):
    name = "null"
    sees = "nothing"

    def __init__(self, reason: str = "no source works in this session") -> None:
        super().__init__()
        self._why = reason
        self._fail(f"no activity sensing available: {reason}")

    def open(self) -> bool:
        return self._fail(f"no activity sensing available: {self._why}")

    def seconds_since_input(self) -> float | None:
        return None

    def close(self) -> None:
        pass
