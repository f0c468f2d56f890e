"""A widget that records a key combination and writes it in pynput's hotkey syntax.

Click "Record", press the combination (e.g. Ctrl+Alt+T) and it reads `<ctrl>+<alt>+t`, the
format `app.settings.model.Hotkeys` stores. Every recorded combination is checked by the
settings model's own `parse_hotkey`, so what the recorder accepts the settings file accepts.
Esc cancels a recording; "Clear" turns the hotkey off ("").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent, QKeyCombination, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.settings.model import parse_hotkey

# Qt keys that are modifiers on their own, with their flag: pressing one only shows the
# combination so far (its own flag may be missing from the press event, depending on platform).
_MODIFIER_KEYS = {
    Qt.Key.Key_Control: Qt.KeyboardModifier.ControlModifier,
    Qt.Key.Key_Alt: Qt.KeyboardModifier.AltModifier,
    Qt.Key.Key_AltGr: Qt.KeyboardModifier.AltModifier,
    Qt.Key.Key_Shift: Qt.KeyboardModifier.ShiftModifier,
    Qt.Key.Key_Meta: Qt.KeyboardModifier.MetaModifier,
    Qt.Key.Key_Super_L: Qt.KeyboardModifier.MetaModifier,
    Qt.Key.Key_Super_R: Qt.KeyboardModifier.MetaModifier,
}

# Qt key -> pynput `Key` name, for keys that are not one printable character.
_NAMED_KEYS: dict[Qt.Key, str] = {
    Qt.Key.Key_Space: "space",
    Qt.Key.Key_Tab: "tab",
    Qt.Key.Key_Backspace: "backspace",
    Qt.Key.Key_Return: "enter",
    Qt.Key.Key_Enter: "enter",
    Qt.Key.Key_Delete: "delete",
    Qt.Key.Key_Insert: "insert",
    Qt.Key.Key_Home: "home",
    Qt.Key.Key_End: "end",
    Qt.Key.Key_PageUp: "page_up",
    Qt.Key.Key_PageDown: "page_down",
    Qt.Key.Key_Left: "left",
    Qt.Key.Key_Right: "right",
    Qt.Key.Key_Up: "up",
    Qt.Key.Key_Down: "down",
    Qt.Key.Key_Pause: "pause",
    Qt.Key.Key_Print: "print_screen",
    Qt.Key.Key_ScrollLock: "scroll_lock",
    Qt.Key.Key_NumLock: "num_lock",
    Qt.Key.Key_CapsLock: "caps_lock",
    Qt.Key.Key_Menu: "menu",
    Qt.Key.Key_MediaTogglePlayPause: "media_play_pause",
    Qt.Key.Key_MediaPlay: "media_play_pause",
    Qt.Key.Key_VolumeMute: "media_volume_mute",
    Qt.Key.Key_VolumeDown: "media_volume_down",
    Qt.Key.Key_VolumeUp: "media_volume_up",
    Qt.Key.Key_MediaPrevious: "media_previous",
    Qt.Key.Key_MediaNext: "media_next",
}

# Shifted characters on a US layout -> the key that was pressed: pynput matches the key, and
# Qt reports Shift+1 as "!" (the combination is stored as <shift>+1).
_UNSHIFTED = dict(zip('!@#$%^&*()_+{}|:"<>?~', "1234567890-=[]\\;',./`", strict=True))


def modifier_names(modifiers: Qt.KeyboardModifier, platform: str = sys.platform) -> list[str]:
    """pynput modifier names, in the order settings use (<ctrl>, <alt>, <shift>, <cmd>)."""
    ctrl, meta = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.MetaModifier
    if platform == "darwin":  # Qt maps the Command key to ControlModifier on macOS
        ctrl, meta = meta, ctrl
    names = []
    if modifiers & ctrl:
        names.append("<ctrl>")
    if modifiers & Qt.KeyboardModifier.AltModifier:
        names.append("<alt>")
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        names.append("<shift>")
    if modifiers & meta:
        names.append("<cmd>")
    return names


def key_name(key: Qt.Key | int) -> str | None:
    """The pynput spelling of one non-modifier key, or None for a key pynput cannot name."""
    key = Qt.Key(key)
    if key in _NAMED_KEYS:
        return f"<{_NAMED_KEYS[key]}>"
    if Qt.Key.Key_F1.value <= key.value <= Qt.Key.Key_F20.value:
        return f"<f{key.value - Qt.Key.Key_F1.value + 1}>"
    if 0x21 <= key.value <= 0x7E:  # printable ASCII: Qt's key code is the character
        char = chr(key.value).lower()
        return _UNSHIFTED.get(char, char)
    return None


def combination_text(
    key: Qt.Key | int, modifiers: Qt.KeyboardModifier, platform: str = sys.platform
) -> str | None:
    """`<ctrl>+<alt>+t` for Ctrl+Alt+T; None when the key has no pynput name."""
    name = key_name(key)
    if name is None:
        return None
    return "+".join([*modifier_names(modifiers, platform), name])


def check_hotkey(text: str) -> str | None:
    """Why `text` is not a usable hotkey (the settings model's rule), or None when it is."""
    if text == "":
        return None
    try:
        parse_hotkey(text)
    except ValueError as exc:
        return str(exc)
    return None


_MODIFIER_ORDER = ("ctrl", "ctrl_l", "ctrl_r", "alt", "alt_l", "alt_r", "alt_gr", "shift",
                   "shift_l", "shift_r", "cmd", "cmd_l", "cmd_r")  # fmt: skip


def readable(text: str) -> str:
    """`<ctrl>+<alt>+t` -> `Ctrl+Alt+T` for the button; "" -> "Off"."""
    if not text:
        return QCoreApplication.translate("HotkeyRecorder", "Off")
    try:
        modifiers, key = parse_hotkey(text)
    except ValueError:
        return text
    names = [m for m in _MODIFIER_ORDER if m in modifiers] + [key]
    return "+".join(n.replace("_", " ").title() if len(n) > 1 else n.upper() for n in names)


class HotkeyRecorder(QWidget):
    """One hotkey: a button showing it (click to record), a Clear button, an inline error."""

    changed = Signal(str)  # the new value in pynput syntax ("" = off)

    def __init__(self, value: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = value
        self._recording = False
        self.button = QPushButton(readable(value))
        self.button.setCheckable(True)
        self.button.setToolTip(self.tr("Click, then press the key combination (Esc cancels)"))
        self.button.setAccessibleDescription(self.button.toolTip())
        self.button.toggled.connect(self._on_toggled)
        self.button.installEventFilter(self)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Turn this hotkey off"))
        self.clear_button.setAccessibleDescription(self.clear_button.toolTip())
        self.clear_button.clicked.connect(self._on_clear)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.set_action_name(self.tr("Hotkey"))

    def set_action_name(self, action: str) -> None:
        """Name both buttons after the action for screen readers ("Open the popup: hotkey",
        "Open the popup: clear"): the record button's own text is only the combination."""
        self.button.setAccessibleName(self.tr("{action}: hotkey").format(action=action))
        self.clear_button.setAccessibleName(self.tr("{action}: clear").format(action=action))

    @property
    def value(self) -> str:
        return self._value

    @property
    def recording(self) -> bool:
        return self._recording

    def set_value(self, value: str) -> None:
        self._value = value
        self._show_error(None)
        self.button.setText(readable(value))

    def start_recording(self) -> None:
        self.button.setChecked(True)

    @Slot(bool)
    def _on_toggled(self, checked: bool) -> None:
        self._recording = checked
        if checked:
            self.button.setText(self.tr("Press a combination…"))
            self.button.setFocus(Qt.FocusReason.OtherFocusReason)
            self.button.grabKeyboard()
        else:
            self.button.releaseKeyboard()
            self.button.setText(readable(self._value))

    @Slot()
    def _on_clear(self) -> None:
        self.button.setChecked(False)
        self.set_value("")
        self.changed.emit("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.button and self._recording and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            # keyCombination() drops the modifiers of a lone modifier key: keep them
            self.record(QKeyCombination(event.modifiers(), event.keyCombination().key()))
            return True
        if watched is self.button and self._recording and event.type() == QEvent.Type.KeyRelease:
            return True  # a release must not click the checkable button
        return super().eventFilter(watched, event)

    def record(self, combo: QKeyCombination) -> None:
        """Handle one key press while recording (public so tests can feed combinations)."""
        key, modifiers = combo.key(), combo.keyboardModifiers()
        if key == Qt.Key.Key_Escape and not modifiers:
            self.button.setChecked(False)  # cancelled: the old value stays
            return
        if key in _MODIFIER_KEYS:
            names = modifier_names(modifiers | _MODIFIER_KEYS[key])
            self.button.setText(
                "+".join([*names, "…"]) if names else self.tr("Press a combination…")
            )
            return
        text = combination_text(key, modifiers)
        if text is None:
            self._show_error(self.tr("this key cannot be used for a global hotkey; try another"))
            return
        problem = check_hotkey(text)
        if problem is not None:
            self._show_error(
                self.tr("{hotkey} cannot be used: {problem}").format(
                    hotkey=readable(text), problem=problem
                )
            )
            return
        self._value = text
        self._show_error(None)
        self.button.setChecked(False)
        self.changed.emit(text)

    def _show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
