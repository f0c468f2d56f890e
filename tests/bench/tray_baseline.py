"""The yardstick for the tray app: a bare PySide6 program that shows one tray icon.

`python -m tests.bench.tray_baseline` is what bench_tray.py launches side by side with the real
app. With `--report` it also prints, one per line, what the e2e tests check about the tray host:
`available True|False`, `geometry X Y W H` once the icon is embedded, and `activated REASON`
for every click (Trigger, Context, DoubleClick, MiddleClick).

With `--stack` it is the floor of the stack the mission prescribes, with no app code, at its
lowest: asyncio + httpx (without its CLI) imported first, the same icon, qasync, one
httpx.AsyncClient, run on a qasync loop.
bench_tray.py prints its figures beside the app's, so the memory aim can be read against what
the prescribed libraries alone cost.
"""

from __future__ import annotations

import sys

if "--stack" in sys.argv:
    # The floor at its lowest: httpx without its CLI (click), and the stack imported before
    # PySide6, whose import hook would otherwise read (and linecache keep) every source file.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    import asyncio  # noqa: F401

    import httpx  # noqa: F401

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
    if "--stack" in argv:
        return stack_floor(app)
    return app.exec()


def stack_floor(app: QApplication) -> int:
    import asyncio

    import httpx
    import qasync

    async def idle() -> None:
        async with httpx.AsyncClient():
            await asyncio.Event().wait()  # until the bench terminates the process

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(idle())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
