"""Start at login on macOS: the LaunchAgent plist, written under a tmp home and read back."""

from __future__ import annotations

import plistlib
import stat
from pathlib import Path

import pytest

from app.settings import AutostartError, Settings, autostart
from app.settings.autostart_macos import LABEL, LaunchAgent


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_enable_writes_a_launch_agent_that_runs_at_login(home: Path) -> None:
    command = ["/Applications/Pace Tray.app/Contents/MacOS/Pacetray"]
    item = autostart.login_item("darwin")
    assert not item.is_enabled()
    item.enable(command)
    path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    with path.open("rb") as f:
        agent = plistlib.load(f)
    assert agent == {
        "Label": LABEL,
        "ProgramArguments": command,  # one argument per item: no quoting to get wrong
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    # launchd refuses an agent that others may write
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert item.is_enabled()
    assert item.disable() is True
    assert not path.exists()
    assert item.disable() is False


def test_the_settings_facade_drives_the_launch_agent(home: Path) -> None:
    path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    python = ["/usr/local/bin/python3", "-m", "app", "tray"]
    autostart.apply(Settings(start_at_login=True), python, platform="darwin")
    with path.open("rb") as f:
        assert plistlib.load(f)["ProgramArguments"] == python
    assert autostart.is_enabled(platform="darwin")
    autostart.apply(Settings(), platform="darwin")
    assert not path.exists()
    assert not autostart.is_enabled(platform="darwin")


def test_enable_replaces_an_older_agent(tmp_path: Path) -> None:
    item = LaunchAgent(tmp_path / "agent.plist")
    item.enable(["/old/pacetray"])
    item.enable(["/new/pacetray"])
    assert plistlib.loads(item.path.read_bytes())["ProgramArguments"] == ["/new/pacetray"]


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "Library"
    blocker.write_text("")
    item = LaunchAgent(blocker / "LaunchAgents" / f"{LABEL}.plist")
    with pytest.raises(AutostartError, match=r"cannot write .*LaunchAgents.*folder is writable"):
        item.enable(["/x"])
    assert not item.is_enabled()
