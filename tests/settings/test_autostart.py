"""Start at login: the XDG autostart entry on Linux, a clear refusal elsewhere."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest

from app.settings import AutostartError, Settings, autostart


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_enable_writes_an_autostart_entry_and_disable_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "autostart" / "pacetray.desktop"
    assert not autostart.is_enabled(path=path, platform="linux")
    written = autostart.enable(["/usr/bin/pacetray"], path=path, platform="linux")
    assert written == path
    entry = read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/usr/bin/pacetray"
    assert entry["Terminal"] == "false"
    assert autostart.is_enabled(path=path, platform="linux")
    assert autostart.disable(path=path, platform="linux") is True
    assert not path.exists()
    assert autostart.disable(path=path, platform="linux") is False


def test_apply_follows_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "pacetray.desktop"
    autostart.apply(Settings(start_at_login=True), ["pacetray"], path=path, platform="linux")
    assert path.is_file()
    autostart.apply(Settings(), ["pacetray"], path=path, platform="linux")
    assert not path.exists()


@pytest.mark.parametrize(
    ("command", "exec_value"),
    [
        (["/opt/My Apps/pacetray"], '"/opt/My Apps/pacetray"'),
        ([sys.executable, "-m", "app"], f"{sys.executable} -m app"),
        (["/opt/100%/pacetray"], "/opt/100%%/pacetray"),
        # Inside quotes `"` and `\` are backslash-escaped; then every `\` is doubled again by
        # the string escape of .desktop values.
        (['/opt/a "b"/x'], '"/opt/a \\\\"b\\\\"/x"'),
        (["/opt/back\\slash"], '"/opt/back\\\\\\\\slash"'),
    ],
)
def test_exec_is_quoted_by_the_desktop_entry_rules(
    tmp_path: Path, command: list[str], exec_value: str
) -> None:
    path = autostart.enable(command, path=tmp_path / "p.desktop", platform="linux")
    assert read_entry(path)["Exec"] == exec_value


def test_the_default_place_is_the_xdg_autostart_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert autostart.default_entry_path() == tmp_path / "cfg" / "autostart" / "pacetray.desktop"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert autostart.default_entry_path() == (
        tmp_path / "home" / ".config" / "autostart" / "pacetray.desktop"
    )


@pytest.mark.parametrize(("platform", "name"), [("darwin", "macOS"), ("win32", "Windows")])
def test_other_platforms_say_not_supported_yet(tmp_path: Path, platform: str, name: str) -> None:
    path = tmp_path / "p.desktop"
    with pytest.raises(AutostartError) as info:
        autostart.apply(Settings(start_at_login=True), ["x"], path=path, platform=platform)
    assert f"not supported yet on {name}" in info.value.message
    assert not path.exists()
    autostart.apply(Settings(), ["x"], path=path, platform=platform)  # off: nothing to undo
    assert not autostart.is_enabled(path=path, platform=platform)


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AutostartError, match="cannot write the autostart entry"):
        autostart.enable(["x"], path=blocker / "autostart" / "p.desktop", platform="linux")
