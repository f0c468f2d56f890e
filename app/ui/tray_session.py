"""One running tray session, built on the qasync loop once the client stack is imported
(tray_app.py shows the icon first): client, journal, activity source and monitor, tracker, bridge,
Controller; the embedded local server in local mode. Torn down in reverse on Quit or signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.settings.credentials import LOCAL, Credentials
from app.settings.paths import journal_path
from app.ui.launch import LaunchTray
from app.ui.options import AppOptions, local_journal_path
from app.ui.single_instance import SingleInstance

if TYPE_CHECKING:
    from app.local_server import EmbeddedServer

log = logging.getLogger("app.ui")


# --- the session -------------------------------------------------------------------------------


class TraySession:
    """Everything one running tray holds, built and torn down on the qasync loop."""

    def __init__(
        self,
        options: AppOptions,
        instance: SingleInstance,
        launch: LaunchTray | None = None,
        on_ready: Callable[[], None] | None = None,
        notify_crashes: Callable[[Callable[[str], None] | None], None] | None = None,
    ) -> None:
        self.options = options
        self.instance = instance
        self.on_ready = on_ready  # called once the tray is up (the GC trap settles again)
        # Who is told about a bug: tray_app.set_crash_notifier (passed in: tray_app.py imports this
        # module, so it is not imported from here).
        self._notify_crashes = notify_crashes or (lambda notify: None)
        self.launch = launch  # the icon shown at launch, handed to the Controller
        self.quit = asyncio.Event()
        self.controller: Any = None
        self.server_url: str | None = None
        self._server: EmbeddedServer | None = None
        self._closers: list[Callable[[], Any]] = []
        self._presence: Any = None  # the presence log's recorder (Today at a glance)

    async def _start_local_server(self) -> tuple[str, str]:
        from app.local_server import EmbeddedServer

        self._server = EmbeddedServer()
        info = await self._server.start()
        return info.url, info.token

    async def _activity(self) -> tuple[Any, Any]:
        from app.activity.probe import probe

        try:
            result = await asyncio.to_thread(probe)
        except Exception:
            log.exception("probing activity sources failed")
            return None, None
        for line in result.describe():
            log.info("activity: %s", line)
        return result.chosen, result

    async def run(self) -> int:
        from app.api.client import TrackingClient
        from app.tracking.journal import Journal
        from app.tracking.options import TrackingSettings
        from app.tracking.tracker import Tracker
        from app.ui.bridge import TrackerBridge
        from app.ui.controller import Controller

        options = self.options
        tasks: list[asyncio.Task[Any]] = []
        client: TrackingClient | None = None
        journal: Journal | None = None
        bridge: TrackerBridge | None = None
        source: Any = None
        problem = options.connection_problem
        try:
            if options.local:
                url, token = await self._start_local_server()
                self.server_url = url
                deadline = float(options.settings.request_deadline_seconds)
                client = Credentials(url, token=token, source=LOCAL, deadline=deadline).client()
                journal = Journal(local_journal_path())
            else:
                assert options.base_url is not None
                self.server_url = options.base_url
                connection = options.connection
                if connection is None and options.resolve is not None:
                    connection, problem = await asyncio.to_thread(options.resolve)
                if connection is None:  # not signed in: the tray says so, Settings fixes it
                    deadline = float(options.settings.request_deadline_seconds)
                    connection = Credentials(options.base_url, deadline=deadline)
                client = connection.client()
                journal = Journal(journal_path())
            source, _probe = await self._activity()
            settings = TrackingSettings.from_settings(options.settings)
            detector = None
            if source is not None:
                from app.activity.detector import IdleDetector

                detector = IdleDetector(float(options.settings.idle_threshold_seconds))
            tracker = Tracker(
                client, activity=source, detector=detector, journal=journal, settings=settings
            )
            self._presence = self._open_presence(detector is not None)
            if self._presence is not None:
                tracker.subscribe(self._presence.on_tracker_event)
            bridge = TrackerBridge(tracker, client)
            controller = Controller(
                bridge,
                settings=options.settings,
                local_mode=options.local,
                tray_wait=options.tray_wait,
                hotkeys=options.hotkeys,
                tray_icon=self.launch.hand_over() if self.launch is not None else None,
            )
            self.controller = controller
            controller.presence_history = self._presence  # Settings: Clear presence history
            controller.journal = journal  # Today: what is not yet sent
            self._notify_crashes(controller._on_error)
            controller.quitRequested.connect(self.quit.set)
            self.instance.popupRequested.connect(controller.open_popup)
            bridge.start_polling()
            if options.settings.live_updates:
                self._start_live(bridge, tracker, client)
            controller.start()
            self.instance.listen()
            if self.launch is not None and self.launch.popup_wanted:
                controller.open_popup()  # clicked while starting
            if problem:
                bridge.error.emit(problem)
            if source is not None and detector is not None:
                tasks.append(self._start_monitor(source, detector, tracker))
            if self.on_ready is not None:
                self.on_ready()
            mode = "local mode" if options.local else f"server {options.base_url}"
            log.info("Pacetray ready (%s)", mode)
            await self.quit.wait()
            log.info("quitting")
            return 0
        finally:
            await self._shutdown(tasks, bridge, client, journal, source)

    def _open_presence(self, presence: bool) -> Any:
        from app.tracking.presence_log import (
            PresenceLog,
            PresenceLogError,
            PresenceRecorder,
            presence_path,
        )

        try:
            store = PresenceLog(presence_path(), days=self.options.settings.presence_days)
        except PresenceLogError as exc:  # Pacetray works without it: no day view history
            log.warning("presence log: %s", exc.message)
            return None
        recorder = PresenceRecorder(store, presence=presence)
        recorder.start()
        self._closers += [recorder.close, store.close]  # the ongoing period, then the file
        return recorder

    def _start_live(self, bridge: Any, tracker: Any, client: Any) -> None:
        """The SignalR hub over the same client (base URL, sign-in) beside the tracker."""
        try:
            from app.api.hub import HubClient
            from app.tracking.live import LiveUpdates

            bridge.start_live(LiveUpdates(tracker, HubClient(client), client))
        except Exception:  # without live updates the tray still works: it polls
            log.exception("live updates could not be started; polling instead")

    def _start_monitor(self, source: Any, detector: Any, tracker: Any) -> asyncio.Task[Any]:
        from app.activity.monitor import ActivityMonitor

        forward = tracker.on_activity_event
        if self._presence is not None:
            forward = self._presence.tee(forward)
        monitor = ActivityMonitor(source, detector, forward)
        self._start_logind(monitor, tracker)
        return asyncio.ensure_future(monitor.run())

    def _start_logind(self, monitor: Any, tracker: Any) -> None:
        from app.activity.logind import LogindWatcher

        loop = asyncio.get_running_loop()

        def on_event(event: Any) -> None:  # logind's thread
            monitor.session_event(event)
            loop.call_soon_threadsafe(tracker.on_session_event, event)
            if self._presence is not None:
                loop.call_soon_threadsafe(self._presence.on_session_event, event)

        watcher = LogindWatcher(on_event)
        if watcher.start():
            self._closers.append(watcher.stop)
        else:
            log.info("lock/sleep events: %s", watcher.reason)

    async def _shutdown(
        self, tasks: list[asyncio.Task[Any]], bridge: Any, client: Any, journal: Any, source: Any
    ) -> None:
        self._notify_crashes(None)
        if self.controller is not None:
            await self.controller.close()
        if bridge is not None:
            await bridge.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for close in (*self._closers, getattr(source, "close", None)):
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()
        if journal is not None:
            journal.close()
        if self._server is not None:
            await self._server.stop()
        self.instance.close()
        log.info("Pacetray stopped cleanly")
