"""The Today window reached through the tray (controller.py) against the real local server: the
menu entry and the hotkey open one window on today, the seeded work logs and the presence log's
slipped time show up, a booking asked for by the window reaches the server and the window
reloads after it; "About Pacetray…" opens the About dialog."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.api.client import TrackingClient
from app.api.models import RestWorkLogCreate
from app.tracking.day import LocalZone
from app.tracking.presence import Presence, PresencePeriod
from app.tracking.presence_log import PresenceLog, PresenceRecorder
from app.ui.about_dialog import AboutDialog
from app.ui.book_dialog import BookDialog
from app.ui.bridge import TrackerBridge
from app.ui.controller import Controller
from app.ui.today_window import TodayWindow
from tests.support.wait import wait_until
from tests.ui.conftest import WORK_ITEM, LiveServer, wait_signal

DAY = date(2026, 3, 10)  # a Tuesday, away from today: the test does not depend on the hour


def local(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=LocalZone())


@pytest.fixture
def presence(tmp_path: Path) -> Iterator[PresenceRecorder]:
    """At the machine 9:00-12:00 on DAY; tracked 9:00-10:00 (seeded): 10:00-12:00 slipped."""
    store = PresenceLog(tmp_path / "presence.sqlite", days=10**5)
    store.add_period(PresencePeriod(local(9), local(12), Presence.PRESENT))
    yield PresenceRecorder(store, presence=True)  # not started: no ongoing period
    store.close()


@pytest.fixture
async def controller(
    bridge: TrackerBridge, client: TrackingClient, presence: PresenceRecorder
) -> AsyncIterator[Controller]:
    await client.create_work_log(
        RestWorkLogCreate(timestamp=local(9), length=3600, work_item_id=WORK_ITEM)
    )
    c = Controller(bridge, local_mode=True, tray_wait=600, hotkeys=False)
    c.presence_history = presence
    c.start()
    yield c
    await c.close()
    c.deleteLater()


async def opened(controller: Controller, open_it: Callable[[], object]) -> TodayWindow:
    """Opens the window (a menu action or the hotkey) and waits for today to load."""
    assert controller.today_window is None  # built on first use
    open_it()
    window = controller.today_window
    assert window is not None
    await wait_until(lambda: window.data, what="today loaded")
    return window


async def show_day(window: TodayWindow) -> None:
    await wait_signal(window.loaded, trigger=lambda: window.open_day(DAY))


async def test_the_menu_entry_opens_one_window_on_today_with_the_server_s_logs(
    controller: Controller,
) -> None:
    window = await opened(controller, controller.menu.today.trigger)
    assert window.isVisible()
    assert window.shown_date == datetime.now(UTC).astimezone(LocalZone()).date()
    controller.menu.today.trigger()  # again: the same window, raised
    assert controller.today_window is window
    await show_day(window)
    data = window.data
    assert data is not None and data.day.synced
    [work_log] = data.day.logs
    assert (work_log.start, work_log.work_item_id) == (local(9).astimezone(UTC), WORK_ITEM)
    assert data.titles == {WORK_ITEM: "Add card vault API client"}
    assert [(s.start, s.end) for s in data.day.slipped] == [
        (local(10).astimezone(UTC), local(12).astimezone(UTC))
    ]


async def test_a_booking_asked_for_by_the_window_reaches_the_server_and_reloads(
    controller: Controller, server: LiveServer
) -> None:
    window = await opened(controller, controller.menu.today.trigger)
    await show_day(window)
    assert window.data is not None
    [slip] = window.data.day.slipped
    window.book_requested.emit(slip)
    dialog = controller.today_dialog
    assert isinstance(dialog, BookDialog) and dialog.isVisible()
    window.book_requested.emit(slip)  # a second request raises the same dialog
    assert controller.today_dialog is dialog
    await wait_signal(dialog.loaded)
    dialog.remark.setText("booked from Today")
    await wait_signal(window.loaded, trigger=dialog.book_button.click, timeout=15)
    async with server.client() as fresh:
        logs = await fresh.work_logs(
            from_timestamp=local(0).astimezone(UTC), to_timestamp=local(23).astimezone(UTC)
        )
    booked = [lg for lg in logs if lg.comment == "booked from Today"]
    assert len(booked) == 1 and booked[0].length == 2 * 3600
    data = window.data
    assert data is not None and data.day.slipped == ()
    assert [lg.comment for lg in data.day.logs] == [None, "booked from Today"]
    await wait_until(lambda: controller.today_dialog is None, what="the dialog let go")


async def test_the_hotkey_opens_the_today_window(controller: Controller) -> None:
    window = await opened(controller, lambda: controller._on_hotkey("open_today"))
    assert window.isVisible()
    window.close()
    assert not window.isVisible()
    controller._on_hotkey("open_today")  # closed, then opened again: the same, on today
    assert controller.today_window is window and window.isVisible()


async def test_about_opens_the_about_dialog_once(controller: Controller) -> None:
    assert controller.about_dialog is None
    controller.menu.about.trigger()
    dialog = controller.about_dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    controller.menu.about.trigger()
    assert controller.about_dialog is dialog
    dialog.close()


async def test_the_menu_offers_today_and_about_near_settings(controller: Controller) -> None:
    texts = [a.text() for a in controller.menu.actions() if not a.isSeparator()]
    assert texts.index("Today…") < texts.index("Settings…") < texts.index("About Pacetray…")
    assert texts.index("About Pacetray…") < texts.index("Quit")
