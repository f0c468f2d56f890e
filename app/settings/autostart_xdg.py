"""Start at login on Linux and the BSDs: a Desktop Entry in $XDG_CONFIG_HOME/autostart."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from app.settings.autostart_file import LoginFile, tilde

DESKTOP_FILE = "pacetray.desktop"


def default_entry_path() -> Path:
    """$XDG_CONFIG_HOME/autostart/pacetray.desktop (XDG_CONFIG_HOME defaults to ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / DESKTOP_FILE


class XdgAutostart(LoginFile):
    """`render` turns the command into the file's text; it is passed in because the text
    (`autostart.desktop_entry`) lives with the facade, which imports this module."""

    kind = "autostart entry"

    def __init__(self, render: Callable[[Sequence[str]], str], path: Path | None = None) -> None:
        super().__init__(path or default_entry_path())
        self.render = render

    def enable(self, command: Sequence[str]) -> None:
        self._write(self.render(command).encode("utf-8"))

    def describe(self) -> str:
        return f"Autostart entry: {tilde(self.path)}"
