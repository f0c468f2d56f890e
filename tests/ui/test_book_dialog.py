"""The "Book to…" dialog against the real local server through the real bridge and tracker:
what it books (checked with a second client), keyboard-only booking, refusals shown inline,
and a booking made while the server drops every connection kept in the journal and sent
once the server answers again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.api.client import TrackingClient
from app.api.models import RestWorkLog
from app.server.demo import ACTIVITY_TYPES
from app.tracking.booking import NOTHING_TO_BOOK_TO, OVERLAPS_RUNNING, Booked
from app.tracking.day import Slipped
from app.tracking.target import TrackTarget
from app.ui.book_dialog import BookDialog, open_book_dialog
from app.ui.bridge import TrackerBridge
from tests.support.wait import wait_until
from tests.ui.conftest import WORK_ITEM, LiveServer, wait_signal

TESTING = next(a.id for a in ACTIVITY_TYPES if a.name == "Testing")


@pytest.fixture
async def fresh(server: LiveServer) -> AsyncIterator[TrackingClient]:
    """A second client of the same user: what the server really holds."""
    async with server.client() as c:
        yield c


def slipped(
    server: LiveServer, hours_ago: float, hours: float, *, half_hour: bool = False
) -> Slipped:
    start = server.now() - timedelta(hours=hours_ago)
    if half_hour:  # the minute editor stops at :00 (no wrap into the hour): start on :30
        start = start.replace(minute=30, second=0, microsecond=0)
    end = start + timedelta(hours=hours)
    return Slipped(start=start, end=end, start_s=0.0, end_s=(end - start).total_seconds())


async def opened(bridge: TrackerBridge, period: Slipped, server: LiveServer) -> BookDialog:
    dialog = open_book_dialog(bridge, period, now=server.now)
    await wait_signal(dialog.loaded)
    return dialog


async def logs(fresh: TrackingClient) -> list[RestWorkLog]:
    return await fresh.work_logs(count=500)


def start_of(log: RestWorkLog) -> datetime:
    stamp = log.timestamp
    return (stamp if stamp.tzinfo else stamp.astimezone()).astimezone()


async def test_booking_a_period_creates_the_work_log(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    period = slipped(server, hours_ago=3, hours=1.5)
    dialog = await opened(bridge, period, server)
    assert "1 h 30 min" in dialog.heading.text() and dialog.length.text() == "1 h 30 min"
    await wait_signal(dialog.search.searched, trigger=lambda: dialog.search.field.setText("1201"))
    assert dialog.search.chosen_work_item() is not None
    dialog.remark.setText("code review")
    dialog.activity.setCurrentIndex(dialog.activity.findData(TESTING))
    dialog.billable.setChecked(True)
    await wait_signal(dialog.finished, trigger=dialog.book_button.click)
    assert dialog.outcome is Booked.SENT
    [log] = await logs(fresh)
    assert abs((start_of(log) - period.start).total_seconds()) < 1
    assert log.length == round(period.seconds) and log.billable_length == log.length
    assert log.work_item_id == WORK_ITEM and log.comment == "code review"
    assert log.activity_type is not None and log.activity_type.id == TESTING
    assert log.flags.is_billable and not log.flags.is_tracked


async def test_keyboard_only_booking(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    """Search, walk to remark, activity and billable with Tab, back to the end time with
    Shift+Tab (into its minutes), ten minutes earlier with Down, Enter books."""
    period = slipped(server, hours_ago=4, hours=3, half_hour=True)
    dialog = await opened(bridge, period, server)
    assert QApplication.focusWidget() is dialog.search.field
    await wait_signal(
        dialog.search.searched, trigger=lambda: QTest.keyClicks(dialog.search.field, "#1201")
    )
    QTest.keyClick(dialog.search.field, Qt.Key.Key_Tab)  # the results
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.remark
    QTest.keyClicks(dialog.remark, "pairing")
    QTest.keyClick(dialog.remark, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.activity
    first_activity = dialog.activity.currentData()
    QTest.keyClick(dialog.activity, Qt.Key.Key_Down)
    chosen = dialog.activity.currentData()
    assert chosen != first_activity
    QTest.keyClick(dialog.activity, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.billable
    QTest.keyClick(dialog.billable, Qt.Key.Key_Space)
    assert dialog.billable.isChecked()
    for _ in range(5):  # billable -> activity -> remark -> results -> search -> end
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.end_edit
    for _ in range(10):
        QTest.keyClick(dialog.end_edit, Qt.Key.Key_Down)
    await wait_signal(
        dialog.finished, trigger=lambda: QTest.keyClick(dialog.end_edit, Qt.Key.Key_Return)
    )
    [log] = await logs(fresh)
    assert log.length == round(period.seconds) - 600
    assert log.work_item_id == WORK_ITEM and log.comment == "pairing"
    assert log.activity_type is not None and log.activity_type.id == chosen
    assert log.flags.is_billable


async def test_escape_cancels_and_books_nothing(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    dialog = await opened(bridge, slipped(server, 2, 1), server)
    dialog.remark.setText("not this")
    await wait_signal(
        dialog.finished, trigger=lambda: QTest.keyClick(dialog.remark, Qt.Key.Key_Escape)
    )
    assert dialog.outcome is None and await logs(fresh) == []


async def test_a_refusal_shows_in_the_dialog(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    dialog = await opened(bridge, slipped(server, 2, 1), server)
    assert await dialog.book() is None  # neither a work item nor a remark
    assert dialog.isVisible() and dialog.error_label.text() == NOTHING_TO_BOOK_TO
    assert await logs(fresh) == []
    dialog.reject()


async def test_the_running_track_may_not_be_overlapped(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "now"))
    await server.sleep(600)
    period = slipped(server, hours_ago=1, hours=0.95)  # ends 3 min ago, in the track
    dialog = await opened(bridge, period, server)
    dialog.remark.setText("overlapping")
    assert await dialog.book() is None  # the recent list chose nothing: a remark is enough
    assert dialog.error_label.text() == OVERLAPS_RUNNING
    assert len(await logs(fresh)) == 1  # only the running one
    dialog.reject()


async def test_a_booking_while_the_server_is_unreachable_is_journaled_then_sent(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    period = slipped(server, hours_ago=2, hours=0.5)
    dialog = await opened(bridge, period, server)
    dialog.remark.setText("kept offline")
    server.set_faults(drop_rate=1.0)  # every connection closed without an answer
    await wait_signal(dialog.finished, trigger=dialog.book_button.click, timeout=30)
    assert dialog.outcome is Booked.JOURNALED
    assert bridge.pending == 1
    server.set_faults()
    await wait_until(lambda: bridge.refresh(), what="the server answering again")
    await wait_until(lambda: bridge.pending == 0, what="the journal replayed")
    [log] = await logs(fresh)
    assert log.comment == "kept offline" and log.length == round(period.seconds)
