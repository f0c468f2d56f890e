"""A keyboard-only run through the popup against the real local server: every step is a key
press on the widget that has the focus (never a click, never a widget poked directly), and
the server's state is read back after each step by a client of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.api.models import Track
from app.server.demo import ACTIVITY_TYPES, DEFAULT_ACTIVITY_TYPE_ID
from app.ui.bridge import TrackerBridge
from app.ui.popup import Popup
from tests.support.wait import wait_until
from tests.ui.conftest import LiveServer, wait_signal

Key = Qt.Key
SWITCH_TO = 1349  # found by `#1349`, not among the "card" hits


@pytest.fixture
async def popup(bridge: TrackerBridge) -> AsyncIterator[Popup]:
    p = Popup(bridge)
    yield p
    p.hide()  # a Qt.Popup left open would take the key events of later tests
    p.deleteLater()


def focused(popup: Popup) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None and widget.window() is popup, widget
    return widget


def press(
    popup: Popup, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> QWidget:
    """One key on whatever has the focus; returns the widget that has it afterwards."""
    QTest.keyClick(focused(popup), key, modifier)
    return focused(popup)


async def open_popup(popup: Popup) -> None:
    """Opens it as the tray's hotkey does (the global hotkey itself: test_hotkeys_global.py)
    and waits until its lists are loaded."""
    popup.show_at(None)
    await wait_until(lambda: popup.activity.count() > 0 and not popup.is_busy, what="the popup")
    assert focused(popup) is popup.search


async def type_search(popup: Popup, text: str) -> None:
    await wait_signal(
        popup.searched,
        check=lambda shown: shown == text,
        trigger=lambda: QTest.keyClicks(focused(popup), text),
    )


async def server_track(server: LiveServer) -> Track:
    async with server.client() as reader:
        return (await reader.current()).track


async def test_start_switch_and_stop_with_the_keyboard_alone(
    popup: Popup, bridge: TrackerBridge, server: LiveServer
) -> None:
    # --- start: search, pick the second hit, remark, another activity type, billable, Enter
    await open_popup(popup)
    await type_search(popup, "card")
    press(popup, Key.Key_Down)  # from the search field: the next hit
    picked = popup.chosen_work_item()
    assert picked is not None and picked.id != SWITCH_TO
    assert press(popup, Key.Key_Tab) is popup.results
    assert press(popup, Key.Key_Tab) is popup.remark
    QTest.keyClicks(focused(popup), "keyboard only")
    assert press(popup, Key.Key_Tab) is popup.activity
    press(popup, Key.Key_Down)  # the next activity type
    chosen_type = popup.activity_type_id()
    assert chosen_type is not None and chosen_type != DEFAULT_ACTIVITY_TYPE_ID
    assert chosen_type in {a.id for a in ACTIVITY_TYPES}
    assert press(popup, Key.Key_Tab) is popup.billable
    press(popup, Key.Key_Space)
    await wait_signal(popup.closed, trigger=lambda: press(popup, Key.Key_Return))

    track = await server_track(server)
    assert track.is_tracking and track.tfs_id == picked.id
    assert (track.remark, track.activity_type_id, track.is_billable) == (
        "keyboard only",
        chosen_type,
        True,
    )
    first_log = track.work_log_id

    # --- switch: open again, type over the selected search text, Enter
    await wait_until(lambda: popup.tracking, what="the bridge seeing the track")
    await open_popup(popup)
    assert popup.stop_button.isVisible()
    assert popup.start_button.text().replace("&", "") == "Switch"
    await type_search(popup, f"#{SWITCH_TO}")
    assert popup.chosen_work_item() is not None
    await wait_signal(popup.closed, trigger=lambda: press(popup, Key.Key_Enter))

    track = await server_track(server)
    assert track.is_tracking and track.tfs_id == SWITCH_TO
    assert track.work_log_id != first_log  # a new work log: the first one was stopped

    # --- stop: Shift+Tab from the search field reaches Stop; its mnemonic stops at once
    await wait_until(
        lambda: bridge.state is not None and bridge.state.track.tfs_id == SWITCH_TO,
        what="the bridge seeing the switch",
    )
    await open_popup(popup)
    assert press(popup, Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier) is popup.stop_button
    assert press(popup, Key.Key_Tab) is popup.search
    assert "Alt+T" in popup.stop_button.toolTip()  # the shortcut, documented
    await wait_signal(
        popup.closed, trigger=lambda: press(popup, Key.Key_T, Qt.KeyboardModifier.AltModifier)
    )

    track = await server_track(server)
    assert not track.is_tracking
    await wait_until(lambda: not popup.tracking, what="the bridge seeing the stop")
    await open_popup(popup)
    assert not popup.stop_button.isVisible()
    assert popup.start_button.text().replace("&", "") == "Start"


async def test_stop_from_the_focused_button_with_enter(
    popup: Popup, bridge: TrackerBridge, server: LiveServer
) -> None:
    await open_popup(popup)
    await type_search(popup, "1201")
    await wait_signal(popup.closed, trigger=lambda: press(popup, Key.Key_Return))
    assert (await server_track(server)).tfs_id == 1201
    await wait_until(lambda: popup.tracking, what="the bridge seeing the track")
    await open_popup(popup)
    assert press(popup, Key.Key_Backtab) is popup.stop_button
    await wait_signal(popup.closed, trigger=lambda: press(popup, Key.Key_Return))
    assert not (await server_track(server)).is_tracking
