"""The Today window end to end (issue 15): `python -m app tray --local` on the test desktop
(Xvfb + trayer), a presence log in its data dir saying the user was at the machine yesterday
10:00-11:00 and a work log on its embedded server for 10:45-11:00, so 10:00-10:45 slipped.
"Today…" is chosen in the tray menu, yesterday shown with ←, the slipped period selected and
booked with the keyboard only (xdotool key/type); the work log must then be on the server.
Screenshots land in test-artifacts/today-e2e-*.png."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from app.api.client import TrackingClient
from app.api.models import RestWorkLog, RestWorkLogCreate
from app.server.auth import TOKEN_FILE
from app.tracking.presence import Presence, PresencePeriod
from app.tracking.presence_log import PRESENCE_FILE, PresenceLog
from tests.e2e.conftest import AppProcess, app_env
from tests.e2e.desktop import ARTIFACTS, ROOT, Desktop
from tests.e2e.test_tray_app import stable_grab
from tests.e2e.test_tray_extras import (
    LISTENING,
    READY,
    EmbeddedServer,
    LocalApp,
    menu_windows,
    open_menu,
)
from tests.support.wait import wait_for

pytestmark = pytest.mark.xvfb
T = TypeVar("T")

TODAY_NAME = "^Today$"  # the Today window's title
BOOK_NAME = "^Book slipped time$"
SEEDED_ITEM = 1201
BOOKED_ITEM = 1202
MENU_UP_TO_TODAY = 4  # from the bottom: Quit, About Pacetray…, Settings…, Today…


def yesterday(hour: int, minute: int = 0) -> datetime:
    day = date.today() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()  # local, aware


def seed_presence(data_dir: Path) -> None:
    store = PresenceLog(data_dir / PRESENCE_FILE)
    store.add_period(PresencePeriod(yesterday(10), yesterday(11), Presence.PRESENT))
    store.close()


def server_call(server: EmbeddedServer, work: Callable[[TrackingClient], Awaitable[T]]) -> T:
    async def run() -> T:
        async with TrackingClient(server.url, token=server.token) as client:
            return await work(client)

    return asyncio.run(run())


def yesterdays_logs(server: EmbeddedServer) -> list[RestWorkLog]:
    return server_call(
        server,
        lambda c: c.work_logs(from_timestamp=yesterday(0), to_timestamp=yesterday(23, 59)),
    )


@pytest.fixture
def today_app(
    desktop: Desktop, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[LocalApp]:
    """The tray in local mode with yesterday's presence seeded before it starts and yesterday's
    work log created on its embedded server once it runs."""
    assert desktop.alive, "the test desktop (Xvfb or trayer) died"
    wait_for(lambda: not desktop.icons(), timeout=10, what="an empty tray")
    home = tmp_path / "home"
    env = app_env(desktop, home)
    env["PACETRAY_LOG_DIR"] = str(home / "log")
    env["PYTHONUNBUFFERED"] = "1"
    seed_presence(Path(env["PACETRAY_DATA_DIR"]))
    output = home / "app-output.txt"
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
        server_call(
            local.server,
            lambda c: c.create_work_log(
                RestWorkLogCreate(
                    timestamp=yesterday(10, 45), length=15 * 60, work_item_id=SEEDED_ITEM
                )
            ),
        )
        yield local
    finally:
        code = app.stop()
        if request.session.testsfailed > failed_before:
            ARTIFACTS.mkdir(exist_ok=True)
            for path in (output, home / "log" / "pacetray.log"):
                if path.exists():
                    shutil.copy(path, ARTIFACTS / f"today-e2e-{path.name}")
        assert code == 0, f"the tray app exited with {code}"
        wait_for(lambda: not desktop.icons(), timeout=10, what="the icon to leave the tray")


def test_today_from_the_tray_menu_books_a_slipped_period_by_keyboard(
    desktop: Desktop, today_app: LocalApp
) -> None:
    desk = desktop
    desk.xdotool("mousemove", "200", "700")  # the pointer away from the tray and windows
    open_menu(desk, today_app)
    desk.xdotool("key", *["Up"] * MENU_UP_TO_TODAY, "Return")
    wait_for(lambda: not menu_windows(desk, today_app.app.pid), timeout=5, what="the menu gone")
    found = wait_for(lambda: desk.window_ids(name=TODAY_NAME), timeout=15, what="Today window")
    window = desk.window_rect(found[0])
    stable_grab(desk, window)
    desk.save("today-e2e-window.png")

    # ← shows yesterday; Home selects its first part (the slipped 10:00-10:45), Enter asks to
    # book it. Until yesterday has loaded, today (nothing slipped) has nothing to select, so
    # Home + Enter are repeated until the Book dialog shows.
    desk.xdotool("key", "Left")

    def book_dialog() -> list[str]:
        today_app.app.assert_running()
        desk.xdotool("key", "Home", "Return")
        try:
            return wait_for(lambda: desk.window_ids(name=BOOK_NAME), timeout=1.5, interval=0.1)
        except AssertionError:
            return []

    found_book = wait_for(book_dialog, timeout=20, interval=0, what="the Book dialog")
    dialog = desk.window_rect(found_book[0])
    stable_grab(desk, window)
    desk.save("today-e2e-yesterday.png")
    # The search field has the focus; Enter finishes the search and books.
    desk.xdotool("type", "--delay", "30", f"#{BOOKED_ITEM}")
    stable_grab(desk, dialog)
    desk.save("today-e2e-book-dialog.png")
    desk.xdotool("key", "Return")
    wait_for(lambda: not desk.window_ids(name=BOOK_NAME), timeout=15, what="the dialog closed")

    def booked() -> list[RestWorkLog]:
        today_app.app.assert_running()
        return [lg for lg in yesterdays_logs(today_app.server) if lg.work_item_id == BOOKED_ITEM]

    [log] = wait_for(booked, timeout=10, interval=0.2, what="the booked work log")
    stamp = log.timestamp if log.timestamp.tzinfo else log.timestamp.astimezone()
    assert abs((stamp - yesterday(10)).total_seconds()) < 60
    assert log.length == 45 * 60
    assert not re.search(r"Traceback", today_app.app.output())
    stable_grab(desk, window)
    desk.save("today-e2e-booked.png")  # reloaded: #1202 45 min beside #1201, nothing slipped
