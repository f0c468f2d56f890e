"""Start at login on macOS: a LaunchAgent, ~/Library/LaunchAgents/<label>.plist, that launchd
reads at the next login (RunAtLoad).

We only write and remove the file, never call launchctl: `bootstrap` would start a second
Pacetray at once (RunAtLoad), and `bootout` would quit the one the user is running.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from app.settings.atomic import write_atomic
from app.settings.autostart_xdg import tilde
from app.settings.errors import AutostartError

LABEL = "com.pacetray.Pacetray"


def default_agent_path(home: Path | None = None, label: str = LABEL) -> Path:
    return (home or Path.home()) / "Library" / "LaunchAgents" / f"{label}.plist"


def agent_plist(command: Sequence[str], label: str = LABEL) -> bytes:
    if not command:
        raise ValueError("empty command")
    return plistlib.dumps(
        {
            "Label": label,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            # a GUI app: launchd must not throttle it like a background daemon
            "ProcessType": "Interactive",
        }
    )


class LaunchAgent:
    def __init__(self, path: Path | None = None, label: str = LABEL) -> None:
        self.label = label
        self.path = path or default_agent_path(label=label)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def enable(self, command: Sequence[str]) -> None:
        data = agent_plist(command, self.label)
        try:
            # launchd ignores agents that others may write: 0644, as launchctl wants
            write_atomic(self.path, data, mode=0o644, dir_mode=0o755)
        except OSError as exc:
            raise AutostartError(
                f"cannot write the LaunchAgent {self.path}: {exc.strerror}; check that the "
                "folder is writable"
            ) from exc

    def disable(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(
                f"cannot remove the LaunchAgent {self.path}: {exc.strerror}"
            ) from exc
        return True

    def describe(self) -> str:
        return f"macOS: LaunchAgent {tilde(self.path)}"
