"""The tray app end to end in local mode: ONE `python -m app tray --local` process on the test
desktop (Xvfb + trayer) for the whole module, driven only through X (xdotool) and checked on
its embedded server over HTTP. What test_tray_app.py does not cover:

- local mode: the icon docks, the embedded server runs with its data in the user's data dir
  (URL from the app's log, token from that dir), and the popup's start reaches it;
- the popup opens next to the icon, fully on the screen;
- the app's own right-click menu: it opens, Esc closes it, its Start/Stop entry works from the
  keyboard;
- the global hotkeys (the defaults of app.settings.model.Hotkeys) in the app's process.

The tests run in file order on the same app; each one first brings the app into the state it
needs, so any of them also runs alone. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from Xlib import Xatom
from Xlib.error import BadWindow, XError

from app.api.client import TrackingClient
from app.api.models import TrackingState
from app.server.auth import TOKEN_FILE
from app.settings.model import Hotkeys
from tests.e2e.conftest import AppProcess, app_env
from tests.e2e.desktop import ARTIFACTS, ROOT, TRAY_HEIGHT, Desktop, Rect
from tests.e2e.test_tray_app import (
    POPUP_NAME,
    WORK_ITEM,
    open_popup,
    stable_grab,
    start_through_popup,
    tracking,
)
from tests.support.wait import wait_for

LISTENING = r"local server listening on (http://127\.0\.0\.1:\d+) \(data in (.+)\)"
READY = r"Pacetray ready \(local mode\)"
HOTKEYS_OFF = r"global hotkeys: (.+)"
NEAR = 24  # px: the popup's gap to the icon (popup.py's MARGIN is 8)


@dataclass
class EmbeddedServer:
    """The app's own server, reached as any client would: its URL and its token file."""

    url: str
    token: str
    data_dir: Path

    def current(self) -> TrackingState:
        async def fetch() -> TrackingState:
            async with TrackingClient(self.url, token=self.token) as client:
                return await client.current()

        return asyncio.run(fetch())


@dataclass
class LocalApp:
    app: AppProcess
    server: EmbeddedServer
    log: Path  # the app's log file (PACETRAY_LOG_DIR)
    home: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_log(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        def found() -> re.Match[str] | None:
            self.app.assert_running()
            return re.search(pattern, self.log_text())

        match = wait_for(found, timeout=timeout, interval=0.05, what=f"{pattern!r} in the log")
        assert match is not None
        return match


@pytest.fixture(scope="module")
def local_app(
    desktop: Desktop, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[LocalApp]:
    """`python -m app tray --local` with every per-user directory in a fresh home."""
    assert desktop.alive, "the test desktop (Xvfb or trayer) died"
    # An app of an earlier test leaves the tray with its process, maybe a moment later.
    wait_for(lambda: not desktop.icons(), timeout=10, what="an empty tray")
    home = tmp_path_factory.mktemp("local-home")
    env = app_env(desktop, home)
    env["PACETRAY_LOG_DIR"] = str(home / "log")
    env["PYTHONUNBUFFERED"] = "1"
    output = home / "app-output.txt"  # stdout/stderr: what never reaches the log file
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "tray", "--local"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    app = AppProcess(proc, output, {"home": home})
    failed_before = request.session.testsfailed
    try:
        local = LocalApp(app, EmbeddedServer("", "", Path()), home / "log" / "pacetray.log", home)
        listening = local.wait_log(LISTENING)
        data_dir = Path(listening.group(2))
        token_file = data_dir / TOKEN_FILE
        token = wait_for(
            lambda: token_file.read_text().strip() if token_file.exists() else "",
            timeout=10,
            what="the embedded server's token file",
        )
        local.server = EmbeddedServer(listening.group(1), token, data_dir)
        local.wait_log(READY)
        yield local
    finally:
        code = app.stop()
        if request.session.testsfailed > failed_before:
            ARTIFACTS.mkdir(exist_ok=True)
            for path in (output, home / "log" / "pacetray.log"):
                if path.exists():
                    shutil.copy(path, ARTIFACTS / f"tray-extras-{path.name}")
        assert code == 0, f"the tray app exited with {code}"
        wait_for(lambda: not desktop.icons(), timeout=10, what="the icon to leave the tray")


@pytest.fixture
def desk(desktop: Desktop, local_app: LocalApp) -> Desktop:
    assert desktop.alive, "the test desktop (Xvfb or trayer) died"
    local_app.app.assert_running()
    desktop.xdotool("mousemove", "200", "700")  # the pointer away from the tray and windows
    return desktop


def ensure_tracking(desk: Desktop, local: LocalApp) -> TrackingState:
    """The embedded server tracks WORK_ITEM (started through the popup when it does not)."""
    state = local.server.current()
    if tracking(state) and state.track.tfs_id == WORK_ITEM:
        return state
    return start_through_popup(desk, local.app, local.server)  # type: ignore[arg-type]


def menu_windows(desk: Desktop, pid: int) -> list[str]:
    """The process's visible windows of type popup menu (a QMenu; the popup is not one)."""
    wm_type = desk.x.intern_atom("_NET_WM_WINDOW_TYPE")
    popup_menu = desk.x.intern_atom("_NET_WM_WINDOW_TYPE_POPUP_MENU")
    found = []
    for window_id in desk.window_ids(pid=pid):
        window = desk.x.create_resource_object("window", int(window_id))
        try:
            prop = window.get_full_property(wm_type, Xatom.ATOM)
        except (BadWindow, XError):
            continue  # closed while we looked
        if prop is not None and popup_menu in prop.value:
            found.append(window_id)
    return found


def open_menu(desk: Desktop, local: LocalApp) -> Rect:
    """Right-click the icon until the app's menu shows; its rectangle. (A click that comes
    within a moment of Esc closing the menu is lost under Xvfb + trayer: click again.)"""
    icon = desk.wait_icon()

    def shown() -> list[str]:
        desk.click(icon.center(), 3)
        return wait_quietly(lambda: menu_windows(desk, local.app.pid), 1.5)

    found = wait_for(shown, timeout=6, interval=0, what="the menu")
    return desk.window_rect(found[0])


def gap(a: Rect, b: Rect) -> tuple[int, int]:
    """Horizontal and vertical distance between two rectangles (0 where they overlap)."""
    dx = max(0, b.x - (a.x + a.width), a.x - (b.x + b.width))
    dy = max(0, b.y - (a.y + a.height), a.y - (b.y + b.height))
    return dx, dy


def test_local_mode_docks_and_runs_the_embedded_server_in_the_user_data_dir(
    desk: Desktop, local_app: LocalApp
) -> None:
    icon = desk.wait_icon()
    assert icon.y + icon.height <= TRAY_HEIGHT, "the icon sits in trayer's panel at the top"
    server = local_app.server
    assert server.data_dir == local_app.home / "data" / "pacetray" / "server"
    assert (server.data_dir / TOKEN_FILE).is_file()
    state = server.current()  # answers, with the token from that directory
    assert not tracking(state), "a fresh data dir: nothing runs yet"
    local_app.wait_log(r"Live updates: connected \(ASP\.NET Core SignalR\)")
    desk.save("local-tray.png")


def test_the_popup_opens_next_to_the_icon_fully_on_the_screen(
    desk: Desktop, local_app: LocalApp
) -> None:
    icon = desk.wait_icon()
    popup = open_popup(desk, local_app.app, icon)
    try:
        assert popup.width > 100 and popup.height > 100
        assert desk.on_screen(popup), f"{popup} is not fully on the screen"
        dx, dy = gap(popup, icon)
        assert dx == 0, f"the popup {popup} is not under the icon {icon}"
        assert 0 < dy <= NEAR, f"the popup {popup} is {dy} px away from the icon {icon}"
        assert popup.y >= icon.y + icon.height, "the panel is at the top: the popup opens below"
        stable_grab(desk, popup)
        desk.save("local-popup-placement.png")
    finally:
        desk.xdotool("key", "Escape")
    wait_for(lambda: not desk.window_ids(name=POPUP_NAME), timeout=5, what="the popup to close")


def test_starting_through_the_popup_reaches_the_embedded_server(
    desk: Desktop, local_app: LocalApp
) -> None:
    assert not desk.window_ids(name=POPUP_NAME)
    state = ensure_tracking(desk, local_app)
    assert state.track.tfs_id == WORK_ITEM and state.track.work_log_id
    # The same track, seen by the app itself: its log shows it starting on the local server.
    assert f"{local_app.server.url}/api/tracking/client/startTracking" in local_app.log_text()


def test_the_right_click_menu_opens_closes_with_esc_and_stops_from_the_keyboard(
    desk: Desktop, local_app: LocalApp
) -> None:
    running = ensure_tracking(desk, local_app)
    icon = desk.wait_icon()

    menu = open_menu(desk, local_app)
    assert not desk.window_ids(name=POPUP_NAME), "the menu, not the popup"
    # Eleven entries at least (local mode, status, start/stop, recent, switch, ..., quit).
    assert menu.width > 150 and menu.height > 150, f"a menu of {menu}"
    assert desk.on_screen(menu)
    dx, dy = gap(menu, icon)
    assert dx <= NEAR and dy <= NEAR, f"the menu {menu} opened away from the icon {icon}"
    stable_grab(desk, menu)
    desk.save("local-tray-menu.png")
    desk.save("local-tray-menu-only.png", menu)

    desk.xdotool("key", "Escape")
    wait_for(lambda: not menu_windows(desk, local_app.app.pid), timeout=5, what="the menu gone")
    after_esc = local_app.server.current()
    assert tracking(after_esc) and after_esc.track.work_log_id == running.track.work_log_id

    # First entry that takes the keyboard: "Local mode — …", then "Stop tracking" (the
    # status line is disabled and skipped).
    open_menu(desk, local_app)
    desk.xdotool("key", "Down", "Down", "Return")
    wait_for(lambda: not menu_windows(desk, local_app.app.pid), timeout=5, what="the menu gone")

    def stopped() -> TrackingState | None:
        local_app.app.assert_running()
        state = local_app.server.current()
        return None if tracking(state) else state

    wait_for(stopped, timeout=10, interval=0.1, what="the menu's Stop tracking to stop")
    assert not desk.window_ids(name=POPUP_NAME), "Stop tracking opened nothing"


def test_global_hotkeys_open_the_popup_and_toggle_tracking(
    desk: Desktop, local_app: LocalApp
) -> None:
    off = re.search(HOTKEYS_OFF, local_app.log_text())
    if off:
        pytest.skip(f"the app has no global hotkeys here: {off.group(1)}")
    defaults = Hotkeys()
    server = local_app.server
    if server.current().track.tfs_id != WORK_ITEM:
        ensure_tracking(desk, local_app)  # a selected work item for the toggle to start

    # The popup: the listener may still be starting at the first press, so press until it
    # shows (opening an open popup again changes nothing).
    def popup_shown() -> list[str]:
        desk.xdotool("key", xdotool_key(defaults.open_popup))
        return wait_quietly(lambda: desk.window_ids(name=POPUP_NAME), 2)

    was_tracking = tracking(server.current())
    found = wait_for(popup_shown, timeout=15, interval=0, what="the popup by its hotkey")
    popup = desk.window_rect(found[0])
    stable_grab(desk, popup)
    desk.save("local-popup-by-hotkey.png")
    desk.xdotool("key", "Escape")
    wait_for(lambda: not desk.window_ids(name=POPUP_NAME), timeout=5, what="the popup to close")
    assert tracking(server.current()) == was_tracking, "opening the popup changed nothing"

    def toggled(to: bool) -> TrackingState:
        desk.xdotool("key", xdotool_key(defaults.toggle_tracking))

        def flipped() -> TrackingState | None:
            local_app.app.assert_running()
            state = server.current()
            return state if tracking(state) == to else None

        state = wait_for(flipped, timeout=10, interval=0.1, what=f"the toggle to give {to}")
        assert state is not None
        return state

    if was_tracking:
        toggled(False)
    on = toggled(True)  # the selected item again, as a new track
    assert on.track.tfs_id == WORK_ITEM
    off_state = toggled(False)
    assert off_state.track.tfs_id == WORK_ITEM
    assert not desk.window_ids(name=POPUP_NAME), "the toggle opened nothing"
    local_app.app.assert_running()


def xdotool_key(combo: str) -> str:
    """pynput's "<ctrl>+<alt>+p" as xdotool's "ctrl+alt+p"."""
    return combo.replace("<", "").replace(">", "")


def wait_quietly(probe: Callable[[], list[str]], timeout: float) -> list[str]:
    """`probe()`'s first non-empty answer within `timeout`, or [] (the caller tries again)."""
    try:
        return wait_for(probe, timeout=timeout, interval=0.05)
    except AssertionError:
        return []


def test_a_track_started_from_the_command_line_shows_at_once(
    desk: Desktop, local_app: LocalApp, tmp_path: Path
) -> None:
    from tests.e2e.test_tray_live import ICON_WITHIN, cli_start

    server = local_app.server
    icon = desk.wait_icon()
    local_app.wait_log(r"Live updates: connected")
    before = stable_grab(desk, icon)
    if tracking(server.current()):
        stop_tracking(server)
        before = stable_grab(desk, icon, differs_from=before)  # the stop shown
    cli_start(server, tmp_path, token=server.token)
    started = time.monotonic()
    stable_grab(desk, icon, differs_from=before, timeout=ICON_WITHIN)
    took = time.monotonic() - started
    assert took <= ICON_WITHIN, f"the icon changed after {took:.2f} s"
    desk.save("local-tray-started-from-the-command-line.png")


def stop_tracking(server: EmbeddedServer) -> None:
    async def stop() -> None:
        async with TrackingClient(server.url, token=server.token) as client:
            await client.stop_tracking()

    asyncio.run(stop())
