"""The `language` setting ("" follows the system) and the settings errors the UI translates:
each carries its marked template and the parameters that rebuild its English message."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.settings import SettingsFileError, SettingValueError, load_settings, save_settings
from app.settings.model import LANGUAGES, Settings


def test_the_language_follows_the_system_by_default(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert Settings().language == ""
    path.write_text("stop_on_lock = true\n")  # a file from before the setting existed
    assert load_settings(path).language == ""


@pytest.mark.parametrize("language", ["", *LANGUAGES])
def test_the_language_round_trips(tmp_path: Path, language: str) -> None:
    path = save_settings(Settings(language=language), tmp_path / "settings.toml")
    assert tomllib.loads(path.read_text())["language"] == language
    assert load_settings(path).language == language


@pytest.mark.parametrize("bad", ["fr", "DE", "de_DE", 5])
def test_an_unknown_language_in_the_file_is_named(tmp_path: Path, bad: object) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f"language = {bad!r}\n".replace("'", '"'))
    with pytest.raises(SettingsFileError) as info:
        load_settings(path)
    assert "'language'" in info.value.message
    assert str(path) in info.value.message


def test_an_unknown_language_from_code_is_refused() -> None:
    with pytest.raises(SettingValueError, match='"de"'):
        Settings(language="xx")


def test_settings_file_errors_carry_a_template_that_rebuilds_the_message(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("idle_threshold_seconds = 5\n")
    with pytest.raises(SettingsFileError) as info:
        load_settings(path)
    error = info.value
    assert error.template is not None and "{path}" in error.template
    assert error.template.format(**error.params) == error.message
    assert error.params["key"] == "idle_threshold_seconds"

    path.write_text("not toml = = =\n")
    with pytest.raises(SettingsFileError) as info:
        load_settings(path)
    assert info.value.template is not None
    assert info.value.template.format(**info.value.params) == info.value.message


def test_a_value_error_carries_its_template() -> None:
    with pytest.raises(SettingValueError) as info:
        Settings(activity_window_seconds=1)
    error = info.value
    assert error.template == SettingValueError.TEMPLATE
    assert error.template.format(**error.params) == error.message
    assert error.message.startswith("bad value for 'activity_window_seconds'")
