"""Start at login: the XDG autostart entry on Linux, the facade over all three backends, and a
clear refusal on systems with none."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest

from app.settings import AutostartError, Settings, autostart
from app.settings.autostart_macos import LaunchAgent
from app.settings.autostart_windows import WindowsRunKey
from app.settings.autostart_xdg import XdgAutostart


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_enable_writes_an_autostart_entry_and_disable_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "autostart" / "pacetray.desktop"
    assert not autostart.is_enabled(path=path, platform="linux")
    item = autostart.enable(["/usr/bin/pacetray"], path=path, platform="linux")
    assert item.describe() == f"Autostart entry: {path}"
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
    path = tmp_path / "p.desktop"
    autostart.enable(command, path=path, platform="linux")
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


@pytest.mark.parametrize(
    ("platform", "name"), [("cygwin", "Windows (Cygwin)"), ("sunos5", "sunos5")]
)
def test_other_platforms_say_not_supported_yet(tmp_path: Path, platform: str, name: str) -> None:
    path = tmp_path / "p.desktop"
    assert not autostart.supported(platform)
    with pytest.raises(AutostartError) as info:
        autostart.apply(Settings(start_at_login=True), ["x"], path=path, platform=platform)
    assert f"not supported yet on {name}" in info.value.message
    assert not path.exists()
    autostart.apply(Settings(), ["x"], path=path, platform=platform)  # off: nothing to undo
    assert not autostart.is_enabled(path=path, platform=platform)
    assert autostart.describe(platform) == "Not supported on this system yet"


@pytest.mark.parametrize(
    ("platform", "backend"),
    [
        ("linux", XdgAutostart),
        ("freebsd14", XdgAutostart),
        ("darwin", LaunchAgent),
        ("win32", WindowsRunKey),
    ],
)
def test_each_supported_platform_gets_its_backend(platform: str, backend: type) -> None:
    assert autostart.supported(platform)
    assert isinstance(autostart.login_item(platform), backend)


def test_describe_says_where_the_entry_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert autostart.describe("linux") == "Autostart entry: ~/.config/autostart/pacetray.desktop"
    assert autostart.describe("darwin") == (
        "macOS: LaunchAgent ~/Library/LaunchAgents/com.pacetray.Pacetray.plist"
    )
    assert autostart.describe("win32").startswith("Windows: Run key in the registry (HKCU\\")
    assert not list(tmp_path.iterdir())  # describing writes nothing


def test_enable_without_a_command_writes_the_default_one(tmp_path: Path) -> None:
    path = tmp_path / "p.desktop"
    autostart.enable(path=path, platform="linux")
    assert read_entry(path)["Exec"] == autostart.exec_line(autostart.default_command())


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AutostartError, match=r"cannot write .*p\.desktop.*folder is writable"):
        autostart.enable(["x"], path=blocker / "autostart" / "p.desktop", platform="linux")
