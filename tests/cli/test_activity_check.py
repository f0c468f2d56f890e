"""`activity-check` and `snooze` against a server whose activity check comes after 1 s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import SERVER_TOKEN, Home, client_env, current_state, pacetray
from tests.support.wait import wait_for


@pytest.fixture
def checking_server(tmp_path: Path) -> Iterator[Any]:
    from tests.support.servers import loopback_config, running_server  # the server: lazily

    config = loopback_config(
        tmp_path / "server", SERVER_TOKEN, activity_check_interval=1.0, activity_check_wait=120.0
    )
    with running_server(config) as server:
        yield server


def check_running(server: Any) -> dict[str, Any] | None:
    track = dict(current_state(server)["track"])
    return track if track["trackingState"] == "activityCheck" else None


def test_answering_and_snoozing_the_activity_check(home: Home, checking_server: Any) -> None:
    cli = client_env(home, checking_server)
    assert pacetray(cli, "start", "--remark", "checked").returncode == 0

    track = wait_for(lambda: check_running(checking_server), timeout=15, interval=0.05)
    assert track["activityCheck"]["isRunning"] is True
    status = pacetray(cli, "status")
    assert "Activity check" in status.stdout
    assert "pacetray activity-check" in status.stdout

    answered = pacetray(cli, "activity-check")
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout.startswith("Tracking “checked”")
    assert "Activity check" not in answered.stdout

    # The interval restarts: the next check comes, and a snooze answers it for an hour.
    wait_for(lambda: check_running(checking_server), timeout=15, interval=0.05)
    snoozed = pacetray(cli, "snooze", "1h", "--json")
    assert snoozed.returncode == 0, snoozed.stderr
    assert json.loads(snoozed.stdout)["track"]["trackingState"] == "tracking"
    assert pacetray(cli, "stop").returncode == 0
