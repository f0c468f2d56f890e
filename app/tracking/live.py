"""Live updates: the SignalR hub feeding a `Tracker` (pure asyncio, no Qt).

`LiveUpdates` is the hub's listener and runs the hub beside the tracker:

- pushed states go to `Tracker.push` (the `StateHolder` orders them with REST states by
  `timestamp`, older ones are dropped);
- a server message the hub client does not understand (an event name the real service may use)
  asks for one REST read of `current`; a burst of them within `coalesce` seconds is one read;
- on every (re)connect the tracker stops polling and reads `current` once over REST (what
  changed while we were not listening); on losing the hub, or on a server without one, it
  polls again as before (the HubClient itself retries a missing hub at most once an hour);
- activity checks are answered over the hub while it is connected, over REST when the hub
  says it is not connected (`HubNotConnected`) or is down.

`status` (and `subscribe`) tell the UI whether live updates are connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.api.client import TrackingClient
from app.api.hub import HubClient, HubNotConnected
from app.api.models import SnoozeOption, TrackingState
from app.texts import QT_TRANSLATE_NOOP, Marked, marked
from app.tracking.schedule import SLOW_IDLE, SLOW_TRACKING
from app.tracking.tracker import Tracker

log = logging.getLogger(__name__)

COALESCE = 0.25  # seconds: unknown hub messages this close together cost one REST read
PROTOCOL_NAMES = {"core": "ASP.NET Core SignalR", "classic": "classic ASP.NET SignalR"}


def polling_every(tracking: bool) -> float:
    """The longest gap between two polls without live updates (app.tracking.schedule)."""
    return SLOW_TRACKING if tracking else SLOW_IDLE


def _every(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


@dataclass(frozen=True)
class LiveStatus:
    """Whether live updates reach us; `unavailable` is the reason the server has no hub."""

    connected: bool = False
    protocol: str | None = None
    unavailable: str | None = None

    @property
    def protocol_name(self) -> str:
        return PROTOCOL_NAMES.get(self.protocol or "", self.protocol or "SignalR")

    def describe(self, tracking: bool = False) -> str:
        """One line for the user (settings, tooltip, CLI)."""
        if self.connected:
            return f"connected ({self.protocol_name})"
        if self.unavailable is not None:
            return "not available on this server — polling"
        return f"not connected — checking every {_every(polling_every(tracking))}"


def live_line(status: LiveStatus | None, tracking: bool = False) -> Marked:
    """`Live updates: ...` for the user, one whole marked sentence per case (the UI shows it
    translated); None: turned off in the settings."""
    every = _every(polling_every(tracking))
    if status is None:
        return marked(
            QT_TRANSLATE_NOOP(
                "messages", "Live updates: turned off in the settings — checking every {every}"
            ),
            every=every,
        )
    if status.connected:
        return marked(
            QT_TRANSLATE_NOOP("messages", "Live updates: connected ({protocol})"),
            protocol=status.protocol_name,
        )
    if status.unavailable is not None:
        return marked(
            QT_TRANSLATE_NOOP("messages", "Live updates: not available on this server — polling")
        )
    return marked(
        QT_TRANSLATE_NOOP("messages", "Live updates: not connected — checking every {every}"),
        every=every,
    )


def describe_live(status: LiveStatus | None, tracking: bool = False) -> str:
    """`Live updates: ...` in English (the CLI, the log)."""
    return live_line(status, tracking).message


class LiveUpdates:
    """The HubListener that feeds `tracker`, and the task that runs `hub`."""

    def __init__(
        self,
        tracker: Tracker,
        hub: HubClient,
        client: TrackingClient,
        *,
        coalesce: float = COALESCE,
    ) -> None:
        self._tracker = tracker
        self._hub = hub
        self._client = client
        self._coalesce = coalesce
        self._status = LiveStatus()
        self._subscribers: list[Callable[[LiveStatus], None]] = []
        self._reread: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        # counters for tests and the benchmark
        self.pushes = 0
        self.unknown = 0
        self.rereads = 0
        self.hub_answers = 0
        self.rest_answers = 0

    # --- observing ---------------------------------------------------------------------------

    @property
    def status(self) -> LiveStatus:
        return self._status

    @property
    def hub(self) -> HubClient:
        return self._hub

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The running `start()` task, if any."""
        return self._task

    def subscribe(self, callback: Callable[[LiveStatus], None]) -> Callable[[], None]:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _set_status(self, status: LiveStatus) -> None:
        if status == self._status:
            return
        self._status = status
        for callback in list(self._subscribers):
            try:
                callback(status)
            except Exception:  # a subscriber's bug must not stop live updates
                log.exception("live-updates subscriber failed")

    # --- running -----------------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Runs the hub as a task on the current loop (until `aclose`)."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self.run())
        return self._task

    async def run(self) -> None:
        """Connects, reconnects (the HubClient's backoff) and feeds the tracker until
        cancelled. A failure of the hub client leaves the tracker polling, never crashing."""
        self._tracker.answer_checks_with(self)
        try:
            await self._hub.run(self)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live updates stopped; the state is polled instead")
        finally:
            self._tracker.answer_checks_with(None)
            if self._reread is not None:
                self._reread.cancel()
                self._reread = None
            if self._tracker.push_connected:
                self._tracker.set_push_connected(False)
            self._set_status(LiveStatus(unavailable=self._status.unavailable))

    async def aclose(self) -> None:
        """Stops the hub task and closes the hub connection (quitting)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self._hub.aclose()

    # --- HubListener -------------------------------------------------------------------------

    def hub_state(self, state: TrackingState) -> None:
        self.pushes += 1
        self._tracker.push(state)

    def hub_message(self, name: str, args: list[Any]) -> None:
        self.unknown += 1
        log.info("hub message %r not understood: reading the state instead", name)
        if self._reread is None:
            loop = asyncio.get_running_loop()
            self._reread = loop.call_later(self._coalesce, self._reread_now)

    def _reread_now(self) -> None:
        self._reread = None
        self.rereads += 1
        self._tracker.refresh_soon()

    def hub_connected(self, connected: bool, protocol: str | None) -> None:
        if connected:
            log.info("live updates connected (%s)", PROTOCOL_NAMES.get(protocol or "", protocol))
            self._tracker.set_push_connected(True)
            self._tracker.refresh_soon()  # what changed while nobody listened
            self._set_status(LiveStatus(connected=True, protocol=protocol))
        else:
            if self._status.connected:
                log.info("live updates lost: polling until they are back")
            self._tracker.set_push_connected(False)  # reads the state now, then polls
            self._set_status(LiveStatus(unavailable=self._status.unavailable))

    def hub_unavailable(self, reason: str) -> None:
        if self._status.unavailable is None:
            log.info("live updates are not available on this server (%s): polling", reason)
        if self._tracker.push_connected:
            self._tracker.set_push_connected(False)
        self._set_status(LiveStatus(unavailable=reason))

    # --- CheckAnswerer -----------------------------------------------------------------------

    async def activity_check(self) -> TrackingState:
        if self._hub.connected:
            try:
                state = await self._hub.activity_check()
            except HubNotConnected as exc:
                log.info("answering the check over the hub failed (%s): using REST", exc)
            else:
                self.hub_answers += 1
                return state
        self.rest_answers += 1
        return await self._client.activity_check()

    async def idle_check(self, option: SnoozeOption) -> TrackingState:
        if self._hub.connected:
            try:
                state = await self._hub.idle_check(option)
            except HubNotConnected as exc:
                log.info("snoozing over the hub failed (%s): using REST", exc)
            else:
                self.hub_answers += 1
                return state
        self.rest_answers += 1
        return await self._client.idle_check(option)
