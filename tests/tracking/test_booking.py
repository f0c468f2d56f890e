"""Booking slipped time and editing work logs (app/tracking/booking.py) against the real local
server on a hand-driven clock: what is created, patched and deleted on the server, what is
refused and why, and a booking made offline reaching the server from the journal."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.api.client import TrackingClient
from app.api.errors import NotFoundError
from app.api.models import RestWorkLog, RestWorkLogCreate, TrackingState
from app.tracking.booking import (
    CROSSES_DAY,
    IN_FUTURE,
    NOT_ON_SERVER,
    NOTHING_TO_BOOK_TO,
    OUTSIDE_PERIOD,
    OVERLAPS_RUNNING,
    RUNNING_DELETE,
    RUNNING_EDIT,
    START_AFTER_END,
    Booked,
    Booking,
    BookingError,
    LogEdit,
    book,
    book_or_journal,
    check_booking,
    delete_work_log,
    edit_patch,
    edit_work_log,
)
from app.tracking.day import DayLog, build_day, log_start
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from tests.tracking.conftest import JOURNAL_START, OTHER_ITEM, WORK_ITEM, RestartableServer

NOW = JOURNAL_START + timedelta(hours=4)  # 12:00 UTC on the server's manual clock


def at(hour: int, minute: int = 0) -> datetime:
    return JOURNAL_START.replace(hour=hour, minute=minute)


@dataclass
class Setup:
    server: RestartableServer
    client: TrackingClient
    journal: Journal
    tracker: Tracker
    activity_ids: list[str]

    async def logs(self) -> dict[str, RestWorkLog]:
        return {log.id: log for log in await self.client.work_logs(count=500)}

    async def day_log(self, log_id: str) -> DayLog:
        day = build_day(
            NOW.date(), UTC, await self.client.work_logs(count=500),
            await self.client.current(), [], [], [], self.server.now(),
        )  # fmt: skip
        return next(log for log in day.logs if log.id == log_id)


@pytest.fixture
async def setup(
    restartable: Callable[..., RestartableServer], tmp_path: Path
) -> AsyncIterator[Setup]:
    server = restartable()
    server.clock.advance((NOW - JOURNAL_START).total_seconds())
    client = server.client()
    journal = Journal(tmp_path / "journal.sqlite3", now=server.now)
    tracker = Tracker(client, activity=None, detector=None, journal=journal, now=server.now,
                      monotonic=lambda: server.now().timestamp())  # fmt: skip
    kinds = (await client.activity_types()).activity_types
    yield Setup(server, client, journal, tracker, [kind.id for kind in kinds])
    await client.aclose()
    journal.close()


async def test_a_booking_creates_the_work_log_as_asked(setup: Setup) -> None:
    activity = setup.activity_ids[-1]
    booking = Booking(at(9, 10), at(9, 55), TrackTarget(WORK_ITEM, " reviewing ", activity, True))
    created = await book(setup.client, booking, now=setup.server.now())
    stored = (await setup.logs())[created.id]
    assert log_start(stored, UTC) == at(9, 10)
    assert stored.length == 45 * 60 and stored.billable_length == 45 * 60
    assert stored.work_item_id == WORK_ITEM and stored.comment == "reviewing"
    assert stored.activity_type is not None and stored.activity_type.id == activity
    assert stored.flags.is_billable and stored.flags.is_manually_entered


async def test_a_remark_alone_is_enough_and_not_billable_books_no_billable_time(
    setup: Setup,
) -> None:
    created = await book(setup.client, Booking(at(7), at(7, 30), TrackTarget(None, "standup")),
                         now=setup.server.now())  # fmt: skip
    stored = (await setup.logs())[created.id]
    assert stored.work_item_id is None and stored.comment == "standup"
    assert not stored.flags.is_billable and not stored.billable_length


@pytest.mark.parametrize(
    ("start", "end", "target", "template"),
    [
        (at(10), at(10), TrackTarget(WORK_ITEM), START_AFTER_END),
        (at(10, 30), at(10), TrackTarget(WORK_ITEM), START_AFTER_END),
        (at(11, 50), at(12, 10), TrackTarget(WORK_ITEM), IN_FUTURE),
        (at(9), at(9, 30), TrackTarget(None, "  "), NOTHING_TO_BOOK_TO),
        (at(8, 50), at(9, 30), TrackTarget(WORK_ITEM), OUTSIDE_PERIOD),
        (at(9), at(10, 10), TrackTarget(WORK_ITEM), OUTSIDE_PERIOD),
    ],
)
async def test_impossible_bookings_are_refused_and_nothing_is_sent(
    setup: Setup, start: datetime, end: datetime, target: TrackTarget, template: str
) -> None:
    with pytest.raises(BookingError) as caught:
        await book(setup.client, Booking(start, end, target), now=setup.server.now(),
                   within=(at(9), at(10)))  # fmt: skip
    assert caught.value.template == template
    assert caught.value.message == template  # no arguments: the English text as marked
    assert await setup.logs() == {}


async def test_a_booking_may_not_overlap_the_running_track(setup: Setup) -> None:
    await setup.client.start_tracking(WORK_ITEM)  # at 12:00
    setup.server.clock.advance(600)
    now = setup.server.now()
    with pytest.raises(BookingError) as caught:  # `current` read by book itself
        await book(setup.client, Booking(at(11, 50), at(12, 5), TrackTarget(OTHER_ITEM)), now=now)
    assert caught.value.template == OVERLAPS_RUNNING
    assert len(await setup.logs()) == 1  # only the running one
    before = await book(setup.client, Booking(at(11, 30), at(12), TrackTarget(OTHER_ITEM)),
                        now=now)  # fmt: skip
    assert (await setup.logs())[before.id].length == 30 * 60


async def test_booked_through_the_tracker_when_online(setup: Setup) -> None:
    booking = Booking(at(8), at(8, 20), TrackTarget(WORK_ITEM, "notes"))
    assert await book_or_journal(setup.tracker, booking, now=setup.server.now()) is Booked.SENT
    [stored] = (await setup.logs()).values()
    assert stored.length == 20 * 60 and setup.journal.count() == 0


async def test_a_booking_made_offline_is_journaled_and_reaches_the_server(setup: Setup) -> None:
    setup.server.stop()
    booking = Booking(at(8), at(8, 20), TrackTarget(WORK_ITEM, "written offline"))
    outcome = await book_or_journal(setup.tracker, booking, now=setup.server.now())
    assert outcome is Booked.JOURNALED and setup.journal.count() == 1
    setup.server.start()
    setup.tracker.network_changed(True)
    assert await setup.tracker.refresh() is not None
    assert setup.journal.count() == 0
    [stored] = (await setup.logs()).values()
    assert log_start(stored, UTC) == at(8) and stored.length == 20 * 60
    assert stored.comment == "written offline"


async def test_a_booking_the_server_refuses_is_reported_not_journaled(setup: Setup) -> None:
    booking = Booking(at(8), at(8, 20), TrackTarget(987654))  # no such work item
    with pytest.raises(BookingError) as caught:
        await book_or_journal(setup.tracker, booking, now=setup.server.now())
    assert "987654" in caught.value.message or "404" in caught.value.message
    assert setup.journal.count() == 0 and await setup.logs() == {}


async def test_an_offline_booking_overlapping_the_running_track_is_refused(setup: Setup) -> None:
    assert await setup.tracker.start(TrackTarget(WORK_ITEM))
    setup.server.clock.advance(300)
    setup.server.stop()
    booking = Booking(at(11, 50), at(12, 2), TrackTarget(OTHER_ITEM))
    with pytest.raises(BookingError) as caught:
        await book_or_journal(setup.tracker, booking, now=setup.server.now())
    assert caught.value.template == OVERLAPS_RUNNING
    assert setup.journal.count() == 0


# --- editing ---------------------------------------------------------------------------------


async def made(setup: Setup, start: datetime, minutes: int, **fields: object) -> str:
    body = RestWorkLogCreate(timestamp=start, length=minutes * 60, work_item_id=WORK_ITEM,
                             **fields)  # type: ignore[arg-type]  # fmt: skip
    return (await setup.client.create_work_log(body)).id


async def test_an_edit_changes_the_work_log_on_the_server(setup: Setup) -> None:
    log_id = await made(setup, at(9), 30, comment="old")
    log = await setup.day_log(log_id)
    activity = setup.activity_ids[-1]
    edit = LogEdit(at(9, 5), at(9, 50), " new remark ", activity, billable=True)
    changed = await edit_work_log(setup.client, log, edit, now=setup.server.now())
    assert changed is not None
    stored = (await setup.logs())[log_id]
    assert log_start(stored, UTC) == at(9, 5) and stored.length == 45 * 60
    assert stored.comment == "new remark" and stored.flags.is_billable
    assert stored.billable_length == 45 * 60
    assert stored.activity_type is not None and stored.activity_type.id == activity


async def test_unticking_billable_and_keeping_the_times(setup: Setup) -> None:
    log_id = await made(setup, at(9), 30, billable_length=1800)
    log = await setup.day_log(log_id)
    assert log.billable
    edit = LogEdit(log.start, log.end, log.comment, log.activity_type_id, billable=False)
    patch = edit_patch(log, edit, now=setup.server.now())
    assert patch is not None and patch.length is None and patch.timestamp is None
    await edit_work_log(setup.client, log, edit, now=setup.server.now())
    stored = (await setup.logs())[log_id]
    assert not stored.flags.is_billable and stored.length == 1800


async def test_an_unchanged_edit_sends_nothing(setup: Setup) -> None:
    log = await setup.day_log(await made(setup, at(9), 30, comment="same"))
    edit = LogEdit(log.start, log.end, "same", log.activity_type_id, log.billable)
    assert await edit_work_log(setup.client, log, edit, now=setup.server.now()) is None


async def test_an_edit_into_the_future_or_backwards_is_refused(setup: Setup) -> None:
    log = await setup.day_log(await made(setup, at(9), 30))
    for start, end, template in [(at(9), at(13), IN_FUTURE), (at(9, 40), at(9, 30),
                                                              START_AFTER_END)]:  # fmt: skip
        edit = LogEdit(start, end, None, None, log.billable)
        with pytest.raises(BookingError) as caught:
            await edit_work_log(setup.client, log, edit, now=setup.server.now())
        assert caught.value.template == template
    assert (await setup.logs())[log.id or ""].length == 1800


async def test_the_times_of_a_log_cut_at_midnight_are_not_guessed(setup: Setup) -> None:
    log = await setup.day_log(await made(setup, at(9), 30))
    cut = replace(log, cut_start=True)
    with pytest.raises(BookingError) as caught:
        edit_patch(cut, LogEdit(at(9, 10), cut.end, None, None, False), now=NOW)
    assert caught.value.template == CROSSES_DAY
    patch = edit_patch(cut, LogEdit(cut.start, cut.end, "remark only", None, False), now=NOW)
    assert patch is not None and patch.comment == "remark only" and patch.length is None


async def test_delete_removes_the_work_log(setup: Setup) -> None:
    keep = await made(setup, at(8), 10)
    log = await setup.day_log(await made(setup, at(9), 30))
    await delete_work_log(setup.client, log)
    assert set(await setup.logs()) == {keep}
    with pytest.raises(NotFoundError):  # gone: a second delete finds nothing
        await delete_work_log(setup.client, log)


async def test_a_running_log_is_neither_edited_nor_deleted(setup: Setup) -> None:
    await setup.client.start_tracking(WORK_ITEM, "running")
    setup.server.clock.advance(600)
    log = await setup.day_log((await setup.client.current()).track.work_log_id or "")
    assert log.running
    edit = LogEdit(log.start, log.start + timedelta(minutes=5), "x", None, False)
    with pytest.raises(BookingError) as caught:
        await edit_work_log(setup.client, log, edit, now=setup.server.now())
    assert caught.value.template == RUNNING_EDIT
    assert "stop tracking" in caught.value.message
    with pytest.raises(BookingError) as caught:
        await delete_work_log(setup.client, log)
    assert caught.value.template == RUNNING_DELETE
    # The day model's copy is stale (it thinks the log stopped): the server refuses (409).
    stale = replace(log, running=False)
    with pytest.raises(BookingError) as caught:
        await delete_work_log(setup.client, stale, state=TrackingState())
    assert caught.value.template == RUNNING_DELETE
    assert log.id in await setup.logs()


async def test_a_log_only_in_the_journal_cannot_be_edited(setup: Setup) -> None:
    log = replace(await setup.day_log(await made(setup, at(9), 30)), id=None, synced=False)
    with pytest.raises(BookingError) as caught:
        await delete_work_log(setup.client, log)
    assert caught.value.template == NOT_ON_SERVER


def test_check_booking_without_a_server() -> None:
    check_booking(Booking(at(9), at(9, 1), TrackTarget(WORK_ITEM)), now=NOW, state=None)
    with pytest.raises(ValueError, match="time zone"):
        check_booking(Booking(at(9).replace(tzinfo=None), at(10), TrackTarget(1)), now=NOW,
                      state=None)  # fmt: skip
