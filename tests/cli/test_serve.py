"""`pacetray serve` as a real process: announce line, HTTP answers, clean stop on signals."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from app.server.auth import TOKEN_FILE
from tests.cli.conftest import ROOT, Home, assert_one_line_error, pacetray_all

LISTENING = re.compile(r"^Listening on (http://127\.0\.0\.1:(\d+))$")


def start_serve(home: Home, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", *args],
        env=home.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def current(url: str, token: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"{url}/api/tracking/client/current?api-version=3.2",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return dict(json.loads(response.read()))


def stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    process.send_signal(sig)
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_answers_and_stops_cleanly(home: Home, tmp_path: Path, sig: int) -> None:
    data = tmp_path / "server"
    process = start_serve(home, "--port", "0", "--data", str(data))
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = LISTENING.match(first)
        assert match, f"first line was {first!r}"
        url = match[1]
        assert int(match[2]) > 0
        second = process.stdout.readline()
        token_file = data / TOKEN_FILE
        assert f"Token: kept in {token_file} " in second
        token = token_file.read_text().strip()
        assert token
        assert token not in first + second
        state = current(url, token)
        assert "track" in state
    finally:
        code, err = stop(process, sig)
    assert code == 0, err
    assert "Traceback" not in err


def test_serve_with_given_token_and_short_durations(home: Home, tmp_path: Path) -> None:
    process = start_serve(
        home,
        "--port",
        "0",
        "--data",
        str(tmp_path),
        "--token",
        "given-token-77",
        "--activity-check-interval",
        "1m30s",
        "--activity-check-wait",
        "20s",
        "--max-track",
        "2h",
        "--clock-speed",
        "2",
    )
    try:
        assert process.stdout is not None
        match = LISTENING.match(process.stdout.readline().rstrip("\n"))
        assert match
        assert "given-token-77" not in process.stdout.readline()
        assert "track" in current(match[1], "given-token-77")
    finally:
        code, err = stop(process, signal.SIGTERM)
    assert code == 0, err


BAD_OPTIONS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("--max-track", "8x"), ("--max-track", "8x", "like 90s")),
    (("--activity-check-interval", "15"), ("unit is missing",)),
    (("--activity-check-wait", "0s"), ("longer than zero",)),
    (("--port", "70000"), ("--port",)),
    (("--clock-speed", "-1"), ("--clock-speed",)),
    (("--host", "0.0.0.0"), ("--public",)),
    (("--host", "0.0.0.0", "--public"), ("--token",)),
]


def test_serve_rejects_bad_options_in_one_line(home: Home) -> None:
    results = pacetray_all(home, *(("serve", "--port", "0", *args) for args, _ in BAD_OPTIONS))
    for (_, needles), result in zip(BAD_OPTIONS, results, strict=True):
        assert_one_line_error(result, *needles)
        assert result.returncode == 2, result
        assert result.stdout == ""


def test_serve_on_a_port_in_use_is_one_line(home: Home, tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        (result,) = pacetray_all(home, ("serve", "--port", str(port), "--data", str(tmp_path)))
    assert_one_line_error(result, f"127.0.0.1:{port}")
    assert result.returncode == 1
    assert result.stdout == ""


def test_serve_with_an_unusable_data_dir_is_one_line(home: Home, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    (result,) = pacetray_all(home, ("serve", "--port", "0", "--data", str(not_a_dir)))
    assert_one_line_error(result, str(not_a_dir), "--data")
    assert result.returncode == 1
