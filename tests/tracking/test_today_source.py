"""The Today gatherer (app/tracking/today_source.py) over the real local server: the week's work
logs, the day's work item titles, the presence log through the tray's recorder (its ongoing
period included), the offline journal; with the server unreachable, what this machine knows,
not synced, and the error handed back instead of raised."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.api.client import TrackingClient
from app.api.errors import ConnectionFailed
from app.api.models import RestWorkLogCreate
from app.tracking import user_commands as cmd
from app.tracking.journal import Journal
from app.tracking.presence import Presence, PresencePeriod
from app.tracking.presence_log import PresenceLog, PresenceRecorder
from app.tracking.target import TrackTarget
from app.tracking.today_source import (
    ClientRunner,
    ServerDays,
    ServerWork,
    TodaySource,
    presence_file,
    recorder_presence,
)
from tests.tracking.conftest import OTHER_ITEM, WORK_ITEM

DAY = date(2026, 3, 10)  # a Tuesday


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


NOW = at(15)


def with_client(client: TrackingClient) -> ClientRunner:
    async def run(work: ServerWork) -> ServerDays:
        return await work(client)

    return run


async def seed(client: TrackingClient) -> None:
    for start, minutes, item, comment in (
        (at(9), 90, WORK_ITEM, None),
        (at(12), 60, None, "Planning"),
        (at(9, day=12), 60, OTHER_ITEM, None),  # the Thursday: in the week, not the day
    ):
        await client.create_work_log(
            RestWorkLogCreate(
                timestamp=start, length=minutes * 60, work_item_id=item, comment=comment
            )
        )


def recorder(path: Path) -> tuple[PresenceLog, PresenceRecorder]:
    """Present 8:30-11:00 stored; the tray started again at 14:00 and is still present."""
    clock = [at(14)]
    store = PresenceLog(path, days=10**4, now=lambda: clock[0])
    store.add_period(PresencePeriod(at(8, 30), at(11), Presence.PRESENT))
    rec = PresenceRecorder(store, now=lambda: clock[0])
    rec.start()  # writes 11:00-14:00 as away (not running), opens present from 14:00
    return store, rec


async def test_the_day_comes_from_the_server_and_the_recorder(
    client: TrackingClient, tmp_path: Path
) -> None:
    await seed(client)
    store, rec = recorder(tmp_path / "presence.sqlite")
    source = TodaySource(
        with_client(client), presence=recorder_presence(rec), tz=UTC, now=lambda: NOW
    )
    try:
        data, failure = await source.gather(DAY)
    finally:
        store.close()
    assert failure is None
    day = data.day
    assert day.synced
    assert [(log.work_item_id, log.comment) for log in day.logs] == [
        (WORK_ITEM, None),
        (None, "Planning"),
    ]
    assert data.titles == {WORK_ITEM: "Add card vault API client"}  # the day's items only
    assert [d.total for d in data.week.days][:4] == [0, 9000, 0, 3600]
    # present 8:30-11:00 and (ongoing) 14:00-15:00; tracked 9:00-10:30 and 12:00-13:00
    assert [(s.start, s.end) for s in day.slipped] == [
        (at(8, 30), at(9)),
        (at(10, 30), at(11)),
        (at(14), at(15)),
    ]
    assert day.presence[-1].ongoing


async def test_unreachable_server_gives_local_knowledge_not_synced(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    journal = Journal(tmp_path / "journal.sqlite")
    journal.append(cmd.start(at(10), TrackTarget(work_item_id=1349)))
    journal.append(cmd.stop(at(10, 45)))
    store = PresenceLog(tmp_path / "presence.sqlite", days=10**4, now=lambda: NOW)
    store.add_period(PresencePeriod(at(9), at(11), Presence.PRESENT))
    store.close()
    client = TrackingClient(f"http://127.0.0.1:{port}", token="t", timeout=2.0)
    source = TodaySource(
        with_client(client),
        presence=presence_file(10**4, tmp_path / "presence.sqlite"),
        pending=journal.pending,
        tz=UTC,
        now=lambda: NOW,
    )
    try:
        data, failure = await source.gather(DAY)
        loaded = await source(DAY)  # the window's loader: no exception, the failure kept
    finally:
        await client.aclose()
        journal.close()
    assert isinstance(failure, ConnectionFailed)
    assert isinstance(source.last_failure, ConnectionFailed)
    assert loaded.day == data.day
    day = data.day
    assert not day.synced and data.titles == {}
    assert [(log.work_item_id, log.synced) for log in day.logs] == [(1349, False)]
    assert (day.logs[0].start, day.logs[0].end) == (at(10), at(10, 45))
    assert [(s.start, s.end) for s in day.slipped] == [(at(9), at(10)), (at(10, 45), at(11))]
    assert not data.week.days[1].synced


async def test_no_presence_log_file_is_not_created_by_looking(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "presence.sqlite"
    source = TodaySource(None, presence=presence_file(14, missing), tz=UTC, now=lambda: NOW)
    data, failure = await source.gather(DAY)
    assert failure is None and not missing.exists()
    assert data.day.logs == () and data.day.presence == () and not data.day.synced
    assert timedelta(seconds=data.day.length_s) == timedelta(days=1)
