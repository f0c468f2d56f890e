"""Tray icons per state, light and dark, rendered from SVG at several sizes (sharp on HiDPI).

"light"/"dark" name the panel the icon sits on: dark ink for light panels and the reverse.
The variant follows the application's colour scheme (or, when Qt cannot tell, its palette).
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).parent / "resources" / "icons"
# Tray sizes in use (16-24 on X11/Windows, 32+ on HiDPI and macOS), times device pixel ratios.
SIZES = (16, 20, 22, 24, 32, 40, 44, 48, 64, 96, 128)


class TrayState(StrEnum):
    IDLE = "idle"  # not tracking
    TRACKING = "tracking"
    CHECK = "check"  # an activity check waits for an answer
    OFFLINE = "offline"  # the server is unreachable or journaled commands wait
    ERROR = "error"


def svg_path(state: TrayState, dark: bool) -> Path:
    return ICON_DIR / f"{state.value}-{'dark' if dark else 'light'}.svg"


def prefers_dark() -> bool:
    """Whether the desktop looks dark: the style hints' colour scheme, else the palette."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def render(path: Path, size: int) -> QPixmap:
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise ValueError(f"the icon {path} is not a valid SVG file")
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


@cache
def state_icon(state: TrayState, dark: bool) -> QIcon:
    """A QIcon holding pre-rendered pixmaps at every common tray size (no blurry scaling)."""
    path = svg_path(state, dark)
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(render(path, size))
    return icon


def icon_for(state: TrayState, dark: bool | None = None) -> QIcon:
    return state_icon(state, prefers_dark() if dark is None else dark)
