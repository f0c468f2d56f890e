"""Start at login on every platform, behind one interface (`LoginItem`):

- Linux and the BSDs: an XDG autostart entry, ~/.config/autostart/pacetray.desktop
  (`autostart_xdg`);
- Windows: the value "Pacetray" in the current user's Run key (`autostart_windows`);
- macOS: a LaunchAgent, ~/Library/LaunchAgents/com.pacetray.Pacetray.plist (`autostart_macos`).

The entry runs whichever form of Pacetray is installed (`autostart_command`). Other systems
get an `AutostartError` saying so, rather than pretending.

The Exec line is quoted by the Desktop Entry spec's rules, so a path with spaces or quotes
(a PyInstaller bundle in "~/My Apps") still starts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from app import resources
from app.settings.autostart_command import current_facts, launch_command
from app.settings.autostart_item import LoginItem
from app.settings.autostart_macos import LaunchAgent
from app.settings.autostart_windows import RunKeyStore, WindowsRunKey
from app.settings.autostart_xdg import DESKTOP_FILE, XdgAutostart, default_entry_path
from app.settings.errors import QT_TRANSLATE_NOOP, AutostartError
from app.settings.model import Settings

__all__ = [
    "DESKTOP_FILE",
    "LoginItem",
    "apply",
    "default_command",
    "default_entry_path",
    "describe",
    "desktop_entry",
    "disable",
    "enable",
    "exec_line",
    "is_enabled",
    "login_item",
    "supported",
]

_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")
_PLATFORM_NAMES = {"cygwin": "Windows (Cygwin)", "msys": "Windows (MSYS2)"}
# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = set('"`$\\')


def supported(platform: str | None = None) -> bool:
    platform = platform or sys.platform
    return platform.startswith(_XDG_PLATFORMS) or platform in ("darwin", "win32")


def default_command() -> list[str]:
    """How to start the tray: the bundle, the Debian package's script, the console script of
    this environment, or this Python on the source tree (see `autostart_command`)."""
    return launch_command(current_facts())


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
        raise AutostartError.marked(
            QT_TRANSLATE_NOOP(
                "messages", "the shipped {file} has {count} Exec lines, not one; reinstall Pacetray"
            ),
            file=resources.DESKTOP_FILE,
            count=len(exec_at),
        )
    lines[exec_at[0]] = f"Exec={exec_line(command)}"
    lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def shipped_desktop_entry() -> str:
    try:
        return resources.desktop_file().read_text(encoding="utf-8")
    except (resources.ResourceError, OSError) as exc:
        raise AutostartError.marked(
            QT_TRANSLATE_NOOP(
                "messages", "cannot read the shipped {file} ({error}); reinstall Pacetray"
            ),
            file=resources.DESKTOP_FILE,
            error=exc,
        ) from exc


def _unsupported(platform: str) -> AutostartError:
    name = _PLATFORM_NAMES.get(platform, platform)
    return AutostartError.marked(
        QT_TRANSLATE_NOOP(
            "messages",
            "start at login is not supported yet on {system}; add Pacetray to your login items "
            "by hand, or set start_at_login = false",
        ),
        system=name,
    )


def login_item(
    platform: str | None = None,
    *,
    path: Path | None = None,
    store: RunKeyStore | None = None,
) -> LoginItem:
    """The backend for `platform`; `path` replaces the entry's file (XDG, macOS), `store` the
    registry (Windows). AutostartError on a system with none."""
    platform = platform or sys.platform
    if platform == "win32":
        return WindowsRunKey(store)
    if platform == "darwin":
        return LaunchAgent(path)
    if platform.startswith(_XDG_PLATFORMS):
        return XdgAutostart(desktop_entry, path)
    raise _unsupported(platform)


def _item(item: LoginItem | None, path: Path | None, platform: str | None) -> LoginItem:
    return item if item is not None else login_item(platform, path=path)


def describe(platform: str | None = None) -> str:
    """Where the entry goes, for the Settings tooltip."""
    if not supported(platform):
        return "Not supported on this system yet"
    return login_item(platform).describe()


def enable(
    command: Sequence[str] | None = None,
    *,
    path: Path | None = None,
    platform: str | None = None,
    item: LoginItem | None = None,
) -> LoginItem:
    """Create the entry (replacing an old one); returns the backend that wrote it."""
    item = _item(item, path, platform)
    item.enable(list(command) if command is not None else default_command())
    return item


def disable(
    *, path: Path | None = None, platform: str | None = None, item: LoginItem | None = None
) -> bool:
    """Remove the entry; False when there was none."""
    return _item(item, path, platform).disable()


def is_enabled(
    *, path: Path | None = None, platform: str | None = None, item: LoginItem | None = None
) -> bool:
    if item is None and not supported(platform):
        return False
    return _item(item, path, platform).is_enabled()


def apply(
    settings: Settings,
    command: Sequence[str] | None = None,
    *,
    path: Path | None = None,
    platform: str | None = None,
    item: LoginItem | None = None,
) -> None:
    """Make the system match `settings.start_at_login` (call after saving the settings).
    Turning it off on an unsupported platform is not an error: there is nothing to undo."""
    if settings.start_at_login:
        enable(command, path=path, platform=platform, item=item)
    elif item is not None or supported(platform):
        disable(path=path, platform=platform, item=item)
