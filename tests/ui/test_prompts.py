"""The activity-check and idle prompts against the real local server, through the real
Tracker and TrackerBridge: real checks appear as prompts, each button has its effect on the
server, and the prompt goes away when the check is answered elsewhere or the server stops."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtTest import QTest

from app.activity.detector import BecameActive, BecameIdle, IdlePeriod
from app.api.models import (
    RestWorkLog,
    SnoozeOption,
    StoppedTrackType,
    Track,
    TrackingStateKind,
)
from app.tracking.options import TrackingSettings
from app.tracking.state import is_running
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from app.ui.bridge import TrackerBridge
from app.ui.prompts import (
    ActivityCheckDialog,
    IdlePromptDialog,
    Prompts,
    format_away,
    format_clock,
    format_countdown,
    format_duration,
)
from tests.support.wait import wait_until
from tests.ui.conftest import OTHER_ITEM, WORK_ITEM, LiveServer, ScriptedActivity

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# 30x clock: a check every 40 s of server time (~1.3 s real); it waits 600 s (~20 s real)
CHECKS = pytest.mark.server(activity_check_interval=40.0, activity_check_wait=600.0)


async def server_track(server: LiveServer) -> Track:
    """The server's view of the track, read by a client of its own."""
    async with server.client() as reader:
        return (await reader.current()).track


async def state_kind(server: LiveServer) -> TrackingStateKind:
    return (await server_track(server)).tracking_state


async def rest_work_logs(server: LiveServer) -> list[RestWorkLog]:
    """The user's work logs through the REST API (a client of its own)."""
    async with server.client() as reader:
        return await reader.work_logs(count=50)


def save_artifact(widget: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))  # type: ignore[attr-defined]
    return path


@pytest.fixture
async def prompts(bridge: TrackerBridge) -> Prompts:
    made = Prompts(bridge)
    yield made
    made.close()


async def check_prompt_open(prompts: Prompts, timeout: float = 15.0) -> ActivityCheckDialog:
    await wait_until(prompts.check.isVisible, timeout=timeout, what="the activity-check prompt")
    return prompts.check


def test_formatting() -> None:
    assert format_countdown(75) == "1:15"
    assert format_countdown(-3) == "0:00"
    assert format_duration(35 * 60) == "35 min"
    assert format_duration(65 * 60) == "1 h 05 min"
    assert format_duration(40) == "40 s"
    start = datetime(2026, 3, 2, 10, 32).astimezone()
    end = start + timedelta(minutes=35)
    text = format_away(start.timestamp(), end.timestamp(), now=start)
    assert text == "You were away from 10:32 to 11:07 (35 min)"
    other_day = format_away(start.timestamp(), end.timestamp(), now=start + timedelta(days=1))
    assert other_day == "You were away from Mon 10:32 to Mon 11:07 (35 min)"
    brief = start + timedelta(seconds=5)  # within one minute: seconds tell the ends apart
    text = format_away(brief.timestamp(), brief.timestamp() + 10, now=start)
    assert text == "You were away from 10:32:05 to 10:32:15 (10 s)"


@CHECKS
async def test_a_real_check_opens_the_prompt_and_enter_continues(
    prompts: Prompts, bridge: TrackerBridge, activity: ScriptedActivity, server: LiveServer
) -> None:
    activity.away()  # nobody at the machine: the tracker asks instead of answering itself
    assert await bridge.start(TrackTarget(WORK_ITEM, "prompt me"))
    dialog = await check_prompt_open(prompts)
    assert await state_kind(server) is TrackingStateKind.ACTIVITY_CHECK
    assert dialog.question.text().startswith(f"Are you still working on #{WORK_ITEM} ")
    assert dialog.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert dialog.isActiveWindow() or dialog.isVisible()
    # the server's countdown, ticking locally
    first = dialog.seconds_left()
    assert 0 < first <= 600
    assert "Tracking stops in" in dialog.countdown.text()
    shown = dialog.countdown.text()
    await wait_until(lambda: dialog.countdown.text() != shown, timeout=3, what="a tick")
    assert dialog.seconds_left() < first
    path = save_artifact(dialog, "activity-check-prompt.png")
    assert path.stat().st_size > 1000

    QTest.keyClick(dialog, Qt.Key.Key_Return)  # Enter = Continue
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the prompt closing")
    assert await state_kind(server) is TrackingStateKind.TRACKING
    assert (await server_track(server)).tfs_id == WORK_ITEM


@CHECKS
async def test_esc_only_dismisses_then_stop_stops(
    prompts: Prompts, bridge: TrackerBridge, activity: ScriptedActivity, server: LiveServer
) -> None:
    activity.away()
    assert await bridge.start(TrackTarget(WORK_ITEM))
    dialog = await check_prompt_open(prompts)
    dismissed: list[bool] = []
    dialog.dismissed.connect(lambda: dismissed.append(True))
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dismissed == [True]
    # Esc is not an answer: the check still runs on the server
    assert await state_kind(server) is TrackingStateKind.ACTIVITY_CHECK
    assert prompts.reopen() and dialog.isVisible()

    answered: list[str] = []
    dialog.answered.connect(answered.append)
    dialog.stop_button.click()
    await wait_until(lambda: answered, timeout=10, what="the stop answer")
    assert answered == ["stop"]
    assert not dialog.isVisible()
    assert await state_kind(server) is TrackingStateKind.IDLE
    assert not prompts.reopen()


@CHECKS
async def test_snooze_postpones_the_next_check(
    prompts: Prompts,
    bridge: TrackerBridge,
    tracker: Tracker,
    activity: ScriptedActivity,
    server: LiveServer,
) -> None:
    activity.away()
    assert await bridge.start(TrackTarget(WORK_ITEM))
    dialog = await check_prompt_open(prompts)
    assert [a.text() for a in dialog.snooze_menu.actions()] == [
        "For 1 hour",
        "Until tomorrow",
        "Until next Monday",
    ]
    dialog.snooze_actions[SnoozeOption.ONE_HOUR].trigger()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the prompt closing")
    assert await state_kind(server) is TrackingStateKind.TRACKING
    snoozed_at = server.now()
    assert tracker.learned.snoozed_until is not None
    assert tracker.learned.snoozed_until >= snoozed_at + timedelta(minutes=59)
    # without the snooze a check would come 40 s (server time) later: wait 100 s
    await wait_until(lambda: server.now() > snoozed_at + timedelta(seconds=100), timeout=10)
    assert await state_kind(server) is TrackingStateKind.TRACKING
    assert not dialog.isVisible()


@CHECKS
async def test_answered_elsewhere_closes_the_prompt(
    prompts: Prompts, bridge: TrackerBridge, activity: ScriptedActivity, server: LiveServer
) -> None:
    activity.away()
    assert await bridge.start(TrackTarget(WORK_ITEM))
    dialog = await check_prompt_open(prompts)
    async with server.client() as browser:  # a second client of the same user answers
        await browser.activity_check()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the prompt closing")
    assert dialog.prompt is None
    assert await state_kind(server) is TrackingStateKind.TRACKING


@pytest.mark.server(activity_check_interval=40.0, activity_check_wait=90.0)
async def test_server_stop_closes_the_prompt(
    prompts: Prompts, bridge: TrackerBridge, activity: ScriptedActivity, server: LiveServer
) -> None:
    activity.away()
    stopped: list[object] = []
    bridge.serverStopped.connect(stopped.append)
    assert await bridge.start(TrackTarget(WORK_ITEM))
    dialog = await check_prompt_open(prompts)
    # nobody answers: after 90 s of server time (3 s real) the server stops the track
    await wait_until(lambda: not dialog.isVisible(), timeout=15, what="the prompt closing")
    assert stopped, "closed by the server's stop"
    track = await server_track(server)
    assert not track.is_tracking
    assert track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK


# --- idle prompt: a fast clock (200x) so minutes of idle time pass in seconds ----------------

IDLE = pytest.mark.server(speed=200.0)


@pytest.fixture
def tracking_settings() -> TrackingSettings:
    return TrackingSettings(idle_threshold=60)


async def away_while_tracking(
    bridge: TrackerBridge, tracker: Tracker, server: LiveServer, remark: str
) -> tuple[str, datetime, IdlePeriod]:
    """Track, let 400 s pass, then report idle time from +100 s to +300 s."""
    assert await bridge.start(TrackTarget(WORK_ITEM, remark))
    assert tracker.state is not None
    work_log = tracker.state.track.work_log_id
    started = tracker.state.track.current_track_started_date_time
    assert work_log and started is not None
    await wait_until(lambda: server.now() > started + timedelta(seconds=400), timeout=10)
    period = IdlePeriod(
        (started + timedelta(seconds=100)).timestamp(),
        (started + timedelta(seconds=300)).timestamp(),
        "input",
    )
    tracker.on_activity_event(BecameIdle(period.start, "input"))
    tracker.on_activity_event(BecameActive(period))
    return work_log, started, period


async def idle_prompt_open(prompts: Prompts) -> IdlePromptDialog:
    await wait_until(prompts.idle.isVisible, timeout=5, what="the idle prompt")
    return prompts.idle


async def log_by_id(server: LiveServer, work_log_id: str) -> RestWorkLog:
    return next(w for w in await rest_work_logs(server) if w.id == work_log_id)


@IDLE
async def test_idle_prompt_discard_trims_the_idle_time(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    work_log, started, period = await away_while_tracking(bridge, tracker, server, "discard")
    dialog = await idle_prompt_open(prompts)
    assert dialog.headline.text() == format_away(period.start, period.end) + "."
    assert "(3 min)" in dialog.headline.text()  # 200 s
    assert dialog.detail.text().startswith(f"That time is booked to #{WORK_ITEM} ")
    assert dialog.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    save_artifact(dialog, "idle-prompt.png")

    decided_lo = server.now()
    dialog.discard_button.click()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    decided_hi = server.now()
    assert await state_kind(server) is TrackingStateKind.IDLE  # discard stops
    length = (await log_by_id(server, work_log)).length
    lo = (decided_lo - started).total_seconds() - 200
    hi = (decided_hi - started).total_seconds() - 200
    assert lo - 2 <= length <= hi + 2


@IDLE
async def test_idle_prompt_keep_leaves_the_track_alone(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    work_log, started, _ = await away_while_tracking(bridge, tracker, server, "keep")
    dialog = await idle_prompt_open(prompts)
    QTest.keyClick(dialog, Qt.Key.Key_Return)  # Enter = Keep, the safe default
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    assert tracker.idle_prompt is None
    current = await server_track(server)
    assert current.tracking_state is TrackingStateKind.TRACKING
    assert current.work_log_id == work_log  # the same track runs on, idle minutes included
    assert await bridge.stop()
    stopped_at = server.now()
    length = (await log_by_id(server, work_log)).length
    assert length >= (stopped_at - started).total_seconds() - 5


@IDLE
async def test_idle_prompt_discard_and_continue_trims_and_tracks_on(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    work_log, started, _ = await away_while_tracking(bridge, tracker, server, "go on")
    dialog = await idle_prompt_open(prompts)
    decided_lo = server.now()
    dialog.discard_continue_button.click()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    decided_hi = server.now()
    current = await server_track(server)
    assert current.tracking_state is TrackingStateKind.TRACKING
    assert current.tfs_id == WORK_ITEM and current.remark == "go on"
    assert current.work_log_id != work_log
    length = (await log_by_id(server, work_log)).length
    lo = (decided_lo - started).total_seconds() - 200
    hi = (decided_hi - started).total_seconds() - 200
    assert lo - 2 <= length <= hi + 2


@IDLE
async def test_idle_prompt_book_to_another_item_validates_and_books(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    work_log, _, period = await away_while_tracking(bridge, tracker, server, "book")
    dialog = await idle_prompt_open(prompts)
    dialog.book_button.click()
    assert dialog.book_row.isVisible()
    dialog.other_item.setText("login bug")
    dialog.book_confirm.click()
    assert "number of the work item" in dialog.error_label.text()
    dialog.other_item.setText("#987654")
    dialog.book_confirm.click()
    await wait_until(lambda: "no work item" in dialog.error_label.text(), timeout=5)
    assert dialog.isVisible() and tracker.idle_prompt is not None

    dialog.other_item.setText(f"#{OTHER_ITEM}")
    QTest.keyClick(dialog.other_item, Qt.Key.Key_Return)
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    booked = [w for w in await rest_work_logs(server) if w.work_item_id == OTHER_ITEM]
    assert len(booked) == 1 and booked[0].length == round(period.duration)
    current = await server_track(server)
    assert current.tracking_state is TrackingStateKind.TRACKING
    assert current.tfs_id == WORK_ITEM and current.work_log_id != work_log


@IDLE
async def test_a_newer_idle_period_updates_the_open_prompt(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    _, _, period = await away_while_tracking(bridge, tracker, server, "merge")
    dialog = await idle_prompt_open(prompts)
    first_text = dialog.headline.text()
    later = IdlePeriod(period.end + 20, period.end + 80, "input")
    tracker.on_activity_event(BecameIdle(later.start, "input"))
    tracker.on_activity_event(BecameActive(later))
    merged = format_away(period.start, later.end) + "."
    await wait_until(lambda: dialog.headline.text() == merged, timeout=5)
    assert dialog.headline.text() != first_text
    assert dialog.isVisible()
    assert tracker.idle_prompt is not None and tracker.idle_prompt.period.end == later.end
    dialog.keep_button.click()
    await wait_until(lambda: not dialog.isVisible(), timeout=10)


def idle_buttons(dialog: IdlePromptDialog) -> list[str]:
    buttons = (
        dialog.keep_button,
        dialog.discard_button,
        dialog.discard_continue_button,
        dialog.book_button,
    )
    return [button.text() for button in buttons if not button.isHidden()]


@pytest.mark.server(speed=200.0, activity_check_interval=600.0, activity_check_wait=120.0)
@pytest.mark.parametrize(
    ("idle_from", "booked"),
    [(120, "8 min"), (-60, "10 min")],  # the last input before the start: booked from the start
)
async def test_idle_prompt_names_the_part_booked_before_the_server_stopped_the_track(
    prompts: Prompts,
    bridge: TrackerBridge,
    tracker: Tracker,
    activity: ScriptedActivity,
    server: LiveServer,
    idle_from: int,
    booked: str,
) -> None:
    """Away from `idle_from` s to +900 s; nobody answers the check at +600 s, so the server
    stops the track at the check's start: only the away time up to +600 s is booked."""
    activity.away()
    assert await bridge.start(TrackTarget(WORK_ITEM, "stopped by the server"))
    assert tracker.state is not None
    work_log = tracker.state.track.work_log_id
    started = tracker.state.track.current_track_started_date_time
    assert work_log and started is not None
    since = started + timedelta(seconds=idle_from)
    tracker.on_activity_event(BecameIdle(since.timestamp(), "input"))
    await wait_until(
        lambda: not is_running(tracker.state), timeout=15, what="the server's stop reaching us"
    )
    assert tracker.state is not None
    stopped = tracker.state.track
    assert stopped.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    assert stopped.work_item is not None
    back = started + timedelta(seconds=900)
    await wait_until(lambda: server.now() > back, timeout=10)
    tracker.on_activity_event(
        BecameActive(IdlePeriod(since.timestamp(), back.timestamp(), "input"))
    )
    dialog = await idle_prompt_open(prompts)

    length = (await log_by_id(server, work_log)).length
    assert length == 600  # closed at the check's start
    end = (started + timedelta(seconds=length)).timestamp()
    begin = max(since, started).timestamp()
    assert dialog.detail.text() == (
        f"The server stopped tracking #{WORK_ITEM} {stopped.work_item.title} at "
        f"{format_clock(end)}: {format_clock(begin)}\u2013{format_clock(end)} "
        f"({booked}) is booked to it. What should happen to that time?"
    )
    assert idle_buttons(dialog) == [
        "&Keep",
        "&Discard",
        "Discard and &continue",
        "&Book to another work item…",
    ]
    save_artifact(dialog, f"idle-prompt-server-stopped-{idle_from}.png")
    dialog.keep_button.click()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    assert (await log_by_id(server, work_log)).length == length


@IDLE
async def test_idle_prompt_says_nothing_was_booked_when_the_track_ended_before(
    prompts: Prompts, bridge: TrackerBridge, tracker: Tracker, server: LiveServer
) -> None:
    """The tracker saw the track running when the user went idle, but it had been stopped
    elsewhere before the away period began: nothing to keep or discard, only an OK."""
    assert await bridge.start(TrackTarget(WORK_ITEM, "ended before"))
    assert tracker.state is not None and tracker.state.track.work_item is not None
    title = tracker.state.track.work_item.title
    started = tracker.state.track.current_track_started_date_time
    assert started is not None
    since = started + timedelta(seconds=300)
    tracker.on_activity_event(BecameIdle(since.timestamp(), "input"))  # while it still runs
    async with server.client() as browser:  # another client stops it before `since`
        ended = (await browser.stop_tracking()).track.track_status_change_date
    assert ended is not None and ended < since
    await wait_until(lambda: not is_running(tracker.state), timeout=15, what="the stop")
    back = since + timedelta(seconds=200)
    await wait_until(lambda: server.now() > back, timeout=10)
    tracker.on_activity_event(
        BecameActive(IdlePeriod(since.timestamp(), back.timestamp(), "input"))
    )
    dialog = await idle_prompt_open(prompts)
    assert dialog.headline.text() == format_away(since.timestamp(), back.timestamp()) + "."
    assert dialog.detail.text() == (
        f"Tracking #{WORK_ITEM} {title} ended at {format_clock(ended.timestamp())}, before you "
        "went away: none of that time is booked."
    )
    assert idle_buttons(dialog) == ["&OK"]  # nothing to keep, discard or move
    logs_before = await rest_work_logs(server)
    save_artifact(dialog, "idle-prompt-nothing-booked.png")
    QTest.keyClick(dialog, Qt.Key.Key_Return)  # OK
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
    assert tracker.idle_prompt is None
    assert await state_kind(server) is TrackingStateKind.IDLE
    assert await rest_work_logs(server) == logs_before


# --- announced to screen readers ----------------------------------------------------------


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[QAccessible.Event, QObject]]:
    """Every accessibility event sent through Qt's QAccessible.updateAccessibility (PySide6
    offers no update handler to install): recorded, then passed on to Qt unchanged."""
    seen: list[tuple[QAccessible.Event, QObject]] = []
    real = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        seen.append((event.type(), event.object()))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    return seen


def alerts(seen: list[tuple[QAccessible.Event, QObject]], dialog: QObject) -> int:
    return sum(1 for kind, obj in seen if kind is QAccessible.Event.Alert and obj is dialog)


def assert_announces(dialog: QObject, title: str, question: str) -> None:
    """Qt's accessibility interface of the dialog: a Dialog named by its title, the question
    as its description."""
    interface = QAccessible.queryAccessibleInterface(dialog)
    assert interface is not None and interface.isValid()
    assert interface.role() is QAccessible.Role.Dialog
    assert interface.text(QAccessible.Text.Name) == title
    assert interface.text(QAccessible.Text.Description) == question


@CHECKS
async def test_the_activity_check_announces_itself_when_it_appears(
    prompts: Prompts,
    bridge: TrackerBridge,
    activity: ScriptedActivity,
    announced: list[tuple[QAccessible.Event, QObject]],
) -> None:
    activity.away()
    assert await bridge.start(TrackTarget(WORK_ITEM))
    dialog = await check_prompt_open(prompts)
    assert alerts(announced, dialog) == 1
    question = dialog.question.text()
    assert question.startswith("Are you still working on")
    assert_announces(dialog, "Still working? — Pacetray", question)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # dismissed, not answered
    assert prompts.reopen()
    assert alerts(announced, dialog) == 2  # brought back: announced again


@IDLE
async def test_the_idle_prompt_announces_itself_when_it_appears(
    prompts: Prompts,
    bridge: TrackerBridge,
    tracker: Tracker,
    server: LiveServer,
    announced: list[tuple[QAccessible.Event, QObject]],
) -> None:
    await away_while_tracking(bridge, tracker, server, "announce")
    dialog = await idle_prompt_open(prompts)
    assert alerts(announced, dialog) == 1
    question = f"{dialog.headline.text()} {dialog.detail.text()}"
    assert question.startswith("You were away from") and "What should happen" in question
    assert_announces(dialog, "Idle time — Pacetray", question)
    assert alerts(announced, prompts.check) == 0  # only the prompt that appeared
    dialog.keep_button.click()
    await wait_until(lambda: not dialog.isVisible(), timeout=10, what="the idle prompt closing")
