"""The opt-in secrets file end to end: the real `pacetray login` and `status` on a machine
without a keyring, against the real local server."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import SERVER_TOKEN, Home, assert_one_line_error, make_env, pacetray

NO_KEYRING = "keyring.backends.fail.Keyring"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.support.servers import loopback_config, running_server  # the server: lazily

    data = tmp_path_factory.mktemp("server-data")
    with running_server(loopback_config(data, SERVER_TOKEN)) as running:
        yield running


@pytest.fixture
def keyless(tmp_path: Path) -> Home:
    return Home(tmp_path, make_env(tmp_path, PYTHON_KEYRING_BACKEND=NO_KEYRING))


def test_login_without_keyring_names_the_opt_in(keyless: Home, server: Any) -> None:
    result = pacetray(keyless, "login", "--server", server.url, "--token", SERVER_TOKEN)
    assert_one_line_error(result, "no usable OS keyring", "secrets_file_fallback = true")
    assert SERVER_TOKEN not in result.stdout + result.stderr
    assert not (keyless.root / "data").exists()


def test_login_and_status_with_the_opt_in_file(keyless: Home, server: Any) -> None:
    keyless.config_dir.mkdir(parents=True)
    keyless.settings_file.write_text("secrets_file_fallback = true\n")
    login = pacetray(keyless, "login", "--server", server.url, "--token", SERVER_TOKEN)
    assert login.returncode == 0, login.stderr
    secrets_file = keyless.root / "data" / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert SERVER_TOKEN in json.loads(secrets_file.read_text()).values()
    assert SERVER_TOKEN not in keyless.settings_file.read_text()
    status = pacetray(keyless, "status")  # server and token both from what login kept
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(("Not tracking", "Tracking"))
