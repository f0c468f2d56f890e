"""settings.toml: every setting round-trips, defaults are declared once, unknown keys survive a
save, and a bad value names the file, the key and what it accepts."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from app.settings import (
    AuthMethod,
    Hotkeys,
    IdlePolicy,
    Settings,
    SettingsFileError,
    SettingValueError,
    load_settings,
    save_settings,
)
from app.tracking import idle
from tests.settings.conftest import Dirs

EVERYTHING_CHANGED = Settings(
    server_url="https://acme.timehub.7pace.com",
    auth_method=AuthMethod.TOKEN,
    idle_threshold_seconds=600,
    idle_policy=IdlePolicy.STOP_WHEN_IDLE,
    activity_window_seconds=60,
    stop_on_lock=True,
    stop_on_sleep=True,
    hotkeys=Hotkeys(toggle_tracking="<ctrl>+<shift>+<f9>", open_popup="", restart_last="<alt>+r"),
    start_at_login=True,
    secrets_file_fallback=True,
    live_updates=False,
    request_deadline_seconds=12,
    language="de",
    presence_days=30,
    slip_threshold_seconds=600,
)


def test_the_defaults_the_issue_names() -> None:
    settings = Settings()
    assert settings.idle_threshold_seconds == 5 * 60
    assert settings.idle_policy is IdlePolicy.ASK
    assert settings.activity_window_seconds == 120
    assert (settings.stop_on_lock, settings.stop_on_sleep, settings.start_at_login) == (
        False,
        False,
        False,
    )
    assert settings.secrets_file_fallback is False
    assert settings.live_updates is True
    assert settings.hotkeys == Hotkeys("<ctrl>+<alt>+t", "<ctrl>+<alt>+p", "<ctrl>+<alt>+r")
    assert (settings.presence_days, settings.slip_threshold_seconds) == (14, 5 * 60)


def test_idle_policy_values_are_the_trackers() -> None:
    assert {p.name: p.value for p in IdlePolicy} == {p.name: p.value for p in idle.IdlePolicy}


def test_every_setting_round_trips(dirs: Dirs) -> None:
    # Every field differs from its default here, so none can be silently dropped on save.
    default = Settings()
    for item in dataclasses.fields(Settings):
        assert getattr(EVERYTHING_CHANGED, item.name) != getattr(default, item.name), item.name
    path = save_settings(EVERYTHING_CHANGED)
    assert path == dirs.settings_file
    assert load_settings() == EVERYTHING_CHANGED
    data = tomllib.loads(path.read_text())
    assert data["idle_policy"] == "stop_when_idle"
    assert data["hotkeys"] == {"toggle_tracking": "<ctrl>+<shift>+<f9>", "open_popup": "",
                               "restart_last": "<alt>+r",
                               "open_today": "<ctrl>+<alt>+d"}  # fmt: skip


def test_every_setting_is_written_so_the_file_shows_them_all(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(stop_on_lock=True), path)
    data = tomllib.loads(path.read_text())
    expected = {f.name for f in dataclasses.fields(Settings)} - {"server_url"}  # None: unset
    assert set(data) == expected
    assert data["stop_on_lock"] is True
    assert data["idle_threshold_seconds"] == 300
    assert data["hotkeys"] == {
        "toggle_tracking": "<ctrl>+<alt>+t",
        "open_popup": "<ctrl>+<alt>+p",
        "restart_last": "<ctrl>+<alt>+r",
        "open_today": "<ctrl>+<alt>+d",
    }
    assert path.read_text().startswith("# Pacetray settings.")


def test_missing_keys_take_the_declared_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("stop_on_sleep = true\n[hotkeys]\nopen_popup = ''\n")
    assert load_settings(path) == Settings(stop_on_sleep=True, hotkeys=Hotkeys(open_popup=""))


def test_unknown_keys_of_a_newer_version_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'server_url = "http://127.0.0.1:5"\n'
        "future_option = 3\n"
        "stop_on_lock = true\n"
        "[hotkeys]\n"
        'open_popup = "<ctrl>+<alt>+o"\n'
        'snooze = "<ctrl>+<alt>+s"\n'
        "[sync]\n"
        'mode = "push"\n'
    )
    loaded = load_settings(path)
    assert loaded == Settings(
        server_url="http://127.0.0.1:5",
        stop_on_lock=True,
        hotkeys=Hotkeys(open_popup="<ctrl>+<alt>+o"),
    )
    save_settings(dataclasses.replace(loaded, stop_on_lock=False, hotkeys=Hotkeys()), path)
    data = tomllib.loads(path.read_text())
    assert data["future_option"] == 3
    assert data["sync"] == {"mode": "push"}
    assert data["hotkeys"] == {
        "toggle_tracking": "<ctrl>+<alt>+t",
        "open_popup": "<ctrl>+<alt>+p",  # our value wins over the file's
        "restart_last": "<ctrl>+<alt>+r",
        "open_today": "<ctrl>+<alt>+d",
        "snooze": "<ctrl>+<alt>+s",
    }
    assert data["stop_on_lock"] is False
    assert load_settings(path) == dataclasses.replace(loaded, stop_on_lock=False, hotkeys=Hotkeys())


@pytest.mark.parametrize(
    ("toml", "key", "says"),
    [
        ("idle_threshold_seconds = '5m'", "idle_threshold_seconds", "expected a whole number"),
        ("idle_threshold_seconds = 5", "idle_threshold_seconds", "from 60 to 14400"),
        ("activity_window_seconds = true", "activity_window_seconds", "a whole number"),
        ("activity_window_seconds = 99999", "activity_window_seconds", "from 10 to 3600"),
        ("presence_days = 0", "presence_days", "whole number of days from 1 to 366"),
        ("slip_threshold_seconds = 10", "slip_threshold_seconds", "from 60 to 14400"),
        ("idle_policy = 'sometimes'", "idle_policy", "'ask', 'always_keep', 'always_discard'"),
        ("stop_on_lock = 'yes'", "stop_on_lock", "expected true or false"),
        ("start_at_login = 1", "start_at_login", "expected true or false"),
        ("secrets_file_fallback = 'on'", "secrets_file_fallback", "expected true or false"),
        ("hotkeys = '<ctrl>+t'", "hotkeys", "a table [hotkeys]"),
        ("[hotkeys]\nopen_popup = 5", "hotkeys.open_popup", "expected str"),
        ("[hotkeys]\nopen_popup = '<ctrl>+<hyper>+p'", "hotkeys.open_popup", "unknown key name"),
        ("[hotkeys]\nopen_popup = 'ctrl+p'", "hotkeys.open_popup", "'ctrl' is neither"),
        ("[hotkeys]\nopen_popup = 'p'", "hotkeys.open_popup", "needs <ctrl>, <alt> or <cmd>"),
        ("[hotkeys]\nopen_popup = '<shift>+p'", "hotkeys.open_popup", "needs <ctrl>"),
        ("[hotkeys]\nopen_popup = '<ctrl>+a+b'", "hotkeys.open_popup", "exactly one key"),
        ("[hotkeys]\nopen_popup = '<ctrl>+<alt>'", "hotkeys.open_popup", "no key"),
        ("[hotkeys]\nopen_popup = '<ctrl>+<alt>+'", "hotkeys.open_popup", "ends with '+'"),
        ("[hotkeys]\nopen_popup = '<ctrl>+<ctrl>+p'", "hotkeys.open_popup", "appears twice"),
        (
            "[hotkeys]\nopen_popup = '<ctrl>+<alt>+T'",
            "hotkeys.open_popup",
            "hotkeys.toggle_tracking too",
        ),
    ],
)
def test_a_bad_value_names_file_key_and_expectation(
    tmp_path: Path, toml: str, key: str, says: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(toml + "\n")
    with pytest.raises(SettingsFileError) as info:
        load_settings(path)
    message = info.value.message
    assert str(path) in message
    assert f"bad value for {key!r}" in message
    assert says in message
    assert "fix or delete it" in message


def test_bad_values_from_code_are_refused_too() -> None:
    with pytest.raises(SettingValueError, match="from 60 to 14400"):
        Settings(idle_threshold_seconds=30)
    with pytest.raises(SettingValueError, match=r"hotkeys\.restart_last"):
        Hotkeys(restart_last="<ctrl>+<alt>+<nokey>")


@pytest.mark.parametrize(
    "combo",
    [
        "<ctrl>+<alt>+t",
        "<cmd>+<shift>+p",
        "<f9>",
        "<ctrl>+<alt>++",
        "<alt_gr>+<65>",
        "<ctrl>+<space>",
    ],
)
def test_pynput_style_hotkeys_are_accepted(combo: str) -> None:
    assert Hotkeys(toggle_tracking=combo).toggle_tracking == combo


def test_saving_over_a_broken_file_refuses_instead_of_destroying_it(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("server_url = [\n")
    with pytest.raises(SettingsFileError, match="not valid TOML"):
        save_settings(Settings(stop_on_lock=True), path)
    assert path.read_text() == "server_url = [\n"


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(SettingsFileError, match=r"the settings file .*not-a-dir.*Not a directory"):
        save_settings(Settings(stop_on_lock=True), blocker / "settings.toml")
