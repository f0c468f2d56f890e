"""Start at login: an XDG autostart entry (~/.config/autostart/pacetray.desktop) on Linux and
the BSDs. macOS (a LaunchAgent) and Windows (a Run key or Startup shortcut) are not written yet:
asking for them raises `AutostartError` saying so, rather than pretending.

The Exec line is quoted by the Desktop Entry spec's rules, so a path with spaces or quotes
(a PyInstaller bundle in "~/My Apps") still starts.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from app import resources
from app.settings.atomic import write_atomic
from app.settings.errors import AutostartError
from app.settings.model import Settings

DESKTOP_FILE = resources.DESKTOP_FILE
_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")
_PLATFORM_NAMES = {"darwin": "macOS", "win32": "Windows", "cygwin": "Windows (Cygwin)"}
# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = set('"`$\\')


def supported(platform: str | None = None) -> bool:
    return (platform or sys.platform).startswith(_XDG_PLATFORMS)


def default_entry_path() -> Path:
    """$XDG_CONFIG_HOME/autostart/pacetray.desktop (XDG_CONFIG_HOME defaults to ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / DESKTOP_FILE


def default_command() -> list[str]:
    """How to start the tray: the frozen executable, the installed script, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which("pacetray")
    if script:
        return [script]
    return [sys.executable, "-m", "app"]


def exec_line(command: Sequence[str]) -> str:
    """`command` as a Desktop Entry Exec value: quoted arguments, % doubled, and the string
    escape for backslashes applied last (the spec applies it before unquoting)."""
    if not command:
        raise ValueError("empty command")
    parts: list[str] = []
    for arg in command:
        if not arg or any(c in _RESERVED for c in arg):
            arg = '"' + "".join("\\" + c if c in _ESCAPED_IN_QUOTES else c for c in arg) + '"'
        parts.append(arg.replace("%", "%%"))
    return " ".join(parts).replace("\\", "\\\\")


def desktop_entry(command: Sequence[str]) -> str:
    """The shipped launcher (resources/pacetray.desktop) with `command` as its Exec line,
    marked for GNOME's autostart."""
    lines = shipped_desktop_entry().splitlines()
    exec_at = [i for i, line in enumerate(lines) if line.startswith("Exec=")]
    if len(exec_at) != 1:
        raise AutostartError(
            f"the shipped {resources.DESKTOP_FILE} has {len(exec_at)} Exec lines, not one; "
            "reinstall Pacetray"
        )
    lines[exec_at[0]] = f"Exec={exec_line(command)}"
    lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def shipped_desktop_entry() -> str:
    try:
        return resources.desktop_file().read_text(encoding="utf-8")
    except (resources.ResourceError, OSError) as exc:
        raise AutostartError(
            f"cannot read the shipped {resources.DESKTOP_FILE} ({exc}); reinstall Pacetray"
        ) from exc


def _unsupported(platform: str) -> AutostartError:
    name = _PLATFORM_NAMES.get(platform, platform)
    return AutostartError(
        f"start at login is not supported yet on {name}; add Pacetray to your login items "
        "by hand, or set start_at_login = false"
    )


def enable(
    command: Sequence[str] | None = None,
    *,
    path: Path | None = None,
    platform: str | None = None,
) -> Path:
    """Write the autostart entry (atomically); returns its path."""
    platform = platform or sys.platform
    if not supported(platform):
        raise _unsupported(platform)
    path = path or default_entry_path()
    text = desktop_entry(list(command) if command is not None else default_command())
    try:
        # a launcher is no secret: the usual 0644, not the helper's private default
        write_atomic(path, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise AutostartError(
            f"cannot write the autostart entry {path}: {exc.strerror}; check that the folder "
            "is writable"
        ) from exc
    return path


def disable(*, path: Path | None = None, platform: str | None = None) -> bool:
    """Remove the autostart entry; False when there was none."""
    platform = platform or sys.platform
    if not supported(platform):
        raise _unsupported(platform)
    path = path or default_entry_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise AutostartError(f"cannot remove the autostart entry {path}: {exc.strerror}") from exc
    return True


def is_enabled(*, path: Path | None = None, platform: str | None = None) -> bool:
    if not supported(platform or sys.platform):
        return False
    return (path or default_entry_path()).is_file()


def apply(
    settings: Settings,
    command: Sequence[str] | None = None,
    *,
    path: Path | None = None,
    platform: str | None = None,
) -> None:
    """Make the system match `settings.start_at_login` (call after saving the settings).
    Turning it off on an unsupported platform is not an error: there is nothing to undo."""
    if settings.start_at_login:
        enable(command, path=path, platform=platform)
    elif supported(platform or sys.platform):
        disable(path=path, platform=platform)
