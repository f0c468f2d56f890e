"""The "Edit work log" dialog against the real local server through the real bridge: an edit
changes the server, Delete asks first (Cancel by default) and then deletes, a running log is
refused with the reason, all driven by keys where the user would use them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.api.client import TrackingClient
from app.api.models import RestWorkLog, RestWorkLogCreate
from app.server.demo import ACTIVITY_TYPES
from app.tracking.booking import RUNNING_EDIT
from app.tracking.day import DayLog, build_day
from app.tracking.target import TrackTarget
from app.ui.book_dialog import to_qdatetime
from app.ui.bridge import TrackerBridge
from app.ui.edit_log_dialog import EditLogDialog, open_edit_log_dialog
from tests.support.wait import wait_until
from tests.ui.conftest import WORK_ITEM, LiveServer, wait_signal

TESTING = next(a.id for a in ACTIVITY_TYPES if a.name == "Testing")


@pytest.fixture
async def fresh(server: LiveServer) -> AsyncIterator[TrackingClient]:
    async with server.client() as c:
        yield c


async def day_log(fresh: TrackingClient, server: LiveServer, log_id: str) -> DayLog:
    """The log as the Today window has it: from the day model."""
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    logs = await fresh.work_logs(count=500)
    start = next(log.timestamp for log in logs if log.id == log_id)
    day = build_day(start.date(), tz, logs, await fresh.current(), [], [], [], server.now())
    return next(log for log in day.logs if log.id == log_id)


async def made(fresh: TrackingClient, server: LiveServer, **fields: object) -> str:
    start = (server.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    body = RestWorkLogCreate(timestamp=start, length=1800, work_item_id=WORK_ITEM,
                             **fields)  # type: ignore[arg-type]  # fmt: skip
    return (await fresh.create_work_log(body)).id


async def stored(fresh: TrackingClient, log_id: str) -> RestWorkLog | None:
    return next((log for log in await fresh.work_logs(count=500) if log.id == log_id), None)


async def opened(bridge: TrackerBridge, log: DayLog, server: LiveServer) -> EditLogDialog:
    dialog = open_edit_log_dialog(bridge, log, now=server.now)
    await wait_signal(dialog.loaded)
    return dialog


async def test_an_edit_changes_the_server(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    log_id = await made(fresh, server, comment="draft")
    log = await day_log(fresh, server, log_id)
    dialog = await opened(bridge, log, server)
    assert dialog.editable and dialog.remark.text() == "draft"
    dialog.start_edit.setDateTime(to_qdatetime(log.start + timedelta(minutes=10)))
    dialog.end_edit.setDateTime(to_qdatetime(log.end + timedelta(minutes=20)))
    dialog.remark.clear()
    QTest.keyClicks(dialog.remark, "final")
    dialog.activity.setCurrentIndex(dialog.activity.findData(TESTING))
    dialog.billable.setChecked(True)
    args = await wait_signal(
        dialog.finished, trigger=lambda: QTest.keyClick(dialog.remark, Qt.Key.Key_Return)
    )
    assert args == (1,)  # accepted
    after = await stored(fresh, log_id)
    assert after is not None
    assert after.length == 1800 + 600 and after.billable_length == after.length
    assert after.comment == "final" and after.flags.is_billable
    assert after.activity_type is not None and after.activity_type.id == TESTING
    moved = await day_log(fresh, server, log_id)
    assert abs((moved.start - log.start).total_seconds() - 600) < 1


async def test_delete_asks_first_and_cancel_is_the_default(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    log_id = await made(fresh, server, comment="to go")
    dialog = await opened(bridge, await day_log(fresh, server, log_id), server)
    dialog.billable.setFocus()
    QTest.keyClick(dialog.billable, Qt.Key.Key_Delete)  # outside a text field: delete
    box = await wait_until(lambda: dialog.confirm_box, what="the confirmation")
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    QTest.keyClick(box, Qt.Key.Key_Return)  # Enter: Cancel
    await wait_until(lambda: dialog.confirm_box is None and not dialog.is_busy)
    assert dialog.isVisible() and await stored(fresh, log_id) is not None

    QTest.keyClick(dialog.billable, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    box = await wait_until(lambda: dialog.confirm_box, what="the confirmation again")
    deleted = await wait_signal(
        dialog.deleted,
        trigger=lambda: QTest.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier),
    )
    assert deleted == (log_id,)
    assert not dialog.isVisible() and await stored(fresh, log_id) is None


async def test_the_delete_key_in_the_remark_edits_the_remark(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    log_id = await made(fresh, server, comment="abc")
    dialog = await opened(bridge, await day_log(fresh, server, log_id), server)
    dialog.remark.setFocus()
    dialog.remark.setCursorPosition(0)
    QTest.keyClick(dialog.remark, Qt.Key.Key_Delete)
    assert dialog.remark.text() == "bc" and dialog.confirm_box is None
    QTest.keyClick(dialog.remark, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and (await stored(fresh, log_id)) is not None


async def test_a_running_log_is_refused_with_the_reason(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "live"))
    await server.sleep(300)
    log_id = (await fresh.current()).track.work_log_id or ""
    log = await day_log(fresh, server, log_id)
    assert log.running
    dialog = await opened(bridge, log, server)
    assert not dialog.editable and not dialog.delete_button.isEnabled()
    assert dialog.notice.text() == RUNNING_EDIT and "stop tracking" in dialog.notice.text()
    assert QApplication.focusWidget() is dialog.cancel_button
    QTest.keyClick(dialog.cancel_button, Qt.Key.Key_Delete)
    assert dialog.confirm_box is None and not dialog.is_busy
    await wait_signal(
        dialog.finished, trigger=lambda: QTest.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    )
    after = await stored(fresh, log_id)
    assert after is not None and after.comment == "live"


async def test_a_stale_copy_of_the_running_log_is_refused_by_the_server(
    bridge: TrackerBridge, server: LiveServer, fresh: TrackingClient
) -> None:
    """Tracking starts elsewhere while the dialog is open on a copy that says stopped: Save is
    refused (by the bridge's newer state, or else by the server's 409); the dialog says why."""
    log_id = await made(fresh, server, comment="closed")
    dialog = await opened(bridge, await day_log(fresh, server, log_id), server)
    async with server.client() as other:  # another device starts tracking …
        await other.start_tracking(WORK_ITEM, "elsewhere")
        running = (await other.current()).track.work_log_id or ""
    stale = await day_log(fresh, server, running)
    dialog.log = replace(stale, running=False)
    dialog.start_edit.setDateTime(to_qdatetime(stale.start - timedelta(minutes=2)))
    dialog.end_edit.setDateTime(to_qdatetime(stale.start - timedelta(minutes=1)))
    assert not await dialog.save()
    assert dialog.isVisible() and dialog.error_label.text() == RUNNING_EDIT
    assert (await stored(fresh, running)) is not None
    dialog.reject()
