"""`pacetray activity` as a user runs it: a real process, a real X server, xdotool input."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.xserver import XServer

ROOT = Path(__file__).resolve().parents[2]


class Running:
    """`python -m app ...` with its stdout lines readable with a deadline."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_json(self, timeout: float = 5.0) -> dict[str, Any]:
        line = self.lines.get(timeout=timeout)
        assert line is not None, f"exited early: {self.finish()}"
        return json.loads(line)

    def finish(self, timeout: float = 10.0) -> tuple[int, str]:
        rc = self.proc.wait(timeout=timeout)
        assert self.proc.stderr is not None
        return rc, self.proc.stderr.read()


@pytest.fixture
def clean_env() -> Iterator[dict[str, str]]:
    yield {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "PYTHONPATH": str(ROOT)}


@pytest.mark.xvfb
def test_json_seconds_reset_on_input(x11: XServer, clean_env: dict[str, str]) -> None:
    run = Running(["activity", "--json", "--duration", "5"], x11.env(clean_env))
    try:
        probe = run.next_json(timeout=10)
        assert probe["type"] == "probe" and probe["session"] == "x11"
        assert probe["chosen"]["name"] == "pynput" and probe["chosen"]["available"]
        assert [s["name"] for s in probe["sources"]][:2] == ["pynput", "xscreensaver"]
        samples = [run.next_json()]
        while samples[-1]["seconds_since_input"] < 1.5:  # some quiet first
            samples.append(run.next_json())
        quiet = samples[-1]["seconds_since_input"]
        x11.xdotool("mousemove", "222", "333")
        samples.append(run.next_json())
        # The input came after the previous line, and lines are 1 s apart: under 1 s now.
        assert samples[-1]["seconds_since_input"] < 1.0 < quiet
        while (line := run.lines.get(timeout=5)) is not None:
            samples.append(json.loads(line))
        rc, err = run.finish()
        assert rc == 0, err
        assert err == ""
        assert all(s["type"] == "sample" and s["source"] == "pynput" for s in samples)
        times = [s["t"] for s in samples]
        assert times[0] < 0.5 and 4.5 < times[-1] < 5.5 and len(samples) == 6
        # after the reset the count goes up again, one second per line
        after = samples[-1]["seconds_since_input"] - samples[-2]["seconds_since_input"]
        assert after == pytest.approx(1.0, abs=0.2)
    finally:
        run.proc.kill()


@pytest.mark.xvfb
def test_forced_source_and_human_output(x11: XServer, clean_env: dict[str, str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app", "activity", "--source", "xscreensaver", "--duration", "1"],
        cwd=ROOT,
        env=x11.env(clean_env),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "session: x11"
    assert lines[1].startswith("using: xscreensaver: available")
    assert "seconds since last input:" in lines[-1]


def test_no_display_reports_reasons_without_traceback(clean_env: dict[str, str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app", "activity", "--json", "--duration", "2"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 1  # nothing to sense
    assert out.stderr == ""
    [line] = out.stdout.splitlines()
    probe = json.loads(line)
    assert probe["chosen"]["name"] == "null"
    by_name = {s["name"]: s for s in probe["sources"]}
    assert by_name["pynput"]["reason"] == "no display: DISPLAY is not set"
    assert by_name["xscreensaver"]["reason"] == "no display: DISPLAY is not set"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "0"], "pacetray: error: --duration must be a positive number of seconds"),
        (["--duration", "soon"], "invalid float value: 'soon'"),
        (["--source", "telepathy"], "invalid choice: 'telepathy'"),
    ],
)
def test_bad_arguments_are_one_line(
    args: list[str], message: str, clean_env: dict[str, str]
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app", "activity", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) <= 2  # argparse adds its usage line
