"""Each window rendered in German (offscreen) with no catalogue text left in English, no
clipped label or button (at the default font and at 1.5x), every interactive control named
in Qt's accessibility tree, and Tab visiting the controls in order. Screenshots go to
test-artifacts/i18n-*.png. A window is one entry in WINDOWS: the popup and the prompts join
the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.api.models import ActivityType, Track, WorkItem
from app.settings.model import Settings
from app.settings.settings_service import SettingsServices
from app.ui.about_dialog import AboutDialog
from app.ui.adjust_dialog import AdjustDialog
from app.ui.fallback_window import FallbackWindow
from app.ui.notifications import Notification
from app.ui.settings_dialog import SettingsDialog
from app.ui.today_window import TodayWindow
from app.ui.tray import TrayMenu
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


def settings_dialog(tmp: Path) -> QWidget:
    services = SettingsServices(Settings(), path=tmp / "settings.toml", platform="linux",
                                autostart_path=tmp / "autostart.desktop")  # fmt: skip
    return SettingsDialog(services)


def adjust_dialog(tmp: Path) -> QWidget:
    track = Track(remark="review", activity_type_id="a1",
                  work_item=WorkItem(id=7, title="Write the release notes"))  # fmt: skip
    kinds = [ActivityType(id="a1", name="Development"), ActivityType(id="a2", name="Testing")]
    return AdjustDialog(track, kinds)


def fallback_window(tmp: Path) -> QWidget:
    window = FallbackWindow(TrayMenu())
    window.show_notification(Notification("Pacetray", "Server stopped", action_label="Restart"))
    return window


def today_window(tmp: Path) -> QWidget:
    from tests.ui.test_today_window import sample_data

    async def no_loader(_day: object) -> object:
        raise AssertionError("shown from sample data")

    window = TodayWindow(no_loader)  # type: ignore[arg-type]
    window.show_data(sample_data())
    return window


WINDOWS: dict[str, Callable[[Path], QWidget]] = {
    "settings": settings_dialog,
    "adjust": adjust_dialog,
    "fallback": fallback_window,
    "about": lambda _tmp: AboutDialog(),
    "today": today_window,
}


@pytest.fixture(params=sorted(WINDOWS))
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def shown(window: QWidget) -> QWidget:
    window.show()
    QApplication.processEvents()
    return window


@pytest.fixture
def window_factory(tmp_path: Path) -> Iterator[Callable[[str], QWidget]]:
    made: list[QWidget] = []

    def make(name: str) -> QWidget:
        window = shown(WINDOWS[name](tmp_path))
        made.append(window)
        return window

    yield make
    for window in made:
        if isinstance(window, QDialog):
            window.done(0)
        window.hide()
        window.deleteLater()


def test_rendered_in_german(name: str, window_factory: Callable[[str], QWidget]) -> None:
    with speaking("de"):
        window = window_factory(name)
        save_screenshot(window, f"i18n-de-{name}.png")
        texts = shown_texts(window)
        assert not english_left(window), english_left(window)
        assert not clipped(window), clipped(window)
    assert texts, "nothing shown"


def test_english_is_the_source(window_factory: Callable[[str], QWidget]) -> None:
    with speaking("en"):
        window = window_factory("settings")
        assert window.windowTitle() == "Pacetray settings"


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_clipping_at_a_large_font(
    name: str, language: str, window_factory: Callable[[str], QWidget]
) -> None:
    with speaking(language), font_scaled(1.5):
        window = window_factory(name)
        save_screenshot(window, f"i18n-{language}-{name}-large-font.png")
        assert not clipped(window), clipped(window)


def test_every_control_has_an_accessible_name(
    name: str, window_factory: Callable[[str], QWidget]
) -> None:
    with speaking("de"):
        window = window_factory(name)
        if isinstance(window, SettingsDialog):  # every tab's controls, not just the first
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                QApplication.processEvents()
                assert not unnamed_controls(window), (index, unnamed_controls(window))
        assert not unnamed_controls(window), unnamed_controls(window)


def test_tab_order_of_the_settings_dialog(window_factory: Callable[[str], QWidget]) -> None:
    window = window_factory("settings")
    assert isinstance(window, SettingsDialog)
    window.server_edit.setFocus()
    chain = tab_chain(window)
    wanted = [window.server_edit, window.token_edit, window.pair_button, window.test_button,
              window.live_updates]  # fmt: skip
    positions = [chain.index(w) for w in wanted]
    assert positions == sorted(positions), [type(w).__name__ for w in chain]
    assert window.save_button in chain


def test_tab_order_of_the_about_dialog(window_factory: Callable[[str], QWidget]) -> None:
    window = window_factory("about")
    assert isinstance(window, AboutDialog)
    chain = tab_chain(window)
    close = window.buttons.buttons()[0]
    assert chain[0] is close  # focused on opening: Enter or Esc closes at once
    assert set(chain) == {close, window.links}  # Tab walks the links inside their label


def test_escape_closes_the_about_dialog(window_factory: Callable[[str], QWidget]) -> None:
    window = window_factory("about")
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


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
