"""The one interface every start-at-login backend offers (XDG entry, Windows Run key, macOS
LaunchAgent), so the facade in `autostart.py` and the Settings dialog never ask which one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class LoginItem(Protocol):
    def is_enabled(self) -> bool:
        """True when the entry exists; never raises (the dialog asks while saving)."""
        ...

    def enable(self, command: Sequence[str]) -> None:
        """Create or replace the entry so that `command` runs at login; AutostartError if not."""
        ...

    def disable(self) -> bool:
        """Remove the entry; False when there was none; AutostartError if it cannot."""
        ...

    def describe(self) -> str:
        """Where the entry goes, for the user (the Settings tooltip)."""
        ...
