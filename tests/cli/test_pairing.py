"""Signing in from the command line: `pair` (PIN), `login` (API token), `logout`, with the
secrets in a real (file-based) keyring and never in the settings file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import (
    ROOT,
    SERVER_TOKEN,
    Home,
    assert_one_line_error,
    keyring_values,
    pacetray,
    pacetray_all,
)


def server(tmp_path: Path, approve_pins: bool) -> Any:
    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    config = ServerConfig(
        port=0, data_dir=tmp_path / "server", token=SERVER_TOKEN, approve_pins=approve_pins
    )
    return ServerThread(config)


@pytest.fixture
def approving_server(tmp_path: Path) -> Iterator[Any]:
    with server(tmp_path, approve_pins=True) as running:
        yield running


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[Any]:
    with server(tmp_path, approve_pins=False) as running:
        yield running


def assert_no_secret_in_files(home: Home, *secrets: str) -> None:
    for path in (home.root / "config").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            for secret in secrets:
                assert secret not in text, f"a secret leaked into {path}"


def test_pair_end_to_end_keeps_tokens_in_the_keyring(home: Home, approving_server: Any) -> None:
    result = pacetray(home, "pair", "--server", approving_server.url)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^PIN: \d+$", result.stdout, re.MULTILINE)
    assert "Paired with" in result.stdout

    stored = keyring_values(home)
    assert len(stored) == 1
    tokens = json.loads(stored[0])
    assert tokens["access_token"] and tokens["refresh_token"]
    assert tokens["access_token"] not in result.stdout + result.stderr

    settings = home.settings_file.read_text()
    assert f'server_url = "{approving_server.url}"' in settings
    assert 'auth_method = "pin"' in settings
    assert_no_secret_in_files(home, tokens["access_token"], tokens["refresh_token"])

    # Later commands need neither --server nor --token: settings + keyring suffice.
    status = pacetray(home, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(("Not tracking", "Tracking"))

    out = pacetray(home, "logout")
    assert out.returncode == 0, out.stderr
    assert keyring_values(home) == []
    assert 'auth_method = "none"' in home.settings_file.read_text()
    assert_one_line_error(pacetray(home, "status"), "no token")


def test_pair_with_a_pin_approved_by_the_admin_command(home: Home, strict_server: Any) -> None:
    pair = subprocess.Popen(
        [sys.executable, "-m", "app", "pair", "--server", strict_server.url, "--timeout", "30s"],
        env=home.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert pair.stdout is not None
        line = pair.stdout.readline()
        match = re.match(r"^PIN: (\d+)$", line.strip())
        assert match, line
        approve = pacetray(
            home,
            "server",
            "approve-pin",
            match[1],
            "--server",
            strict_server.url,
            "--token",
            SERVER_TOKEN,
        )
        assert approve.returncode == 0, approve.stderr
        assert approve.stdout.strip() == f"PIN {match[1]} approved"
        out, err = pair.communicate(timeout=30)
    finally:
        if pair.poll() is None:
            pair.kill()
            pair.communicate()
    assert pair.returncode == 0, err
    assert "Paired with" in out
    assert len(keyring_values(home)) == 1


def test_approve_pin_errors(home: Home, strict_server: Any) -> None:
    url = strict_server.url
    bad_token, bad_pin, unknown_pin = pacetray_all(
        home,
        ("server", "approve-pin", "000000", "--server", url, "--token", "nope"),
        ("server", "approve-pin", "12ab", "--server", url),
        ("server", "approve-pin", "000000", "--server", url, "--token", SERVER_TOKEN),
    )
    assert_one_line_error(bad_token, "rejected the token")
    assert "nope" not in bad_token.stderr
    assert_one_line_error(bad_pin, "not a PIN")
    assert_one_line_error(unknown_pin, "no pending PIN 000000")


def test_login_checks_the_token_then_keeps_it_in_the_keyring(
    home: Home, approving_server: Any
) -> None:
    bad = Home(home.root, dict(home.env, PACETRAY_TOKEN="not-the-token"))
    assert_one_line_error(
        pacetray(bad, "login", "--server", approving_server.url), "rejected the token"
    )
    assert keyring_values(home) == []
    assert not home.settings_file.exists()

    good = Home(home.root, dict(home.env, PACETRAY_TOKEN=SERVER_TOKEN))
    result = pacetray(good, "login", "--server", approving_server.url)
    assert result.returncode == 0, result.stderr
    assert keyring_values(home) == [SERVER_TOKEN]
    assert 'auth_method = "token"' in home.settings_file.read_text()
    assert_no_secret_in_files(home, SERVER_TOKEN)
    assert pacetray(home, "status").returncode == 0


@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_missing_keyring_backend_is_a_clear_error(
    home: Home, approving_server: Any, backend: str
) -> None:
    no_keyring = Home(home.root, dict(home.env, PYTHON_KEYRING_BACKEND=backend))
    result = pacetray(no_keyring, "pair", "--server", approving_server.url)
    assert_one_line_error(result, "no usable OS keyring", "--token")
    assert "PIN" not in result.stdout  # refused before pairing, not after
    assert not home.settings_file.exists()


def edit_keyring_tokens(
    home: Home, server_url: str, monkeypatch: pytest.MonkeyPatch, **changes: str
) -> dict[str, str]:
    """Change the paired tokens stored in the test's file keyring; returns the old ones."""
    from keyrings.alt.file import PlaintextKeyring

    from app.settings import secrets

    with monkeypatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", home.env["XDG_DATA_HOME"])
        ring = PlaintextKeyring()
        user = secrets.account(server_url, secrets.OAUTH_TOKENS)
        stored = ring.get_password(secrets.SERVICE, user)
        assert stored is not None
        old = json.loads(stored)
        ring.set_password(secrets.SERVICE, user, json.dumps({**old, **changes}))
    return dict(old)


def test_an_expired_access_token_is_refreshed_and_the_new_one_kept(
    home: Home, approving_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pacetray(home, "pair", "--server", approving_server.url).returncode == 0
    old = edit_keyring_tokens(
        home, approving_server.url, monkeypatch, expires_at="2020-01-01T00:00:00+00:00"
    )
    result = pacetray(home, "status")
    assert result.returncode == 0, result.stderr
    new = json.loads(keyring_values(home)[0])
    assert new["access_token"] != old["access_token"]
    assert new["expires_at"] > "2020-01-01"
    assert_no_secret_in_files(home, new["access_token"], old["access_token"])


def test_a_revoked_sign_in_asks_to_pair_again(
    home: Home, approving_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pacetray(home, "pair", "--server", approving_server.url).returncode == 0
    edit_keyring_tokens(
        home, approving_server.url, monkeypatch, access_token="revoked", refresh_token="revoked"
    )
    result = pacetray(home, "status")
    assert_one_line_error(result, "rejected the token", "pacetray pair")
    assert "revoked" not in result.stderr
