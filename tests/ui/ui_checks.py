"""Checks any window can be put through (German rendering, clipping, accessibility, keyboard
order); the i18n and a11y tests apply them to each window, so adding a window is one line.

- `shown_texts`: every text a user sees or hears in a window (labels, buttons, titles, tabs,
  combo items, placeholders, tooltips, accessible names and descriptions).
- `english_left`: those texts that are a catalogue source whose German differs (a tr() that
  did not reach the translator, or a catalogue entry the code no longer matches).
- `clipped`: labels and buttons whose size hint does not fit the geometry the layout gave.
- `unnamed_controls`: interactive controls (walked through Qt's accessibility interface)
  with no accessible name; icon-only buttons without text for screen readers.
- `tab_chain`: the widgets Tab visits from the first focus, in order.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from app.ui.i18n import install_translations, translations_dir

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CATALOGUE = translations_dir() / "pacetray_de.ts"

R = QAccessible.Role
INTERACTIVE_ROLES = {
    R.PushButton, R.CheckBox, R.RadioButton, R.ComboBox, R.EditableText, R.SpinBox,
    R.PageTab, R.Link, R.ButtonMenu, R.ButtonDropDown, R.Slider, R.MenuItem, R.ToolBar,
}  # fmt: skip


def catalogue_messages(path: Path = CATALOGUE) -> dict[tuple[str, str], str]:
    """(context, source) -> translation, for every message of a .ts file."""
    messages: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = translation.text if translation is not None else None
            messages[(name, message.findtext("source") or "")] = text or ""
    return messages


def save_screenshot(widget: QWidget, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    return path


def _widgets(window: QWidget) -> Iterator[QWidget]:
    yield window
    yield from window.findChildren(QWidget)


def shown_texts(window: QWidget) -> set[str]:
    texts = {window.windowTitle()}
    for widget in _widgets(window):
        texts |= {widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()}
        if isinstance(widget, QLabel | QAbstractButton):
            texts.add(widget.text())
        if isinstance(widget, QLineEdit):
            texts.add(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts |= {widget.itemText(i) for i in range(widget.count())}
        if isinstance(widget, QTabWidget):
            texts |= {widget.tabText(i) for i in range(widget.count())}
    return {text for text in texts if text}


def english_left(window: QWidget) -> set[str]:
    """Texts shown in `window` that are still the English of a catalogue entry."""
    english = {source.replace("&&", "&") for (_, source), german in catalogue_messages().items()
               if german and german != source and "{" not in source}  # fmt: skip
    sources = {source for (_, source), german in catalogue_messages().items() if german != source}
    return {t for t in shown_texts(window) if t in sources or t.replace("&&", "&") in english}


def clipped(window: QWidget) -> list[str]:
    """Visible labels and buttons whose text needs more room than they were given."""
    problems = []
    for widget in _widgets(window):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisible():
            continue
        size, hint = widget.size(), widget.sizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(size.width())
            if size.height() < needed:
                problems.append(f"{widget.text()!r}: height {size.height()} < {needed}")
        elif size.width() < hint.width() or size.height() < hint.height():
            text = widget.text()
            problems.append(f"{text!r}: {size.toTuple()} < hint {hint.toTuple()}")
    return problems


def _walk(interface: QAccessibleInterface) -> Iterator[QAccessibleInterface]:
    yield interface
    for i in range(interface.childCount()):
        child = interface.child(i)
        if child is not None and child.isValid():
            yield from _walk(child)


def unnamed_controls(window: QWidget) -> list[str]:
    """Interactive, visible controls with no accessible name (Qt's accessibility tree), and
    buttons showing only an icon with neither accessible name nor tooltip."""
    root = QAccessible.queryAccessibleInterface(window)
    assert root is not None and root.isValid()
    problems = []
    for item in _walk(root):
        if item.role() not in INTERACTIVE_ROLES or item.state().invisible:
            continue
        if not item.text(QAccessible.Text.Name).strip():
            widget = item.object()
            problems.append(f"{item.role().name} {type(widget).__name__} {widget.objectName()}")
    for button in window.findChildren(QAbstractButton):
        icon_only = button.isVisible() and not button.text() and not button.icon().isNull()
        if icon_only and not (button.accessibleName() or button.toolTip()):
            problems.append(f"icon-only {type(button).__name__} without a name")
    return problems


def tab_chain(window: QWidget, limit: int = 80) -> list[QWidget]:
    """The widgets that receive focus on Tab, starting with the one focused now, until the
    chain comes round again."""
    window.activateWindow()
    QApplication.processEvents()
    first = QApplication.focusWidget()
    assert first is not None, "nothing has the keyboard focus"
    chain = [first]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        assert current is not None
        if current is first:
            return chain
        chain.append(current)
    raise AssertionError(f"Tab never came back to {first!r}")


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """The app's translators and default locale for `language`, put back afterwards."""
    app = QApplication.instance()
    assert app is not None
    before = QLocale()
    install_translations(app, language)
    try:
        yield
    finally:
        install_translations(app, "en")
        QLocale.setDefault(before)


@contextlib.contextmanager
def font_scaled(factor: float) -> Iterator[None]:
    """The application font `factor` times larger (a large-font desktop setting)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * factor)
    app.setFont(font)
    try:
        yield
    finally:
        app.setFont(before)
