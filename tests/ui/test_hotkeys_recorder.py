"""The hotkey recorder: real key events in, strings in pynput's syntax out, each accepted by the
settings model (and so by the settings file)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtTest import QTest

from app.settings.model import Hotkeys, parse_hotkey
from app.ui.hotkey_recorder import HotkeyRecorder, combination_text, readable

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
META = Qt.KeyboardModifier.MetaModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.mark.parametrize(
    ("key", "modifiers", "expected"),
    [
        (Qt.Key.Key_T, CTRL | ALT, "<ctrl>+<alt>+t"),
        (Qt.Key.Key_F9, CTRL | SHIFT, "<ctrl>+<shift>+<f9>"),
        (Qt.Key.Key_F5, NONE, "<f5>"),
        (Qt.Key.Key_Space, CTRL | ALT, "<ctrl>+<alt>+<space>"),
        (Qt.Key.Key_Exclam, CTRL | SHIFT, "<ctrl>+<shift>+1"),  # Qt reports Shift+1 as "!"
        (Qt.Key.Key_7, CTRL | ALT, "<ctrl>+<alt>+7"),
        (Qt.Key.Key_PageDown, ALT, "<alt>+<page_down>"),
        (Qt.Key.Key_Home, META, "<cmd>+<home>"),
        (Qt.Key.Key_Period, CTRL | ALT, "<ctrl>+<alt>+."),
    ],
)
def test_combinations_are_valid_settings(
    key: Qt.Key, modifiers: Qt.KeyboardModifier, expected: str
) -> None:
    text = combination_text(key, modifiers, platform="linux")
    assert text == expected
    parse_hotkey(text)  # raises if the settings model disagrees
    assert Hotkeys(toggle_tracking=text, open_popup="", restart_last="").toggle_tracking == text


def test_macos_command_key_is_cmd() -> None:
    # Qt reports the Command key as ControlModifier on macOS
    assert combination_text(Qt.Key.Key_T, CTRL | ALT, platform="darwin") == "<alt>+<cmd>+t"
    assert combination_text(Qt.Key.Key_T, META | ALT, platform="darwin") == "<ctrl>+<alt>+t"


def test_readable() -> None:
    assert readable("<ctrl>+<alt>+t") == "Ctrl+Alt+T"
    assert readable("<ctrl>+<shift>+<page_down>") == "Ctrl+Shift+Page Down"
    assert readable("") == "Off"


@pytest.fixture
def recorder() -> Iterator[HotkeyRecorder]:
    widget = HotkeyRecorder("<ctrl>+<alt>+t")
    widget.show()
    yield widget
    widget.deleteLater()


def test_recording_real_key_events(recorder: HotkeyRecorder) -> None:
    changes: list[str] = []
    recorder.changed.connect(changes.append)
    assert recorder.button.text() == "Ctrl+Alt+T"
    recorder.button.click()  # start recording
    assert recorder.recording
    QTest.keyPress(recorder.button, Qt.Key.Key_Control, CTRL)  # a modifier alone: shown only
    assert recorder.button.text() == "<ctrl>+…"
    assert recorder.recording and not changes
    QTest.keyClick(recorder.button, Qt.Key.Key_K, CTRL | ALT)
    assert changes == ["<ctrl>+<alt>+k"]
    assert recorder.value == "<ctrl>+<alt>+k" and not recorder.recording
    assert recorder.button.text() == "Ctrl+Alt+K"


def test_escape_cancels_and_invalid_is_refused(recorder: HotkeyRecorder) -> None:
    changes: list[str] = []
    recorder.changed.connect(changes.append)
    recorder.button.click()
    QTest.keyClick(recorder.button, Qt.Key.Key_A, SHIFT)  # would swallow every capital A
    assert recorder.recording and not changes
    assert "needs <ctrl>, <alt> or <cmd>" in recorder.error.text()
    assert recorder.error.isVisible()
    QTest.keyClick(recorder.button, Qt.Key.Key_Escape)
    assert not recorder.recording and not changes
    assert recorder.value == "<ctrl>+<alt>+t"
    recorder.clear_button.click()
    assert changes == [""] and recorder.value == "" and recorder.button.text() == "Off"


def test_key_without_a_pynput_name_is_refused(recorder: HotkeyRecorder) -> None:
    recorder.start_recording()
    recorder.record(QKeyCombination(CTRL | ALT, Qt.Key.Key_LaunchMail))
    assert "cannot be used for a global hotkey" in recorder.error.text()
    assert recorder.value == "<ctrl>+<alt>+t" and recorder.recording
