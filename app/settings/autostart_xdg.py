"""Start at login on Linux and the BSDs: a Desktop Entry in $XDG_CONFIG_HOME/autostart."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from app.settings.atomic import write_atomic
from app.settings.errors import AutostartError

DESKTOP_FILE = "pacetray.desktop"


def default_entry_path() -> Path:
    """$XDG_CONFIG_HOME/autostart/pacetray.desktop (XDG_CONFIG_HOME defaults to ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / DESKTOP_FILE


def tilde(path: Path) -> str:
    """`path` with the home folder shown as ~ (shorter, and what users recognise)."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


class XdgAutostart:
    """`render` turns the command into the file's text; it is passed in because the text
    (`autostart.desktop_entry`) lives with the facade, which imports this module."""

    def __init__(self, render: Callable[[Sequence[str]], str], path: Path | None = None) -> None:
        self.render = render
        self.path = path or default_entry_path()

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def enable(self, command: Sequence[str]) -> None:
        text = self.render(command)
        try:
            # a launcher is no secret: the usual 0644, not the helper's private default
            write_atomic(self.path, text.encode("utf-8"), mode=0o644)
        except OSError as exc:
            raise AutostartError(
                f"cannot write the autostart entry {self.path}: {exc.strerror}; check that the "
                "folder is writable"
            ) from exc

    def disable(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(
                f"cannot remove the autostart entry {self.path}: {exc.strerror}"
            ) from exc
        return True

    def describe(self) -> str:
        return f"Autostart entry: {tilde(self.path)}"
