"""`pacetray status --watch`: every tracking state as it arrives, one line each (one JSON
object per line with `--json`), until Ctrl-C, which ends it quietly with exit code 0.

States arrive over the server's SignalR hub (app.api.hub). The first line is `current` read over
REST; every (re)connect and every hub message not understood read it again (a burst is one read).
Without the hub (the server has none, or the connection is lost) `current` is polled every
`--interval`, with a one-line notice on stderr. States are ordered by `timestamp`: an older or
repeated one is not printed again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.api.client import TrackingClient, warning_of
from app.api.errors import ApiError, ConnectionFailed, RequestTimeout, UnauthorizedError
from app.api.models import TrackingState
from app.commands import output
from app.commands.connection import (
    CLI_RETRY,
    Credentials,
    rejected_hint,
    resolve_connection,
    unreachable,
)
from app.commands.errors import UserError
from app.tracking.state import StateHolder

DEFAULT_INTERVAL = 60.0  # seconds between polls without the hub (50 requests/hour plans)
COALESCE = 0.25  # seconds: hub messages not understood this close together are one read


def state_line(state: TrackingState, names: dict[str, str]) -> str:
    """`14:03:05 Tracking #1349 Fix login — 0:12:05 (Development); activity check, 55 s left`."""
    lines = output.describe_state(state, names)
    track = state.track
    text = lines[0]
    if track.check_running:
        left = track.activity_check.seconds_left if track.activity_check else None
        text += "; activity check running" + (f", {left} s left" if left is not None else "")
    elif not track.is_tracking and len(lines) > 1 and lines[1].startswith("The last track"):
        text += f"; {lines[1][0].lower()}{lines[1][1:].rstrip('.')}"
    return f"{datetime.now().strftime('%H:%M:%S')} {text}"


class Watcher:
    """Prints states; the hub's listener; polls while the hub is not connected."""

    def __init__(
        self,
        client: TrackingClient,
        *,
        as_json: bool,
        interval: float,
        write: Callable[[str], None],
        notice: Callable[[str], None],
    ) -> None:
        self.client = client
        self.as_json = as_json
        self.interval = interval
        self.write = write
        self.notice = notice
        self.holder = StateHolder()
        self.names: dict[str, str] = {}
        self.connected = False
        self.unavailable = False
        self._lost_said = False
        self._read_due: asyncio.TimerHandle | None = None
        self._reads: set[asyncio.Task[Any]] = set()
        self._connected_changed = asyncio.Event()
        self._read_failing = False
        self.failed: BaseException | None = None  # a read that must end the watch (401)
        self.closing = False  # Ctrl-C: the hub going down is ours, not news

    def show(self, state: TrackingState) -> None:
        before = self.holder.state
        transition = self.holder.offer(state)
        if transition is None or (before is not None and not transition.changed):
            return  # older, or the same server state read again
        if self.as_json:
            self.write(json.dumps(output.model_data(state), ensure_ascii=False))
        else:
            self.write(state_line(state, self.names))
        warning = warning_of(state)
        if warning:
            self.notice(f"pacetray: warning: {warning}")

    async def first(self) -> None:
        state = await self.client.current(expand=True)
        self.names = output.activity_names(output.state_activity_types(state))
        self.show(state)

    async def read(self) -> None:
        try:
            state = await self.client.current()
        except UnauthorizedError:
            raise
        except ApiError as exc:
            if not self._read_failing:
                self.notice(f"pacetray: cannot read the state now ({exc.message}); still trying")
            self._read_failing = True
            return
        if self._read_failing:
            self.notice("pacetray: the server answers again")
        self._read_failing = False
        self.show(state)

    def _read_soon(self) -> None:
        task = asyncio.ensure_future(self.read())
        self._reads.add(task)
        task.add_done_callback(self._read_done)

    def _read_done(self, task: asyncio.Task[Any]) -> None:
        self._reads.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.failed = task.exception()
            self._connected_changed.set()  # the poll loop raises it

    async def poll(self) -> None:
        """Reads `current` every `interval` while the hub is not connected."""
        while True:
            if self.failed is not None:
                raise self.failed
            self._connected_changed.clear()
            if self.connected:
                await self._connected_changed.wait()
                continue
            try:
                await asyncio.wait_for(self._connected_changed.wait(), self.interval)
            except TimeoutError:
                await self.read()

    # --- HubListener -------------------------------------------------------------------------

    def hub_state(self, state: TrackingState) -> None:
        self.show(state)

    def hub_message(self, name: str, args: list[Any]) -> None:
        if self._read_due is None:
            self._read_due = asyncio.get_running_loop().call_later(COALESCE, self._coalesced)

    def _coalesced(self) -> None:
        self._read_due = None
        self._read_soon()

    def hub_connected(self, connected: bool, protocol: str | None) -> None:
        was = self.connected
        self.connected = connected
        self._connected_changed.set()
        if connected:
            if self._lost_said:
                self.notice("pacetray: live updates are back")
            self._lost_said = False
            self._read_soon()  # what changed while nobody listened
        elif was and not self._lost_said and not self.closing:
            self._lost_said = True
            self.notice(
                f"pacetray: live updates lost; checking every {self.interval:g} s until they are "
                "back"
            )
            self._read_soon()

    def hub_unavailable(self, reason: str) -> None:
        self.connected = False
        self._connected_changed.set()
        if not self.unavailable:
            self.unavailable = True
            self.notice(
                f"pacetray: live updates are not available on this server ({reason}); "
                f"checking every {self.interval:g} s instead"
            )


async def watch(connection: Credentials, args: argparse.Namespace) -> None:
    from app.api.hub import HubClient

    # The hub client's own log lines are for --verbose; the user gets our notices instead.
    logging.getLogger("app.api.hub").addHandler(logging.NullHandler())
    client = connection.client(retry=CLI_RETRY)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)

    def write(line: str) -> None:
        print(line, flush=True)

    def notice(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    watcher = Watcher(client, as_json=args.json, interval=args.interval, write=write, notice=notice)
    hub = HubClient(client)
    tasks: list[asyncio.Task[Any]] = []
    try:
        try:
            await watcher.first()
        except (ConnectionFailed, RequestTimeout) as exc:
            raise unreachable(connection.base_url, exc.message) from None
        tasks = [
            asyncio.ensure_future(hub.run(watcher)),
            asyncio.ensure_future(watcher.poll()),
        ]
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        for task in done:
            if task is not stopped and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    except UnauthorizedError:
        raise UserError(
            f"the server rejected the token — {rejected_hint(connection)}", exit_code=1
        ) from None
    finally:
        watcher.closing = True
        for task in (*tasks, *watcher._reads):
            task.cancel()
        await asyncio.gather(*tasks, *watcher._reads, return_exceptions=True)
        with contextlib.suppress(Exception):
            await hub.aclose()
        await client.aclose()


def watch_command(args: argparse.Namespace) -> int:
    connection = resolve_connection(args)
    # Ctrl-C before the loop's handler is installed (or on Windows) is a quiet end too.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(watch(connection, args))
    return 0
