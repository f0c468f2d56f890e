"""A stalled command does not hold up the tracker's other work: while one request is
drip-fed (holding the I/O lock for up to its whole deadline), the user's answer to an
activity check goes around it, with its own budget, and reaches the real server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import urlsplit

from app.api.client import TrackingClient
from app.api.models import TrackingStateKind
from app.api.retry import RetryPolicy
from app.tracking.events import ActivityCheckPrompt, TrackerEvent
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from tests.support.hostile import HostileServer
from tests.support.wait import wait_until
from tests.tracking.conftest import TOKEN, WORK_ITEM, LiveServer, ScriptedActivity

DEADLINE = 20.0  # long: the answer must not wait for the stalled request to give up


async def test_a_check_answer_is_not_queued_behind_a_stalled_command(
    server: LiveServer, tmp_path: Path
) -> None:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    upstream = (parts.hostname, parts.port)
    async with HostileServer("proxy", upstream=upstream, stall=b"/selected?") as proxy:
        client = TrackingClient(
            proxy.url, token=TOKEN, now=server.now, retry=RetryPolicy.none(), deadline=DEADLINE
        )
        source = ScriptedActivity(server.monotonic)
        source.away()
        journal = Journal(tmp_path / "journal.sqlite3", now=server.now)
        tracker = Tracker(
            client,
            activity=source,
            detector=None,
            journal=journal,
            now=server.now,
            monotonic=server.monotonic,
            sleep=server.sleep,
        )
        events: list[TrackerEvent] = []
        tracker.subscribe(events.append)
        runner = asyncio.create_task(tracker.run())
        stalled: asyncio.Task[bool] | None = None
        try:
            assert await tracker.start(TrackTarget(WORK_ITEM, "stalled"))
            await wait_until(
                lambda: any(isinstance(e, ActivityCheckPrompt) for e in events),
                timeout=15,
                what="an activity check prompt",
            )
            await proxy.turn("proxy")  # fresh connections: the select gets one of its own
            stalled = asyncio.create_task(tracker.select(TrackTarget(WORK_ITEM, "never arrives")))
            await wait_until(lambda: any(b"/selected?" in r for r in proxy.requests))
            started = time.monotonic()
            assert await tracker.answer_check("continue")
            assert time.monotonic() - started < DEADLINE / 4
            assert not stalled.done()  # still drip-fed, still holding the lock
            state = await server.client().current()
            assert state.track.tracking_state is TrackingStateKind.TRACKING
        finally:
            for task in (stalled, runner):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            await client.aclose()
            journal.close()
