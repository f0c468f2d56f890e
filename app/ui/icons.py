"""Tray icons per state, light and dark, drawn from SVG at whatever size the tray asks for
(Qt's SVG icon engine renders on demand: sharp on HiDPI, and nothing rendered up front, which
keeps start-up short).

"light"/"dark" name the panel the icon sits on: dark ink for light panels and the reverse.
The variant follows the application's colour scheme (or, when Qt cannot tell, its palette).
On macOS the menu bar tints icons itself: there the monochrome "template" variant is used,
marked as a mask, so it follows light, dark and highlighted menu bars.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon, QPalette

from app import resources


class TrayState(StrEnum):
    IDLE = "idle"  # not tracking
    TRACKING = "tracking"
    CHECK = "check"  # an activity check waits for an answer
    OFFLINE = "offline"  # the server is unreachable or journaled commands wait
    ERROR = "error"


def svg_path(state: TrayState, dark: bool, template: bool = False) -> Path:
    variant = "template" if template else "dark" if dark else "light"
    return resources.tray_icon(state.value, variant)


def palette_is_dark() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def prefers_dark() -> bool:
    """Whether the desktop looks dark: the style hints' colour scheme, else the palette."""
    # `Qt` is imported here, not at the top: its first use builds every enum of the Qt
    # namespace (~40 ms), which the launch icon (palette_is_dark) does without.
    from PySide6.QtCore import Qt

    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return palette_is_dark()


@cache
def state_icon(state: TrayState, dark: bool, template: bool = False) -> QIcon:
    path = svg_path(state, dark, template)
    icon = QIcon(str(path))
    if icon.isNull() or icon.pixmap(QSize(22, 22)).isNull():
        raise ValueError(f"the icon {path} cannot be drawn (missing file or SVG support)")
    icon.setIsMask(template)
    return icon


def icon_for(state: TrayState, dark: bool | None = None, platform: str | None = None) -> QIcon:
    if (platform or sys.platform) == "darwin":
        return state_icon(state, False, template=True)
    return state_icon(state, prefers_dark() if dark is None else dark)
