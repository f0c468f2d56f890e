"""Start at login on macOS: a LaunchAgent, ~/Library/LaunchAgents/<label>.plist, that launchd
reads at the next login (RunAtLoad).

We only write and remove the file, never call launchctl: `bootstrap` would start a second
Pacetray at once (RunAtLoad), and `bootout` would quit the one the user is running.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from app.settings.autostart_file import LoginFile, tilde

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


class LaunchAgent(LoginFile):
    kind = "LaunchAgent"

    def __init__(self, path: Path | None = None, label: str = LABEL) -> None:
        super().__init__(path or default_agent_path(label=label))
        self.label = label

    def enable(self, command: Sequence[str]) -> None:
        self._write(agent_plist(command, self.label), dir_mode=0o755)

    def describe(self) -> str:
        return f"macOS: LaunchAgent {tilde(self.path)}"
