"""Secrets go to the OS keyring; a file only on explicit opt-in, only without a keyring, and
only with mode 0600."""

from __future__ import annotations

import json
import os
import stat

import keyring.backend
import pytest

from app.settings import KeyringUnavailable, SecretsFileError, secrets
from tests.settings.conftest import Dirs

URL = "http://127.0.0.1:8765"
NAME = secrets.account(URL, secrets.API_TOKEN)


def test_no_keyring_and_no_opt_in_is_a_clear_error_and_writes_nothing(
    dirs: Dirs, no_keyring: None
) -> None:
    for call in (
        lambda: secrets.set_secret(URL, secrets.API_TOKEN, "tok-1"),
        lambda: secrets.get_secret(URL, secrets.API_TOKEN),
        lambda: secrets.delete_secret(URL, secrets.API_TOKEN),
        lambda: secrets.backend_name(),
    ):
        with pytest.raises(KeyringUnavailable) as info:
            call()
        message = info.value.message
        assert "no usable OS keyring" in message
        assert "secrets_file_fallback = true" in message
        assert str(dirs.settings_file) in message  # where to put the opt-in
    assert not dirs.data.exists()  # no secrets file, not even its folder


def test_an_existing_file_is_never_read_without_the_opt_in(dirs: Dirs, no_keyring: None) -> None:
    dirs.opt_in()
    secrets.set_secret(URL, secrets.API_TOKEN, "tok-2")
    assert secrets.get_secret(URL, secrets.API_TOKEN) == "tok-2"
    dirs.opt_in(False)  # the user turns it off again: the file is there, but not used
    with pytest.raises(KeyringUnavailable):
        secrets.get_secret(URL, secrets.API_TOKEN)


def test_opted_in_without_keyring_the_file_is_0600_and_round_trips(
    dirs: Dirs, no_keyring: None
) -> None:
    dirs.opt_in()
    old = os.umask(0o022)  # the usual umask, which gives 0644 to a plainly opened file
    try:
        secrets.set_secret(URL, secrets.API_TOKEN, "tok-3")
        secrets.set_secret(URL, secrets.OAUTH_TOKENS, '{"access_token": "a"}')
    finally:
        os.umask(old)
    assert stat.S_IMODE(dirs.secrets_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(dirs.data.stat().st_mode) == 0o700
    assert json.loads(dirs.secrets_file.read_text())[NAME] == "tok-3"
    assert secrets.get_secret(URL, secrets.API_TOKEN) == "tok-3"
    assert secrets.get_secret("http://127.0.0.1:9", secrets.API_TOKEN) is None
    assert "opted-in file" in secrets.backend_name()
    assert secrets.delete_secret(URL, secrets.API_TOKEN) is True
    assert secrets.delete_secret(URL, secrets.API_TOKEN) is False
    assert secrets.get_secret(URL, secrets.API_TOKEN) is None
    assert stat.S_IMODE(dirs.secrets_file.stat().st_mode) == 0o600  # rewritten, still 0600
    assert [p.name for p in dirs.data.iterdir()] == ["secrets.json"]  # no temporary left


def test_the_opt_in_may_also_be_passed_by_the_caller(dirs: Dirs, no_keyring: None) -> None:
    secrets.set_secret(URL, secrets.API_TOKEN, "tok-4", file_fallback=True)
    assert secrets.get_secret(URL, secrets.API_TOKEN, file_fallback=True) == "tok-4"
    with pytest.raises(KeyringUnavailable):
        secrets.get_secret(URL, secrets.API_TOKEN)  # the settings file says no


def test_with_a_keyring_the_opt_in_changes_nothing(
    dirs: Dirs, file_keyring: keyring.backend.KeyringBackend
) -> None:
    dirs.opt_in()
    secrets.set_secret(URL, secrets.API_TOKEN, "tok-5")
    assert file_keyring.get_password(secrets.SERVICE, NAME) == "tok-5"
    assert not dirs.secrets_file.exists()


def test_a_keyring_appearing_later_takes_over_from_the_file(
    dirs: Dirs, file_keyring: keyring.backend.KeyringBackend
) -> None:
    dirs.opt_in()
    secrets.SecretsFile(dirs.secrets_file).set(NAME, "from-file")
    assert secrets.get_secret(URL, secrets.API_TOKEN) == "from-file"
    secrets.set_secret(URL, secrets.API_TOKEN, "in-keyring")
    assert file_keyring.get_password(secrets.SERVICE, NAME) == "in-keyring"
    assert NAME not in json.loads(dirs.secrets_file.read_text())  # no stale weaker copy


def test_a_secrets_file_others_can_read_is_refused(dirs: Dirs, no_keyring: None) -> None:
    dirs.opt_in()
    secrets.set_secret(URL, secrets.API_TOKEN, "tok-6")
    dirs.secrets_file.chmod(0o644)
    with pytest.raises(SecretsFileError) as info:
        secrets.get_secret(URL, secrets.API_TOKEN)
    assert "can be read by other users (mode 0644)" in info.value.message
    assert f"chmod 600 {dirs.secrets_file}" in info.value.message


def test_a_damaged_secrets_file_says_what_to_do(dirs: Dirs, no_keyring: None) -> None:
    dirs.opt_in()
    dirs.data.mkdir()
    fd = os.open(dirs.secrets_file, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"[1, 2]")
    os.close(fd)
    with pytest.raises(SecretsFileError, match="is damaged; delete it and sign in again"):
        secrets.get_secret(URL, secrets.API_TOKEN)
