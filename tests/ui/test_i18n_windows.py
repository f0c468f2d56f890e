"""Each window rendered in German (offscreen) with no catalogue text left in English, no
clipped label or button (at the default font and at 1.5x), every interactive control named
in Qt's accessibility tree, and Tab visiting the controls in order. Screenshots go to
test-artifacts/i18n-*.png. A window is one entry in WINDOWS; the popup and the prompts (in
SERVED) are built over the real local server and a bridge, the popup with a track running
so its head shows it and the Stop button."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.activity.detector import IdlePeriod
from app.api.client import TrackingClient
from app.api.models import ActivityType, Track, WorkItem
from app.settings.model import Settings
from app.settings.settings_service import SettingsServices
from app.tracking.day import DayLog, Slipped
from app.tracking.events import ActivityCheckPrompt, IdlePrompt
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from app.ui.about_dialog import AboutDialog
from app.ui.adjust_dialog import AdjustDialog
from app.ui.book_dialog import BookDialog
from app.ui.bridge import TrackerBridge
from app.ui.edit_log_dialog import EditLogDialog
from app.ui.fallback_window import FallbackWindow
from app.ui.notifications import Notification
from app.ui.popup import Popup
from app.ui.prompts import ActivityCheckDialog, IdlePromptDialog
from app.ui.settings_dialog import SettingsDialog
from app.ui.today_window import TodayWindow
from app.ui.tray import TrayMenu
from tests.support.wait import wait_until
from tests.ui.conftest import WORK_ITEM
from tests.ui.ui_checks import (
    clipped,
    english_left,
    font_scaled,
    save_screenshot,
    shown_texts,
    speaking,
    tab_chain,
    unnamed_controls,
)


@dataclass
class Env:
    """What a window is built from: a scratch folder, and for SERVED windows a bridge over
    the real local server."""

    tmp: Path
    bridge: TrackerBridge | None = None

    def live(self) -> TrackerBridge:
        assert self.bridge is not None, "add the window to SERVED"
        return self.bridge


def settings_dialog(env: Env) -> QWidget:
    tmp = env.tmp
    services = SettingsServices(Settings(), path=tmp / "settings.toml", platform="linux",
                                autostart_path=tmp / "autostart.desktop")  # fmt: skip
    return SettingsDialog(services)


def adjust_dialog(env: Env) -> QWidget:
    track = Track(remark="review", activity_type_id="a1",
                  work_item=WorkItem(id=7, title="Write the release notes"))  # fmt: skip
    kinds = [ActivityType(id="a1", name="Development"), ActivityType(id="a2", name="Testing")]
    return AdjustDialog(track, kinds)


def fallback_window(env: Env) -> QWidget:
    window = FallbackWindow(TrayMenu())
    window.show_notification(Notification("Pacetray", "Server stopped", action_label="Restart"))
    return window


async def popup(env: Env) -> QWidget:
    """The popup while a track runs: its head, Stop, Switch and the recent list."""
    bridge = env.live()
    assert await bridge.start(TrackTarget(WORK_ITEM, "Review"))
    window = Popup(bridge)
    window.show_at(None)
    await wait_until(
        lambda: window.activity.count() > 0 and window.model.rowCount() > 0 and not window.is_busy,
        what="the popup loaded",
    )
    assert window.stop_button.isVisible()
    return window


THE_ITEM = WorkItem(id=WORK_ITEM, title="Add card vault API client", type="Task")


def activity_check(env: Env) -> QWidget:
    dialog = ActivityCheckDialog(env.live())
    dialog.show_prompt(ActivityCheckPrompt(seconds_left=75, work_item=THE_ITEM, remark="Review"))
    return dialog


def idle_prompt(env: Env) -> QWidget:
    """Away for 35 minutes of a running track, with the "book to another work item" row open."""
    dialog = IdlePromptDialog(env.live())
    end = datetime.now().astimezone()
    period = IdlePeriod((end - timedelta(minutes=35)).timestamp(), end.timestamp(), "input")
    dialog.show_prompt(IdlePrompt(period, THE_ITEM, "Review", None))
    QTest.keyClick(dialog.book_button, Qt.Key.Key_Space)
    assert dialog.book_row.isVisible()
    return dialog


KINDS = [ActivityType(id="a1", name="Development"), ActivityType(id="a2", name="Testing")]
AT = datetime(2026, 3, 10, 9, 5, tzinfo=UTC)


def idle_bridge(tmp: Path) -> TrackerBridge:
    """A bridge over a tracker that never runs (no loop here): the dialogs only render."""
    client = TrackingClient("http://127.0.0.1:9", token="i18n-test-token-0123456789")
    journal = Journal(tmp / "i18n-journal.sqlite3")
    return TrackerBridge(Tracker(client, activity=None, detector=None, journal=journal), client)


def book_dialog(env: Env) -> QWidget:
    end = AT + timedelta(minutes=50)
    dialog = BookDialog(idle_bridge(env.tmp), Slipped(start=AT, end=end, start_s=0, end_s=3000))
    dialog.activity.set_types(KINDS, "a1")
    return dialog


def edit_log_dialog(env: Env) -> QWidget:
    log = DayLog(start=AT, end=AT + timedelta(minutes=50), start_s=0, end_s=3000, id="w1",
                 work_item_id=7, comment="review", activity_type_id="a2",
                 activity_type_name="Testing", billable=True)  # fmt: skip
    dialog = EditLogDialog(idle_bridge(env.tmp), log)
    dialog.activity.set_types(KINDS, "a2")
    return dialog


def today_window(env: Env) -> QWidget:
    from tests.ui.test_today_window import sample_data

    async def no_loader(_day: object) -> object:
        raise AssertionError("shown from sample data")

    window = TodayWindow(no_loader)  # type: ignore[arg-type]
    window.show_data(sample_data())
    return window


Factory = Callable[[Env], QWidget | Awaitable[QWidget]]
WINDOWS: dict[str, Factory] = {
    "settings": settings_dialog,
    "adjust": adjust_dialog,
    "book": book_dialog,
    "edit-log": edit_log_dialog,
    "fallback": fallback_window,
    "about": lambda _env: AboutDialog(),
    "popup": popup,
    "activity-check": activity_check,
    "idle": idle_prompt,
    "today": today_window,
}
SERVED = {"popup", "activity-check", "idle"}  # built over the real local server and a bridge


@pytest.fixture(params=sorted(WINDOWS))
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def shown(window: QWidget) -> QWidget:
    window.show()
    QApplication.processEvents()
    return window


Make = Callable[[str], Awaitable[QWidget]]


@pytest.fixture
def window_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Make]:
    """`await make(name)`: the window shown. The server and bridge are set up (before the
    test's loop runs) only for a SERVED window: the `name` parameter, or a test asking for
    `bridge` itself."""
    callspec = getattr(request.node, "callspec", None)
    wanted = callspec.params.get("name") if callspec is not None else None
    served = wanted in SERVED or "bridge" in request.fixturenames
    env = Env(tmp_path, request.getfixturevalue("bridge") if served else None)
    made: list[QWidget] = []

    async def make(name: str) -> QWidget:
        built = WINDOWS[name](env)
        window = shown(await built if inspect.isawaitable(built) else built)
        made.append(window)
        return window

    yield make
    for window in made:
        if isinstance(window, QDialog):
            window.done(0)
        window.hide()
        window.deleteLater()


async def test_rendered_in_german(name: str, window_factory: Make) -> None:
    with speaking("de"):
        window = await window_factory(name)
        save_screenshot(window, f"i18n-de-{name}.png")
        texts = shown_texts(window)
        assert not english_left(window), english_left(window)
        assert not clipped(window), clipped(window)
    assert texts, "nothing shown"


async def test_english_is_the_source(window_factory: Make) -> None:
    with speaking("en"):
        window = await window_factory("settings")
        assert window.windowTitle() == "Pacetray settings"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_no_clipping_at_a_large_font(name: str, language: str, window_factory: Make) -> None:
    with speaking(language), font_scaled(1.5):
        window = await window_factory(name)
        save_screenshot(window, f"i18n-{language}-{name}-large-font.png")
        assert not clipped(window), clipped(window)


async def test_every_control_has_an_accessible_name(name: str, window_factory: Make) -> None:
    with speaking("de"):
        window = await window_factory(name)
        if isinstance(window, SettingsDialog):  # every tab's controls, not just the first
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                QApplication.processEvents()
                assert not unnamed_controls(window), (index, unnamed_controls(window))
        assert not unnamed_controls(window), unnamed_controls(window)


async def test_tab_order_of_the_settings_dialog(window_factory: Make) -> None:
    window = await window_factory("settings")
    assert isinstance(window, SettingsDialog)
    window.server_edit.setFocus()
    chain = tab_chain(window)
    wanted = [window.server_edit, window.token_edit, window.pair_button, window.test_button,
              window.live_updates]  # fmt: skip
    positions = [chain.index(w) for w in wanted]
    assert positions == sorted(positions), [type(w).__name__ for w in chain]
    assert window.save_button in chain


async def test_tab_order_of_the_about_dialog(window_factory: Make) -> None:
    window = await window_factory("about")
    assert isinstance(window, AboutDialog)
    chain = tab_chain(window)
    close = window.buttons.buttons()[0]
    assert chain[0] is close  # focused on opening: Enter or Esc closes at once
    assert set(chain) == {close, window.links}  # Tab walks the links inside their label


async def test_escape_closes_the_about_dialog(window_factory: Make) -> None:
    window = await window_factory("about")
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


async def test_tab_order_of_the_popup(window_factory: Make, bridge: TrackerBridge) -> None:
    window = await window_factory("popup")
    assert isinstance(window, Popup)
    chain = tab_chain(window)  # from the search field, focused on opening
    assert chain == [window.search, window.results, window.remark, window.activity,
                     window.billable, window.start_button, window.select_button,
                     window.today_button, window.stop_button]  # fmt: skip


async def test_tab_order_of_the_activity_check(window_factory: Make, bridge: TrackerBridge) -> None:
    window = await window_factory("activity-check")
    assert isinstance(window, ActivityCheckDialog)
    chain = tab_chain(window)  # Continue is focused on opening: Enter answers it
    assert chain == [window.continue_button, window.stop_button, window.snooze_button]


async def test_tab_order_of_the_idle_prompt(window_factory: Make, bridge: TrackerBridge) -> None:
    window = await window_factory("idle")
    assert isinstance(window, IdlePromptDialog)
    window.keep_button.setFocus()
    chain = tab_chain(window)
    assert chain == [window.keep_button, window.discard_button, window.discard_continue_button,
                     window.book_button, window.other_item, window.book_confirm]  # fmt: skip


def test_the_checks_see_what_they_look_for() -> None:
    """A window built to fail: an unnamed icon-only button, an edit with no name, a label
    squeezed below its size hint, an English catalogue text."""
    from PySide6.QtGui import QIcon, QPixmap
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout

    window = QWidget()
    pixmap = QPixmap(16, 16)
    pixmap.fill()
    icon_only = QPushButton(QIcon(pixmap), "")
    squeezed = QLabel("Stop tracking when the computer sleeps")
    squeezed.setFixedWidth(20)
    layout = QVBoxLayout(window)
    for widget in (icon_only, QLineEdit(), squeezed):
        layout.addWidget(widget)
    try:
        with speaking("de"):
            shown(window)
            assert any("icon-only" in p for p in unnamed_controls(window))
            assert any("EditableText" in p for p in unnamed_controls(window))
            assert any("computer sleeps" in p for p in clipped(window))
            assert english_left(window) == {"Stop tracking when the computer sleeps"}
    finally:
        window.hide()
        window.deleteLater()
