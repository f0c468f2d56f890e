"""TrackerBridge against the real local server: commands reach the server, tracker events come
out as Qt signals, errors come out as one-line messages (never exceptions)."""

from __future__ import annotations

import httpx
import pytest

from app.api.models import SnoozeOption, TrackingStateKind
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from app.ui.bridge import TrackerBridge, parse_work_item_id
from tests.support.wait import wait_until
from tests.ui.conftest import (
    OTHER_ITEM,
    WORK_ITEM,
    LiveServer,
    ScriptedActivity,
    SignalLog,
    wait_signal,
)


def server_current(server: LiveServer) -> dict:
    response = httpx.get(
        f"{server.url}/api/tracking/client/current",
        params={"api-version": "3.2"},
        headers={"Authorization": f"Bearer {server.thread.token}"},
        timeout=10,
    )
    response.raise_for_status()
    body = response.json()
    return body.get("data", body)


def test_parse_work_item_id() -> None:
    assert parse_work_item_id("#1234") == 1234
    assert parse_work_item_id(" 1201 ") == 1201
    assert parse_work_item_id("# 7") == 7
    assert parse_work_item_id("login bug") is None
    assert parse_work_item_id("#") is None
    assert parse_work_item_id("12a") is None


async def test_start_and_stop_reach_the_server_and_signal(bridge: TrackerBridge, server) -> None:
    log = SignalLog(state=bridge.stateChanged, busy=bridge.busyChanged)
    assert await bridge.start(TrackTarget(WORK_ITEM, "from the bridge"))
    current = server_current(server)
    assert current["track"]["workItem"]["id"] == WORK_ITEM
    assert current["track"]["remark"] == "from the bridge"
    states = [args[0] for args in log.of("state")]
    assert states and states[-1].track.tracking_state is TrackingStateKind.TRACKING
    assert [args[0] for args in log.of("busy")] == [True, False]

    assert await bridge.adjust(remark="changed")
    assert server_current(server)["track"]["remark"] == "changed"

    assert await bridge.stop()
    assert server_current(server)["track"]["trackingState"] in (1, "idle", "Idle")
    assert not bridge.busy


async def test_refused_commands_become_error_messages(bridge: TrackerBridge) -> None:
    (message,) = await wait_signal(
        bridge.error, trigger=lambda: bridge.start(TrackTarget(None, "  "))
    )
    assert "work item" in message
    assert bridge.last_error == message


async def test_search_latest_and_restart(bridge: TrackerBridge, server) -> None:
    by_id = await bridge.search(f"#{WORK_ITEM}")
    assert by_id is not None and [h.work_item.id for h in by_id.work_items] == [WORK_ITEM]
    by_query = await bridge.search("login")
    assert by_query is not None and any(
        "login" in (h.work_item.title or "").lower() for h in by_query.work_items
    )
    assert await bridge.search("   ") is None

    assert await bridge.start(TrackTarget(OTHER_ITEM, "first"))
    assert await bridge.stop()
    latest = await bridge.latest(5)
    assert latest is not None and latest.work_logs
    assert latest.work_logs[0].work_item is not None
    assert latest.work_logs[0].work_item.id == OTHER_ITEM
    assert await bridge.restart(latest.work_logs[0])
    current = server_current(server)
    assert current["track"]["workItem"]["id"] == OTHER_ITEM
    assert current["track"]["remark"] == "first"


async def test_activity_types_come_from_the_expanded_state(bridge: TrackerBridge) -> None:
    types = await bridge.activity_types()
    assert types and all(t.id and t.name for t in types)
    default = bridge.default_activity_type_id()
    assert default is None or default in {t.id for t in types}


async def test_server_errors_are_messages_not_exceptions(
    bridge: TrackerBridge, server: LiveServer
) -> None:
    server.thread.stop()  # the server goes away: reads fail with a clear message
    result = await bridge.search("anything")
    assert result is None
    assert bridge.last_error and "Traceback" not in bridge.last_error


@pytest.mark.server(activity_check_interval=40.0, activity_check_wait=600.0)
async def test_prompt_then_snooze_answers_with_idle_check(
    bridge: TrackerBridge, tracker: Tracker, activity: ScriptedActivity, server: LiveServer
) -> None:
    activity.away()  # nobody at the machine: the check is prompted, not auto-answered
    assert await bridge.start(TrackTarget(WORK_ITEM, "snooze me"))
    (prompt,) = await wait_signal(bridge.activityCheckPrompt, timeout=15)
    assert prompt.work_item.id == WORK_ITEM
    (answered,) = await wait_signal(
        bridge.activityCheckAnswered, trigger=lambda: bridge.snooze(SnoozeOption.ONE_HOUR)
    )
    assert answered.how == "snooze"
    assert bridge.snooze_pending is None
    current = server_current(server)
    assert current["track"]["trackingState"] in (0, "tracking", "Tracking")
    # snoozed an hour: no check within the next ~40 s of server time (interval is 40 s)
    before = server.now()
    await wait_until(lambda: (server.now() - before).total_seconds() > 60, timeout=10)
    assert server_current(server)["track"]["trackingState"] in (0, "tracking", "Tracking")
    assert tracker.state is not None
