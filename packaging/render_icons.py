"""Render the app icon (resources/icons/hicolor/scalable/apps/pacetray.svg) into the PNG sizes
of the hicolor theme, and the Windows .ico and macOS .icns the PyInstaller spec uses
(packaging/icons/).

The outputs are checked in (a build needs no display and no renderer); run this again after
changing the SVG:

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

PACKAGING = Path(__file__).resolve().parent
RESOURCES = PACKAGING.parent / "resources"
HICOLOR = RESOURCES / "icons" / "hicolor"
SVG = HICOLOR / "scalable" / "apps" / "pacetray.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def write(image: QImage, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QImageWriter(str(path), fmt.encode())
    if not writer.write(image):
        raise SystemExit(f"cannot write {path}: {writer.errorString()}")
    print(path.relative_to(PACKAGING.parent))


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    for size in SIZES:
        write(render(renderer, size), HICOLOR / f"{size}x{size}" / "apps" / "pacetray.png", "png")
    big = render(renderer, 256)
    write(big, PACKAGING / "icons" / "pacetray.ico", "ico")
    write(big, PACKAGING / "icons" / "pacetray.icns", "icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
