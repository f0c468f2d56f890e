from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.settings import (
    AuthMethod,
    Settings,
    SettingsFileError,
    load_settings,
    paths,
    save_settings,
)


def test_missing_file_gives_the_declared_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.toml") == Settings()


def test_save_and_reload_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.toml"
    saved = Settings(server_url="https://acme.timehub.7pace.com", auth_method=AuthMethod.PIN)
    save_settings(saved, path)
    assert load_settings(path) == saved
    text = path.read_text()
    assert 'server_url = "https://acme.timehub.7pace.com"' in text
    assert 'auth_method = "pin"' in text


def test_unset_values_are_left_out_and_come_back_as_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(), path)
    assert "server_url" not in path.read_text()
    assert load_settings(path) == Settings()


def test_overwrite_keeps_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(server_url="http://127.0.0.1:1"), path)
    updated = dataclasses.replace(load_settings(path), auth_method=AuthMethod.TOKEN)
    save_settings(updated, path)
    assert load_settings(path).auth_method is AuthMethod.TOKEN
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('server_url = "http://127.0.0.1:5"\nfuture_option = 3\n')
    assert load_settings(path) == Settings(server_url="http://127.0.0.1:5")


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("server_url = \n")
    with pytest.raises(SettingsFileError, match="not valid TOML") as info:
        load_settings(path)
    assert str(path) in info.value.message


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("server_url = 5", "'server_url': 5 (expected str)"),
        ('auth_method = "password"', "one of 'none', 'token', 'pin'"),
    ],
)
def test_bad_value_names_key_and_expected_type(tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(line + "\n")
    with pytest.raises(SettingsFileError) as info:
        load_settings(path)
    assert says in info.value.message


def test_default_path_follows_the_config_dir_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.CONFIG_DIR_ENV, str(tmp_path / "cfg"))
    save_settings(Settings(server_url="http://127.0.0.1:7"))
    assert (tmp_path / "cfg" / "settings.toml").exists()
    assert load_settings().server_url == "http://127.0.0.1:7"


def test_platform_dirs_without_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(paths.CONFIG_DIR_ENV, raising=False)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    assert paths.config_dir() == tmp_path / "c" / "pacetray"
    assert paths.server_data_dir() == tmp_path / "d" / "pacetray" / "server"
