"""The yardstick for the tray app: a bare PySide6 program that shows one tray icon.

`python -m tests.bench.tray_baseline` is what bench_tray.py launches side by side with the real
app. With `--report` it also prints, one per line, what the e2e tests check about the tray host:
`available True|False`, `geometry X Y W H` once the icon is embedded, and `activated REASON`
for every click (Trigger, Context, DoubleClick, MiddleClick).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def main(argv: list[str]) -> int:
    report = "--report" in argv
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#c0392b"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    if report:
        print(f"available {QSystemTrayIcon.isSystemTrayAvailable()}", flush=True)

        def on_activated(reason: QSystemTrayIcon.ActivationReason) -> None:
            print(f"activated {reason.name}", flush=True)

        tray.activated.connect(on_activated)

        def report_geometry() -> None:
            # The first geometry is a pre-embed guess at (0, 0); the real one follows.
            geo = tray.geometry()
            if geo.x() == 0 and geo.y() == 0:
                QTimer.singleShot(5, report_geometry)
                return
            print(f"geometry {geo.x()} {geo.y()} {geo.width()} {geo.height()}", flush=True)

        QTimer.singleShot(0, report_geometry)
    tray.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
