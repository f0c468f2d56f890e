"""`pacetray status --watch` as a real process against a real local server: a change made by
another process (`pacetray start`, or REST) shows as a new line; Ctrl-C (SIGINT) ends it with
exit code 0 and no traceback; without a hub it polls, saying so once on stderr."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from app.server.app import hub_of
from app.server.runner import ServerThread
from tests.cli.conftest import (
    ROOT,
    SERVER_TOKEN,
    Home,
    api,
    assert_one_line_error,
    client_env,
    free_port,
    pacetray,
)
from tests.support.servers import loopback_config, running_server, start_gated
from tests.support.wait import wait_for


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))


@dataclass
class Watch:
    """A running `pacetray status --watch`, its stdout and stderr read line by line."""

    proc: subprocess.Popen[str]
    out: queue.Queue[str]
    err: queue.Queue[str]
    readers: list[threading.Thread]

    def line(self, timeout: float = 5.0, stream: str = "out") -> str:
        source = self.out if stream == "out" else self.err
        try:
            return source.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"no {stream} line within {timeout} s (rc={self.proc.poll()})"
            ) from None

    def line_with(self, needle: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.line(max(0.01, deadline - time.monotonic()))
            if needle in line:
                return line

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and whatever stderr said since."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(10)
        for reader in self.readers:  # to the end of both pipes
            reader.join(5)
        rest: list[str] = []
        while not self.err.empty():
            rest.append(self.err.get())
        return code, "\n".join(rest)


@pytest.fixture
def watch(home: Home) -> Iterator[Any]:
    started: list[Watch] = []

    def start(server: Any, *args: str) -> Watch:
        env = client_env(home, server).env
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "status", "--watch", *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out: queue.Queue[str] = queue.Queue()
        err: queue.Queue[str] = queue.Queue()
        readers = []
        for stream, into in ((proc.stdout, out), (proc.stderr, err)):
            assert stream is not None
            reader = threading.Thread(target=_lines, args=(stream, into), daemon=True)
            reader.start()
            readers.append(reader)
        w = Watch(proc, out, err, readers)
        started.append(w)
        return w

    yield start
    for w in started:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait(5)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with running_server(loopback_config(tmp_path / "data", SERVER_TOKEN)) as s:
        yield s


@pytest.fixture
def hubless(tmp_path: Path) -> Iterator[ServerThread]:
    thread, _ = start_gated(loopback_config(tmp_path / "hubless", SERVER_TOKEN), hub_status=404)
    yield thread
    thread.stop()


def hub_connections(server: ServerThread) -> int:
    return hub_of(server.app).registry.count()


def test_watch_prints_a_change_made_by_another_process_and_ctrl_c_exits_0(
    home: Home, server: ServerThread, watch: Any
) -> None:
    w: Watch = watch(server)
    assert "Not tracking" in w.line(10)
    wait_for(lambda: hub_connections(server) >= 1, timeout=10, interval=0.05)
    started = pacetray(client_env(home, server), "start", "--remark", "watched from afar")
    assert started.returncode == 0, started.stderr
    line = w.line_with("Tracking", timeout=2)
    assert "watched from afar" in line
    code, stderr = w.interrupt()
    assert code == 0, stderr
    assert stderr == "", "Ctrl-C ends it quietly"


def test_watch_json_prints_one_object_per_line(server: ServerThread, watch: Any) -> None:
    w: Watch = watch(server, "--json")
    first = json.loads(w.line(10))
    assert first["track"]["trackingState"] in ("idle", 1, "Idle")
    wait_for(lambda: hub_connections(server) >= 1, timeout=10, interval=0.05)
    api(server, "POST", "startTracking", {"timeZone": 0, "remark": "json watch"})
    second = json.loads(w.line(2))
    assert second["track"]["remark"] == "json watch"
    assert second["timestamp"] > first["timestamp"]
    api(server, "POST", "stopTracking")
    third = json.loads(w.line(2))
    assert third["timestamp"] > second["timestamp"]
    code, stderr = w.interrupt()
    assert code == 0 and "Traceback" not in stderr


def test_watch_without_a_hub_polls_with_a_notice(hubless: ServerThread, watch: Any) -> None:
    w: Watch = watch(hubless, "--interval", "1s")
    assert "Not tracking" in w.line(10)
    notice = w.line(10, stream="err")
    assert "live updates are not available on this server" in notice
    assert "checking every 1 s" in notice
    api(hubless, "POST", "startTracking", {"timeZone": 0, "remark": "polled"})
    assert "polled" in w.line_with("Tracking", timeout=5)
    code, stderr = w.interrupt()
    assert code == 0 and "Traceback" not in stderr


def test_watch_with_a_refused_token_or_no_server_is_one_line(
    home: Home, server: ServerThread
) -> None:
    refused = pacetray(client_env(home, server, token="not-the-token"), "status", "--watch")
    assert_one_line_error(refused, "rejected the token")
    assert refused.returncode == 1
    gone = Home(home.root, dict(home.env, PACETRAY_SERVER=f"http://127.0.0.1:{free_port()}"))
    unreachable = pacetray(gone, "status", "--watch", "--token", "t")
    assert_one_line_error(unreachable, "cannot reach")
    assert unreachable.returncode == 1
