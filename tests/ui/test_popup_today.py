"""The popup knows the day (issue 15), against the real local server through the real bridge:
while tracking, the head shows the running item, its elapsed time (growing by the popup's own
timer, only while shown) and today's total (the seeded logs + the running part); Stop sits
beside Switch and still stops; with no search text today's finished tracks are listed with
their lengths and Enter starts one again; "Today…" is reached and pressed by keyboard.

The server's clock starts at noon today (so the seeded morning is today at any hour the tests
run); the popup's own clock is a `Moment` the test moves: no sleeping for time to pass.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.api.client import TrackingClient
from app.api.models import RestWorkLogCreate
from app.server.clock import ScaledClock
from app.tracking.day import LocalZone
from app.tracking.target import TrackTarget
from app.ui.bridge import TrackerBridge
from app.ui.locale_format import format_duration, format_time
from app.ui.popup import Popup, format_elapsed
from tests.support.servers import loopback_config, running_server
from tests.support.wait import wait_until
from tests.ui.conftest import TOKEN, LiveServer, wait_signal
from tests.ui.ui_checks import save_screenshot

ZONE = LocalZone()
TODAY = datetime.now(ZONE).date()
RUNNING_ITEM = 1203


def local(hour: int, minute: int = 0, day: date = TODAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


# (start, minutes, work item, remark): today's finished tracks, oldest first
SEEDED = [
    (local(9, 0), 65, 1201, None),
    (local(10, 30), 30, 1202, None),
    (local(11, 0), 20, None, "Planning"),
]
SEEDED_SECONDS = sum(minutes for _, minutes, _, _ in SEEDED) * 60


class Moment:
    """The popup's clock: stands still until the test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The ui tests' server (30x clock, no activity checks), its clock starting at noon."""
    config = loopback_config(tmp_path / "server", TOKEN, activity_check_interval=0.0,
                             activity_check_wait=30.0, clock_speed=30.0)  # fmt: skip
    clock = ScaledClock(30.0, start=local(12, 0))
    with running_server(config, clock) as thread:
        yield LiveServer(thread, clock, config)


@pytest.fixture
async def fresh(server: LiveServer) -> AsyncIterator[TrackingClient]:
    async with server.client() as c:
        yield c


@pytest.fixture
async def seeded(fresh: TrackingClient) -> None:
    for start, minutes, item, remark in SEEDED:
        await fresh.create_work_log(
            RestWorkLogCreate(
                timestamp=start, length=minutes * 60, work_item_id=item, comment=remark
            )
        )


@pytest.fixture
async def moment(server: LiveServer) -> Moment:
    return Moment(server.now())


@pytest.fixture
async def popup(bridge: TrackerBridge, moment: Moment, seeded: None) -> AsyncIterator[Popup]:
    p = Popup(bridge, now=moment, tz=ZONE)
    yield p
    p.hide()  # a Qt.Popup left open would take the key events of later tests
    p.deleteLater()


async def open_popup(popup: Popup) -> None:
    await wait_signal(popup.dayLoaded, trigger=lambda: popup.show_at(None))
    await wait_until(lambda: not popup.is_busy, what="the popup loaded")


async def start_running(bridge: TrackerBridge, moment: Moment) -> datetime:
    """Starts RUNNING_ITEM; the popup's clock then stands 10 minutes into the track."""
    assert await bridge.start(TrackTarget(RUNNING_ITEM, "Review"))
    state = bridge.state
    assert state is not None and state.track.is_tracking
    started = state.track.current_track_started_date_time
    assert started is not None
    moment.at = started + timedelta(minutes=10)
    return started


def focused(popup: Popup) -> object:
    return QApplication.focusWidget()


async def test_the_head_shows_the_running_track_its_elapsed_time_and_todays_total(
    popup: Popup, bridge: TrackerBridge, moment: Moment, fresh: TrackingClient
) -> None:
    started = await start_running(bridge, moment)
    await open_popup(popup)

    assert f"#{RUNNING_ITEM}" in popup.status.text() and "Review" in popup.status.text()
    assert popup.times.isVisible()
    total = SEEDED_SECONDS + 600
    assert popup.summary is not None
    assert popup.summary.total(moment.at) == pytest.approx(total, abs=1)
    assert popup.times.text() == (
        f"Elapsed {format_elapsed(600)} · today {format_duration(total)}"
    )  # 0:10:00 · today 2 h 05 min

    # time passes: the popup's own timer shows it
    assert popup.tick_timer.isActive()
    moment.at = started + timedelta(hours=1, minutes=2, seconds=3)
    grown = SEEDED_SECONDS + 3723
    await wait_until(lambda: "1:02:03" in popup.times.text(), what="the timer's tick")
    assert popup.times.text() == f"Elapsed 1:02:03 · today {format_duration(grown)}"
    assert popup.summary.total(moment.at) == pytest.approx(grown, abs=1)
    save_screenshot(popup, "popup-tracking.png")

    # hidden: no timer; shown again: it runs again
    popup.hide()
    assert not popup.tick_timer.isActive()
    await open_popup(popup)
    assert popup.tick_timer.isActive()

    # Stop sits beside Switch and still stops (its mnemonic)
    assert popup.start_button.text().replace("&", "") == "Switch"
    assert popup.stop_button.isVisible()
    assert popup.stop_button.y() == popup.start_button.y()
    assert popup.stop_button.x() > popup.start_button.x()
    await wait_signal(
        popup.closed,
        trigger=lambda: QTest.keyClick(popup.search, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier),
    )
    assert not (await fresh.current()).track.is_tracking
    await wait_until(lambda: not popup.tracking, what="the bridge seeing the stop")
    await open_popup(popup)
    assert not popup.times.isVisible() and not popup.tick_timer.isActive()


async def test_the_empty_state_lists_todays_tracks_with_their_lengths(
    popup: Popup, moment: Moment
) -> None:
    await open_popup(popup)
    assert not popup.tracking and popup.search.text() == ""
    await wait_until(lambda: popup.model.rowCount() > 0, what="the recent list")
    assert popup.day_list.isVisible()
    assert [log.work_item_id for log in popup.day_logs()] == [None, 1202, 1201]  # latest first
    assert [round(log.seconds) for log in popup.day_logs()] == [1200, 1800, 3900]
    texts = [popup.day_list.item(row).text() for row in range(popup.day_list.count())]
    assert texts[2] == (
        f"#1201 Add card vault API client — {format_duration(3900)}, "
        f"{format_time(local(9, 0))}\u2013{format_time(local(10, 5))}"
    )  # "#1201 Add card vault API client — 1 h 05 min, 09:00 to 10:05" with an en dash
    assert texts[0].startswith("“Planning” — 20 min, ")
    assert "1 h 05 min" in texts[2]
    save_screenshot(popup, "popup-today.png")

    # typing a search hides them; clearing the search shows them again
    QTest.keyClicks(popup.search, "card")
    assert not popup.day_list.isVisible()
    popup.search.clear()
    assert popup.day_list.isVisible()


async def test_enter_on_one_of_todays_tracks_starts_it_again(
    popup: Popup, fresh: TrackingClient
) -> None:
    await open_popup(popup)
    popup.day_list.setFocus()
    QTest.keyClick(popup.day_list, Qt.Key.Key_Down)  # from the latest to the one before
    chosen = popup.day_list.currentItem()
    assert chosen is not None and "#1202" in chosen.text()
    await wait_signal(
        popup.closed, trigger=lambda: QTest.keyClick(popup.day_list, Qt.Key.Key_Return)
    )
    track = (await fresh.current()).track
    assert track.is_tracking and track.tfs_id == 1202


async def test_today_is_reached_and_pressed_by_keyboard(popup: Popup) -> None:
    await open_popup(popup)
    assert popup.today_button.accessibleName() == "Open the Today window"
    assert popup.search.hasFocus() or not QApplication.focusWindow()
    QTest.keyClick(popup.search, Qt.Key.Key_Backtab)  # not tracking: Stop is hidden
    assert focused(popup) is popup.today_button
    await wait_signal(
        popup.todayRequested, trigger=lambda: QTest.keyClick(popup.today_button, Qt.Key.Key_Return)
    )
    assert not popup.isVisible()  # the Today window takes over
    await open_popup(popup)
    await wait_signal(
        popup.todayRequested,
        trigger=lambda: QTest.keyClick(popup.search, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier),
    )
