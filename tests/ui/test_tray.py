"""The tray, its menu and notifications, driven programmatically (offscreen) against the real
local server: every menu action is triggered and its effect read back from the server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from PySide6.QtCore import QObject, QSize, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.api.client import TrackingClient
from app.api.models import SnoozeOption, TrackingStateKind
from app.tracking.target import TrackTarget
from app.ui.bridge import TrackerBridge
from app.ui.controller import Controller
from app.ui.icons import TrayState, icon_for
from app.ui.tray import LOCAL_MODE_TEXT, format_seconds, tooltip_text
from tests.support.wait import wait_until
from tests.ui.conftest import OTHER_ITEM, WORK_ITEM, LiveServer, wait_signal

TRACKING = TrackingStateKind.TRACKING


@pytest.fixture
async def controller(bridge: TrackerBridge) -> AsyncIterator[Controller]:
    c = Controller(bridge, local_mode=True, tray_wait=0.2, hotkeys=False)
    c.start()
    yield c
    await c.close()
    c.deleteLater()


async def tracking_on_server(client: TrackingClient, work_item: int | None = None) -> bool:
    track = (await client.current()).track
    if track.tracking_state is not TRACKING:
        return False
    return work_item is None or (track.work_item is not None and track.work_item.id == work_item)


async def stopped_on_server(client: TrackingClient) -> bool:
    return (await client.current()).track.tracking_state is not TRACKING


def image(state: TrayState, dark: bool = False) -> QImage:
    return icon_for(state, dark).pixmap(32, 32).toImage()


def test_every_state_has_its_own_icon_in_both_variants(_ui_app) -> None:
    for dark in (False, True):
        images = [image(state, dark) for state in TrayState]
        assert all(not i.isNull() for i in images)
        for i, a in enumerate(images):
            for b in images[i + 1 :]:
                assert a != b
    assert image(TrayState.IDLE, False) != image(TrayState.IDLE, True)
    # HiDPI: drawn at the size asked for (vector), not an upscaled small bitmap
    icon = icon_for(TrayState.TRACKING, False)
    big = icon.pixmap(QSize(128, 128))
    assert (big.width(), big.height()) == (128, 128)
    upscaled = icon.pixmap(QSize(16, 16)).scaled(128, 128)
    assert big.toImage() != upscaled.toImage()


async def test_start_stop_from_the_menu(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    menu, tray = controller.menu, controller.tray
    assert await bridge.select(TrackTarget(WORK_ITEM, "menu start"))
    assert menu.start_stop.text() == "Start tracking"
    assert tray.tray_state is TrayState.IDLE
    idle_icon = tray.icon.icon().pixmap(32, 32).toImage()

    menu.start_stop.trigger()
    await wait_until(lambda: tracking_on_server(client, WORK_ITEM), what="tracking on server")
    await wait_until(lambda: tray.tray_state is TrayState.TRACKING)
    assert menu.start_stop.text() == "Stop tracking"
    assert tray.icon.icon().pixmap(32, 32).toImage() != idle_icon
    assert (await client.current()).track.remark == "menu start"

    menu.start_stop.trigger()
    await wait_until(lambda: stopped_on_server(client), what="stopped on server")
    await wait_until(lambda: tray.tray_state is TrayState.IDLE)
    assert tray.icon.icon().pixmap(32, 32).toImage() == idle_icon


async def test_tooltip_shows_item_remark_elapsed_today_and_local_mode(
    controller: Controller, bridge: TrackerBridge
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "tooltip remark"))
    await wait_until(lambda: controller.tray.tray_state is TrayState.TRACKING)
    text = controller.tray.icon.toolTip()
    state = bridge.state
    assert state is not None and state.track.work_item is not None
    lines = text.splitlines()
    assert f"#{WORK_ITEM} {state.track.work_item.title}" in lines
    assert "Remark: tooltip remark" in lines
    assert any(line.startswith("Elapsed 0:0") and "today" in line for line in lines)
    assert LOCAL_MODE_TEXT in lines
    # the elapsed time and today's total grow locally, with no request
    later = tooltip_text(state, since_state=65, tray=TrayState.TRACKING)
    elapsed = (state.track.current_track_length or 0) + 65
    today = (state.track.total_me_today_length or 0) + 65
    assert f"Elapsed {format_seconds(elapsed)} · today {format_seconds(today)}" in later
    assert controller.tray._tick.isActive()
    assert await bridge.stop()
    await wait_until(lambda: not controller.tray._tick.isActive())


async def test_recent_restarts_with_one_click(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(OTHER_ITEM, "recent one"))
    assert await bridge.stop()
    assert await controller.refresh_recent()
    action = controller.menu.recent_actions[0]
    assert f"#{OTHER_ITEM}" in action.text() and "recent one" in action.text()
    action.trigger()
    await wait_until(lambda: tracking_on_server(client, OTHER_ITEM), what="restarted")
    assert (await client.current()).track.remark == "recent one"


async def test_adjust_changes_remark_and_activity(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "before"))
    await wait_until(lambda: controller.menu.adjust.isEnabled())
    controller.menu.adjust.trigger()
    dialog = await wait_until(lambda: controller.adjust_dialog, what="the adjust dialog")
    dialog.remark.setText("after")
    types = await bridge.activity_types()
    target = next(t for t in types if t.id != (bridge.state.track.activity_type_id or ""))
    dialog.activity.setCurrentIndex(dialog.activity.findData(target.id))
    dialog.accept()
    await wait_until(
        lambda: _remark_is(client, "after", target.id), what="the adjusted track on the server"
    )


async def _remark_is(client: TrackingClient, remark: str, activity: str) -> bool:
    track = (await client.current()).track
    return track.remark == remark and (track.activity_type_id or "").lower() == activity.lower()


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


async def test_open_work_item_in_browser(controller: Controller, bridge: TrackerBridge) -> None:
    assert not controller.menu.open_in_browser.isEnabled()
    assert await bridge.start(TrackTarget(WORK_ITEM, "browse"))
    await wait_until(lambda: controller.menu.open_in_browser.isEnabled())
    link = bridge.state.track.work_item.work_item_link
    assert link and link.startswith("http")
    catcher = UrlCatcher()
    scheme = QUrl(link).scheme()
    QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        controller.menu.open_in_browser.trigger()
    finally:
        QDesktopServices.unsetUrlHandler(scheme)
    assert catcher.urls == [QUrl(link).toString()]


@pytest.mark.server(activity_check_interval=40.0, activity_check_wait=600.0)
async def test_snooze_answers_the_check_with_idle_check(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient, activity, server
) -> None:
    activity.away()  # nobody there: the check waits for the user
    # snoozing before any check waits for it (the server has nothing to snooze yet)
    assert await bridge.start(TrackTarget(WORK_ITEM, "snooze"))
    controller.menu.snooze_actions[SnoozeOption.TOMORROW].trigger()
    await wait_until(lambda: bridge.snooze_pending is SnoozeOption.TOMORROW)
    assert "snoozed until tomorrow" in controller.tray.icon.toolTip()
    bridge.cancel_snooze()
    await wait_until(lambda: controller.tray.tray_state is TrayState.CHECK, timeout=15)
    assert controller.menu.answer_check.isVisible()
    assert (await client.current()).track.check_running
    await wait_signal(
        bridge.activityCheckAnswered,
        trigger=controller.menu.snooze_actions[SnoozeOption.ONE_HOUR].trigger,
        check=lambda answered: answered.how == "snooze",
    )
    track = (await client.current()).track
    assert track.tracking_state is TRACKING and not track.check_running
    await wait_until(lambda: controller.tray.tray_state is TrayState.TRACKING)
    # an hour of quiet: 3 check intervals of server time pass without a new check
    start = server.now()
    await wait_until(lambda: (server.now() - start).total_seconds() > 120, timeout=10)
    assert not (await client.current()).track.check_running


@pytest.mark.server(activity_check_interval=30.0, activity_check_wait=30.0)
async def test_server_stop_notifies_and_restart_restarts(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient, activity
) -> None:
    activity.away()  # the check is prompted and nobody answers it
    assert await bridge.start(TrackTarget(WORK_ITEM, "left alone"))
    await wait_signal(bridge.serverStopped, timeout=20)
    note = await wait_until(
        lambda: next(
            (n for n in controller.notifier.history if n.title == "Tracking stopped"), None
        )
    )
    assert "activity check" in note.message and note.action_label == "Restart"
    assert await stopped_on_server(client)
    assert controller.menu.restart_stopped.isVisible()
    assert f"#{WORK_ITEM}" in controller.menu.restart_stopped.text()
    activity.touch()
    controller.notifier.clicked()  # the user clicks the message
    await wait_until(lambda: tracking_on_server(client, WORK_ITEM), what="restarted")
    assert (await client.current()).track.remark == "left alone"
    await wait_until(lambda: not controller.menu.restart_stopped.isVisible())


async def test_offline_and_back_online_notify_and_change_the_icon(
    controller: Controller, bridge: TrackerBridge, server: LiveServer
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "offline"))
    await wait_until(lambda: controller.tray.tray_state is TrayState.TRACKING)
    tracking_icon = controller.tray.icon.icon().pixmap(32, 32).toImage()
    server.set_faults(drop_rate=0.0)
    server.thread.stop()
    assert not await bridge.stop()  # not sent: journaled
    await wait_until(
        lambda: controller.tray.tray_state is TrayState.OFFLINE,
        what="the offline icon",
    )
    assert controller.tray.icon.icon().pixmap(32, 32).toImage() != tracking_icon
    assert "Offline — 1 change waiting" in controller.tray.icon.toolTip()
    titles = [n.title for n in controller.notifier.history]
    assert "Offline" in titles


async def test_errors_show_the_error_icon_and_a_one_line_message(
    controller: Controller, bridge: TrackerBridge
) -> None:
    await wait_signal(bridge.error, trigger=lambda: bridge.start(TrackTarget(None, " ")))
    assert controller.tray.tray_state is TrayState.ERROR
    note = controller.notifier.history[-1]
    assert note.kind == "error" and "\n" not in note.message and "Traceback" not in note.message
    assert note.message in controller.tray.icon.toolTip()


async def test_quit_asks_and_stops_a_running_track(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "quit"))
    quitting = asyncio.Event()
    controller.quitRequested.connect(quitting.set)
    controller.menu.quit.trigger()
    box: QMessageBox = await wait_until(lambda: controller.quit_box, what="the quit question")
    # Cancel: nothing happens
    box.button(QMessageBox.StandardButton.Cancel).click()
    await wait_until(lambda: controller.quit_box is None)
    assert not quitting.is_set() and await tracking_on_server(client)
    controller.menu.quit.trigger()
    box = await wait_until(lambda: controller.quit_box, what="the quit question again")
    stop = next(b for b in box.buttons() if b.text() == "Stop and quit")
    assert isinstance(stop, QPushButton)
    stop.click()
    await asyncio.wait_for(quitting.wait(), 10)
    assert await stopped_on_server(client)


async def test_quit_when_not_tracking_asks_nothing(controller: Controller) -> None:
    quitting = asyncio.Event()
    controller.quitRequested.connect(quitting.set)
    controller.menu.quit.trigger()
    await asyncio.wait_for(quitting.wait(), 5)
    assert controller.quit_box is None


async def test_no_tray_shows_the_fallback_window_with_the_same_controls(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    # offscreen has no system tray: after the (short) wait the window appears
    window = await wait_until(lambda: controller.fallback, timeout=5, what="the fallback window")
    from PySide6.QtCore import Qt

    assert window.isVisible()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert await bridge.select(TrackTarget(WORK_ITEM, "from the window"))
    assert window.start_stop.text() == "Start tracking"
    window.start_stop.click()
    await wait_until(lambda: tracking_on_server(client, WORK_ITEM), what="started")
    await wait_until(lambda: window.start_stop.text() == "Stop tracking")
    assert f"#{WORK_ITEM}" in window.status.text()
    assert window.more.menu() is controller.menu
    await wait_signal(bridge.error, trigger=lambda: bridge.start(TrackTarget(None, "")))
    assert window.message.isVisible() and "work item" in window.message.text()


async def test_a_late_tray_replaces_the_fallback_window(bridge: TrackerBridge) -> None:
    available = False
    c = Controller(bridge, tray_wait=0.1, hotkeys=False, tray_probe=lambda: available)
    c.start()
    try:
        window = await wait_until(lambda: c.fallback, timeout=5)
        assert window.isVisible()
        available = True
        await wait_signal(c.watcher.available, timeout=5)
        assert not window.isVisible()
    finally:
        await c.close()


async def test_a_journal_conflict_is_notified(
    controller: Controller, bridge: TrackerBridge, server: LiveServer
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "conflict"))
    server.set_faults(drop_rate=1.0)  # every request is dropped: the adjust is journaled
    assert not await bridge.adjust(remark="changed offline")
    await wait_until(lambda: bridge.pending > 0, what="the adjust in the journal")
    server.set_faults()
    async with server.client() as browser:  # meanwhile, in the browser: another track
        await browser.stop_tracking()
        await browser.start_tracking(OTHER_ITEM, "in the browser")
    (event,) = await wait_signal(bridge.journalConflict, timeout=20)
    assert event.reason
    note = await wait_until(
        lambda: next(
            (n for n in controller.notifier.history if n.title.startswith("An offline change")),
            None,
        ),
        what="the conflict notification",
    )
    assert note.kind == "warning" and event.reason in note.message


async def test_switch_and_left_click_open_the_popup(controller: Controller) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    controller.menu.switch.trigger()
    popup = await wait_until(lambda: controller.popup, what="the popup")
    await wait_until(popup.isVisible, what="the popup shown")
    popup.hide()
    controller.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    await wait_until(popup.isVisible, what="the popup shown by a left click")
    popup.hide()


async def test_hotkey_actions_reach_the_server(
    controller: Controller, bridge: TrackerBridge, client: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(OTHER_ITEM, "hotkey"))
    controller._on_hotkey("toggle_tracking")
    await wait_until(lambda: stopped_on_server(client), what="stopped by the hotkey")
    controller._on_hotkey("restart_last")
    await wait_until(lambda: tracking_on_server(client, OTHER_ITEM), what="restarted by hotkey")


async def test_settings_open_and_saved_settings_reach_the_tracker(
    controller: Controller, bridge: TrackerBridge
) -> None:
    from app.settings import Settings

    controller.menu.settings.trigger()
    dialog = await wait_until(lambda: controller.settings_dialog, what="the settings dialog")
    assert dialog.isVisible()
    controller.apply_settings(Settings(idle_threshold_seconds=600, activity_window_seconds=30))
    assert bridge.tracker.settings.idle_threshold == 600.0
    assert bridge.tracker.settings.activity_window == 30.0
    dialog.reject()
    await wait_until(lambda: controller.settings_dialog is None)


def test_on_macos_the_menu_bar_gets_the_template_icon_as_a_mask() -> None:
    """The menu bar tints a mask itself (light, dark, highlighted); elsewhere no mask."""
    for state in TrayState:
        mac = icon_for(state, platform="darwin")
        assert mac.isMask() and not mac.pixmap(22, 22).isNull()
        assert not icon_for(state, dark=False, platform="linux").isMask()
    assert (
        icon_for(TrayState.CHECK, platform="darwin").pixmap(22, 22).toImage()
        != icon_for(TrayState.CHECK, dark=False, platform="linux").pixmap(22, 22).toImage()
    )
