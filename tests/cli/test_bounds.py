"""`pacetray status` against hostile servers: one line naming the server and the time spent,
within the deadline set in settings.toml (request_deadline_seconds)."""

from __future__ import annotations

import time

from tests.cli.conftest import Home, assert_one_line_error, pacetray
from tests.support.hostile import HostileThread


def test_a_drip_feeding_server_fails_at_the_deadline_in_one_line(home: Home) -> None:
    home.settings_file.parent.mkdir(parents=True, exist_ok=True)
    home.settings_file.write_text("request_deadline_seconds = 1\n", encoding="utf-8")
    with HostileThread("drip", interval=0.1) as server:
        started = time.monotonic()
        result = pacetray(home, "status", "--server", server.url, "--token", "secret-tok")
        spent = time.monotonic() - started
    line = assert_one_line_error(result, server.url, "within 1 s")
    assert "secret-tok" not in line
    assert spent < 15  # a 1 s deadline (not retried) plus the interpreter's start-up


def test_an_endless_answer_fails_in_one_line(home: Home) -> None:
    with HostileThread("endless") as server:
        result = pacetray(home, "status", "--server", server.url, "--token", "secret-tok")
    assert_one_line_error(result, server.url, "larger than 8 MiB")
