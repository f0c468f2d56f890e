"""Live updates in the tray (offscreen) against the real local server and its SignalR hub: the
tray follows a change made elsewhere at once, the Settings status line says whether live
updates are connected, and closing the bridge closes the hub connection."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.api.hub import HubClient
from app.api.models import TrackingStateKind
from app.server.app import hub_of
from app.server.clock import ScaledClock
from app.tracking.live import LiveStatus, LiveUpdates
from app.tracking.tracker import Tracker
from app.ui.bridge import TrackerBridge
from app.ui.controller import Controller
from tests.support.servers import loopback_config, start_gated
from tests.support.wait import wait_until
from tests.ui.conftest import TOKEN, WORK_ITEM, LiveServer, wait_signal


def with_live(bridge: TrackerBridge, tracker: Tracker, client: TrackingClient, sleep: Any) -> None:
    bridge.start_live(LiveUpdates(tracker, HubClient(client, sleep=sleep), client))


@pytest.fixture
async def controller(bridge: TrackerBridge) -> AsyncIterator[Controller]:
    c = Controller(bridge, local_mode=True, tray_wait=0.2, hotkeys=False)
    c.start()
    yield c
    await c.close()
    c.deleteLater()


def connected(status: LiveStatus) -> bool:
    return status.connected


async def test_the_tray_follows_a_change_made_elsewhere_and_settings_say_connected(
    server: LiveServer, controller: Controller, bridge: TrackerBridge, tracker: Tracker
) -> None:
    controller.menu.settings.trigger()
    dialog = await wait_until(lambda: controller.settings_dialog, what="the settings dialog")
    assert dialog.live_label.text().startswith("Live updates: turned off")
    await wait_signal(
        bridge.liveChanged,
        check=connected,
        trigger=lambda: with_live(bridge, tracker, bridge.client, server.sleep),
    )
    assert dialog.live_label.text() == "Live updates: connected (ASP.NET Core SignalR)"
    # The connect asks for one re-read of `current`; after it, no polling while connected.
    await wait_until(lambda: tracker.next_delay() == float("inf"), what="polling to stop")

    async with server.client() as other:
        started = time.monotonic()
        await other.start_tracking(work_item_id=WORK_ITEM, remark="from the browser")
        await wait_until(
            lambda: (
                controller.tray.state is not None
                and controller.tray.state.track.tracking_state is TrackingStateKind.TRACKING
            ),
            timeout=2,
            what="the tray to show the track",
        )
    assert time.monotonic() - started < 2
    assert "from the browser" in controller.tray.tooltip()
    dialog.reject()


async def test_closing_the_bridge_closes_the_hub_connection(
    server: LiveServer, bridge: TrackerBridge, tracker: Tracker
) -> None:
    registry = hub_of(server.thread.app).registry
    await wait_signal(
        bridge.liveChanged,
        check=connected,
        trigger=lambda: with_live(bridge, tracker, bridge.client, server.sleep),
    )
    assert registry.count() == 1
    live = bridge.live
    assert live is not None
    await bridge.close()
    await wait_until(lambda: registry.count() == 0, what="the server to see the hub closed")
    assert not live.hub.connected
    assert not tracker.push_connected


@pytest.fixture
def hubless(tmp_path: Path) -> Iterator[LiveServer]:
    config = loopback_config(tmp_path / "hubless", TOKEN, clock_speed=30.0)
    clock = ScaledClock(30.0)
    thread, _ = start_gated(config, clock, hub_status=404)
    yield LiveServer(thread, clock, config)
    thread.stop()


async def test_settings_say_not_available_on_a_server_without_a_hub(
    hubless: LiveServer, tmp_path: Path, make_bridge: Callable[..., Any]
) -> None:
    bridge, tracker = await make_bridge(hubless)
    controller = Controller(bridge, local_mode=False, tray_wait=0.2, hotkeys=False)
    controller.start()
    try:
        never = asyncio.Event()

        async def sleep(seconds: float) -> None:
            await never.wait()

        await wait_signal(
            bridge.liveChanged,
            check=lambda s: s.unavailable is not None,
            trigger=lambda: with_live(bridge, tracker, bridge.client, sleep),
        )
        controller.menu.settings.trigger()
        dialog = await wait_until(lambda: controller.settings_dialog, what="the settings dialog")
        assert dialog.live_label.text() == "Live updates: not available on this server — polling"
        assert tracker.next_delay() < float("inf")
        dialog.reject()
    finally:
        await controller.close()
        controller.deleteLater()


@pytest.fixture
async def make_bridge(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """`await make_bridge(server)`: a polling TrackerBridge over a Tracker of `server`."""
    from app.tracking.journal import Journal
    from tests.ui.conftest import NO_429_RETRY

    made: list[tuple[TrackerBridge, TrackingClient, Journal]] = []

    async def make(live: LiveServer) -> tuple[TrackerBridge, Tracker]:
        client = live.client(retry=NO_429_RETRY)
        journal = Journal(tmp_path / f"journal{len(made)}.sqlite3", now=live.now)
        tracker = Tracker(
            client,
            activity=None,
            detector=None,
            journal=journal,
            now=live.now,
            monotonic=live.monotonic,
            sleep=live.sleep,
        )
        bridge = TrackerBridge(tracker, client)
        bridge.start_polling()
        made.append((bridge, client, journal))
        await wait_until(lambda: tracker.state is not None, what="the first state")
        return bridge, tracker

    yield make
    for bridge, client, journal in made:
        await bridge.close()
        bridge.deleteLater()
        await client.aclose()
        journal.close()


async def test_live_updates_turned_off_and_on_in_settings_take_effect_at_once(
    server: LiveServer,
    controller: Controller,
    bridge: TrackerBridge,
    tracker: Tracker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    # Save writes settings.toml (and the autostart entry): into tmp, never the user's.
    monkeypatch.setenv("PACETRAY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))

    registry = hub_of(server.thread.app).registry
    await wait_signal(
        bridge.liveChanged,
        check=lambda s: s is not None and s.connected,
        trigger=lambda: with_live(bridge, tracker, bridge.client, server.sleep),
    )
    controller.menu.settings.trigger()
    dialog = await wait_until(lambda: controller.settings_dialog, what="the settings dialog")
    assert dialog.live_updates.isChecked()
    dialog.live_updates.setChecked(False)
    await wait_signal(bridge.liveChanged, check=lambda s: s is None, trigger=dialog.save)
    assert "live_updates = false" in (tmp_path / "config" / "settings.toml").read_text()
    await wait_until(lambda: registry.count() == 0, what="the hub connection closed")
    assert bridge.live is None and not tracker.push_connected
    assert tracker.next_delay() < float("inf")  # polling again
    assert controller.live_text().startswith("Live updates: turned off in the settings")

    await wait_signal(
        bridge.liveChanged,
        check=lambda s: s is not None and s.connected,
        trigger=lambda: controller.apply_settings(replace(controller.settings, live_updates=True)),
    )
    assert registry.count() == 1 and tracker.push_connected
