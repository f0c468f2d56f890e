"""Fixtures of the command-line tests: an isolated home (settings, keyring) per test, and a way
to run the real `pacetray` as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"
SERVER_TOKEN = "cli-test-token-5d1f"


@dataclass
class Home:
    """One user's world: settings dir, data dir and a file keyring, all under tmp."""

    root: Path
    env: dict[str, str]

    @property
    def config_dir(self) -> Path:
        return Path(self.env["PACETRAY_CONFIG_DIR"])

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def keyring_file(self) -> Path:
        # keyrings.alt keeps its file in $XDG_DATA_HOME/python_keyring/
        return Path(self.env["XDG_DATA_HOME"]) / "python_keyring" / "keyring_pass.cfg"


def make_env(root: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PACETRAY_", "PYTHON_KEYRING", "XDG_", "DBUS_"))
    }
    env.update(
        HOME=str(root / "home"),
        XDG_CONFIG_HOME=str(root / "xdg-config"),
        XDG_DATA_HOME=str(root / "xdg-data"),
        PACETRAY_CONFIG_DIR=str(root / "config"),
        PACETRAY_DATA_DIR=str(root / "data"),
        PYTHON_KEYRING_BACKEND=PLAINTEXT_KEYRING,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path, make_env(tmp_path))


@pytest.fixture
def in_process_home(home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """The same isolated home for code run inside the test process."""
    for key in list(os.environ):
        if key.startswith(("PACETRAY_", "PYTHON_KEYRING", "DBUS_")):
            monkeypatch.delenv(key)
    for key, value in home.env.items():
        if key.startswith(("PACETRAY_", "PYTHON_KEYRING", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    import keyring.core

    previous = keyring.get_keyring()
    keyring.core.init_backend()  # picks the backend named by PYTHON_KEYRING_BACKEND
    yield home
    keyring.set_keyring(previous)


def pacetray(
    home: Home, *args: str, timeout: float = 30, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line, `python -m app ARGS`, and wait for it."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=home.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input_text,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Failed, with exactly one stderr line naming the cause, and no traceback."""
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "error:" in line
    for needle in needles:
        assert needle.lower() in line.lower(), line
    return line


def keyring_values(home: Home) -> list[str]:
    """Every secret in the test's file keyring (keyrings.alt stores them base64-encoded)."""
    import base64
    import configparser

    if not home.keyring_file.exists():
        return []
    parser = configparser.RawConfigParser()
    parser.read(home.keyring_file, encoding="utf-8")
    return [
        base64.b64decode(value.strip()).decode("utf-8")
        for section in parser.sections()
        for _, value in parser.items(section)
    ]


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real local server on a free loopback port for a whole test module."""
    from tests.support.servers import loopback_config, running_server  # the server: lazily

    data = tmp_path_factory.mktemp("server-data")
    with running_server(loopback_config(data, SERVER_TOKEN)) as server:
        yield server


def client_env(home: Home, server: Any, token: str | None = SERVER_TOKEN) -> Home:
    """`home` with PACETRAY_SERVER (and PACETRAY_TOKEN) pointing at `server`."""
    env = dict(home.env, PACETRAY_SERVER=server.url)
    if token is not None:
        env["PACETRAY_TOKEN"] = token
    return Home(home.root, env)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pacetray_all(
    home: Home, *arg_lists: tuple[str, ...], timeout: float = 30
) -> list[subprocess.CompletedProcess[str]]:
    """Run several independent `pacetray` invocations at once (the suite must stay fast)."""
    processes = [
        (
            args,
            subprocess.Popen(
                [sys.executable, "-m", "app", *args],
                env=home.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for args in arg_lists
    ]
    results: list[subprocess.CompletedProcess[str]] = []
    for args, process in processes:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        results.append(subprocess.CompletedProcess(list(args), process.returncode, out, err))
    return results


def api(server: Any, method: str, path: str, body: Any = None) -> Any:
    """One call straight to the server over HTTP: test set-up and polling, not the subject."""
    import json
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}/api/tracking/client/{path}?api-version=3.2",
        method=method,
        data=data,
        headers={
            "Authorization": f"Bearer {SERVER_TOKEN}",
            **({"Content-Type": "application/json"} if data is not None else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def current_state(server: Any) -> dict[str, Any]:
    return dict(api(server, "GET", "current"))
