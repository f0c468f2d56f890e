"""`pacetray today` against the real local server with seeded work logs (created through the
client's `create_work_log`), a real presence log file and a real offline journal."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.api.models import RestWorkLogCreate
from app.tracking import user_commands as cmd
from app.tracking.journal import Journal
from app.tracking.presence import Presence, PresencePeriod
from app.tracking.presence_log import PresenceLog
from app.tracking.target import TrackTarget
from tests.cli.conftest import (
    SERVER_TOKEN,
    Home,
    assert_one_line_error,
    client_env,
    free_port,
    pacetray,
)

TZ = "XYZ-5:30"  # a fixed zone 5:30 east of UTC (POSIX TZ: needs no tzdata)
ZONE = timezone(timedelta(hours=5, minutes=30))
DAY = "2026-03-03"  # a Tuesday


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def zoned(home: Home) -> Home:
    return Home(home.root, dict(home.env, TZ=TZ))


def seed(server: Any) -> None:
    async def create() -> None:
        client = TrackingClient(server.url, token=SERVER_TOKEN)
        try:
            for start, minutes, item, comment in [
                (local(3, 9), 60, 1201, "card vault"),
                (local(2, 23, 30), 60, 1202, "night"),  # crosses into Tuesday
                (local(2, 9), 120, 1201, None),  # Monday
                (local(3, 14), 30, None, "call"),
            ]:
                await client.create_work_log(
                    RestWorkLogCreate(
                        timestamp=start,
                        length=minutes * 60,
                        work_item_id=item,
                        comment=comment,
                    )
                )
        finally:
            await client.aclose()

    asyncio.run(create())


def presence_file(home: Home) -> Path:
    return Path(home.env["PACETRAY_DATA_DIR"]) / "presence.sqlite"


def record_presence(home: Home) -> None:
    """One present period on the day; retention long enough that the fixed date is kept
    when `today` opens the log (opening prunes)."""
    config = Path(home.env["PACETRAY_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("presence_days = 366\n")
    store = PresenceLog(presence_file(home), days=10**4)
    store.add_period(PresencePeriod(local(3, 8, 30), local(3, 11), Presence.PRESENT))
    store.close()


def test_today_shows_logs_totals_week_and_slipped(zoned: Home, shared_server: Any) -> None:
    seed(shared_server)
    record_presence(zoned)
    cli = client_env(zoned, shared_server)

    result = pacetray(cli, "today", "--date", DAY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Tuesday 2026-03-03"
    assert lines[1].startswith("  00:00-00:30   0:30:00  #1202  “night”")
    assert "(crosses midnight)" in lines[1]
    assert lines[2].startswith("  09:00-10:00   1:00:00  #1201  “card vault”")
    assert lines[3].startswith("  14:00-14:30   0:30:00  (no work item)  “call”")
    assert "Total: 2:00:00" in lines
    assert "  #1201             1:00:00" in lines
    week = lines[lines.index("Week of 2026-03-02: 4:30:00") + 1 :][:7]
    assert week[0] == "  Mon " + "█" * 24 + "  2:30:00"  # 2 h + the night's first half hour
    assert week[1] == "  Tue " + ("█" * 19).ljust(24) + "  2:00:00 <"
    assert week[2].startswith("  Wed ") and week[2].endswith(" 0:00:00")
    at = lines.index("Slipped (at the computer, nothing tracked, at least 0:05:00):")
    assert lines[at + 1 :] == ["  08:30-09:00   0:30:00", "  10:00-11:00   1:00:00"]

    data = json.loads(pacetray(cli, "today", "--date", DAY, "--json").stdout)
    assert data["synced"] is True and data["date"] == DAY and data["total"] == 7200
    assert [log["workItemId"] for log in data["logs"]] == [1202, 1201, None]
    assert data["logs"][1]["start"] == "2026-03-03T03:30:00+00:00"
    assert data["logs"][1]["offset"] == 9 * 3600
    assert [d["total"] for d in data["week"]] == [9000, 7200, 0, 0, 0, 0, 0]
    assert [s["seconds"] for s in data["slipped"]] == [1800, 3600]
    assert data["totalsByWorkItem"][0] == {"workItemId": 1201, "seconds": 3600}


def test_unreachable_server_shows_the_journal_not_yet_synced(zoned: Home) -> None:
    journal = Journal(Path(zoned.env["PACETRAY_DATA_DIR"]) / "journal.sqlite")
    journal.append(cmd.start(local(3, 10).astimezone(UTC), TrackTarget(work_item_id=1349)))
    journal.append(cmd.stop(local(3, 10, 45).astimezone(UTC)))
    journal.close()
    record_presence(zoned)
    url = f"http://127.0.0.1:{free_port()}"

    result = pacetray(zoned, "today", "--date", DAY, "--server", url, "--token", "t")
    assert_one_line_error(result, f"cannot reach {url}")
    lines = result.stdout.splitlines()
    assert lines[0] == "Tuesday 2026-03-03 (not yet synced)"
    assert lines[1] == "  10:00-10:45   0:45:00  #1349  [not yet synced]"
    assert "Total: 0:45:00" in lines

    as_json = pacetray(zoned, "today", "--date", DAY, "--server", url, "--token", "t", "--json")
    assert_one_line_error(as_json, f"cannot reach {url}")
    data = json.loads(as_json.stdout)
    assert data["synced"] is False
    assert [(log["workItemId"], log["synced"]) for log in data["logs"]] == [(1349, False)]


def test_a_bad_date_is_a_usage_error(home: Home) -> None:
    result = pacetray(home, "today", "--date", "03/03/2026")
    assert_one_line_error(result, "not a date", "YYYY-MM-DD")
    assert result.returncode == 2
