"""`pacetray status` shows the offline journal: the commands waiting to be sent (local time,
kind), those set aside for a conflict, and the last sync — also when the server is unreachable.
Journals here are real SQLite files written by app.tracking.journal, synced against the real
local server where a sync is needed."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.tracking import user_commands as cmd
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from tests.cli.conftest import (
    SERVER_TOKEN,
    Home,
    api,
    assert_one_line_error,
    client_env,
    free_port,
    pacetray,
)

# A fixed zone 5:30 east of UTC, as a POSIX TZ string (needs no tzdata): local times differ
# from UTC, so the test sees that status converts them.
TZ = "XYZ-5:30"
SYNCED_AT = datetime(2026, 3, 1, 9, 50, 7, tzinfo=UTC)
START_AT = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
STOP_AT = datetime(2026, 3, 1, 10, 15, 30, tzinfo=UTC)


def journal_file(home: Home) -> Path:
    return Path(home.env["PACETRAY_DATA_DIR"]) / "journal.sqlite"


@pytest.fixture
def zoned(home: Home) -> Home:
    return Home(home.root, dict(home.env, TZ=TZ))


def synced_journal(home: Home, server: Any) -> list[cmd.Command]:
    """A journal that synced once with the server (at SYNCED_AT), then took a start and a stop
    while offline: those two are pending."""
    journal = Journal(journal_file(home), now=lambda: SYNCED_AT)

    async def sync() -> None:
        client = TrackingClient(server.url, token=SERVER_TOKEN)
        try:
            journal.append(cmd.select(SYNCED_AT, TrackTarget(remark="status journal test")))
            report = await journal.replay(client, on_conflict=lambda c, r: None)
            assert report.complete and len(report.applied) == 1, report
        finally:
            await client.aclose()

    asyncio.run(sync())
    offline = [
        cmd.start(START_AT, TrackTarget(work_item_id=1349, remark="fix login")),
        cmd.stop(STOP_AT),
    ]
    for command in offline:
        journal.append(command)
    assert journal.count() == 2
    journal.close()
    return offline


def test_status_lists_pending_entries_and_the_last_sync(zoned: Home, shared_server: Any) -> None:
    api(shared_server, "POST", "stopTracking")
    pending = synced_journal(zoned, shared_server)
    cli = client_env(zoned, shared_server)

    result = pacetray(cli, "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Not tracking"
    at = lines.index("Offline journal: 2 commands waiting to be sent")
    assert lines[at + 1 :] == [
        "  2026-03-01 15:30:00  start #1349 “fix login”",
        "  2026-03-01 15:45:30  stop",
        "Last sync: 2026-03-01 15:20:07",
    ]

    data = json.loads(pacetray(cli, "status", "--json").stdout)
    assert data["track"]["trackingState"] == "idle"  # the state keeps its keys
    journal = data["journal"]
    assert [(e["id"], e["kind"], e["at"]) for e in journal["pending"]] == [
        (pending[0].id, "start", "2026-03-01T10:00:00+00:00"),
        (pending[1].id, "stop", "2026-03-01T10:15:30+00:00"),
    ]
    assert journal["lastSync"] == "2026-03-01T09:50:07+00:00"
    assert journal["setAside"] == []
    assert journal["path"] == str(journal_file(zoned))


def test_unreachable_server_still_shows_the_journal_then_the_error(
    zoned: Home, shared_server: Any
) -> None:
    synced_journal(zoned, shared_server)
    url = f"http://127.0.0.1:{free_port()}"

    result = pacetray(zoned, "status", "--server", url, "--token", "t")
    assert_one_line_error(result, f"cannot reach {url}")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "Offline journal: 2 commands waiting to be sent",
        "  2026-03-01 15:30:00  start #1349 “fix login”",
        "  2026-03-01 15:45:30  stop",
        "Last sync: 2026-03-01 15:20:07",
    ]

    as_json = pacetray(zoned, "status", "--server", url, "--token", "t", "--json")
    assert_one_line_error(as_json, f"cannot reach {url}")
    data = json.loads(as_json.stdout)
    assert list(data) == ["journal"]
    assert [e["kind"] for e in data["journal"]["pending"]] == ["start", "stop"]


def test_a_conflict_set_aside_is_shown_with_its_reason(zoned: Home, shared_server: Any) -> None:
    api(shared_server, "POST", "stopTracking")
    journal = Journal(journal_file(zoned), now=lambda: SYNCED_AT)
    # The user stopped a track offline that the server no longer knows as running, and then
    # adjusted it: the adjust expects a work log that is not running, a conflict.
    adjust = cmd.adjust(START_AT, remark="renamed", expect_work_log_id="not-running-log")
    journal.append(adjust)
    conflicts: list[str] = []

    async def sync() -> None:
        client = TrackingClient(shared_server.url, token=SERVER_TOKEN)
        try:
            await journal.replay(client, on_conflict=lambda c, reason: conflicts.append(reason))
        finally:
            await client.aclose()

    asyncio.run(sync())
    journal.close()
    assert len(conflicts) == 1, "the test needs the journal to set the entry aside"

    result = pacetray(client_env(zoned, shared_server), "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert "Offline journal: nothing waiting to be sent" in lines
    assert "Set aside for a conflict, not sent: 1" in lines
    assert f"  2026-03-01 15:30:00  adjust “renamed” — {conflicts[0]}" in lines


def test_no_journal_yet_says_so_and_creates_nothing(home: Home, shared_server: Any) -> None:
    result = pacetray(client_env(home, shared_server), "status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == [
        "Offline journal: nothing waiting to be sent",
        "Last sync: never",
    ]
    assert not journal_file(home).parent.exists()


def test_a_damaged_journal_is_named_after_the_state(home: Home, shared_server: Any) -> None:
    journal_file(home).parent.mkdir(parents=True)
    journal_file(home).write_bytes(b"this is not a database, but it is not empty either" * 40)
    result = pacetray(client_env(home, shared_server), "status")
    line = assert_one_line_error(result, str(journal_file(home)))
    assert "offline journal" in line.lower()
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(("Not tracking", "Tracking"))
    assert lines[-1] == "Offline journal: cannot be read (see the error below)"
