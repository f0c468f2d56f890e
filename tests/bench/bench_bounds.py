"""Figures for issue 16 (bounded against bad peers):

1. Client: peak RSS (VmHWM) of a process running the API client, idle (after one small
   answer) and after a request against a server streaming an endless JSON answer (cut at the
   8 MiB cap). Aim: within 10 MB of idle.
2. Server: peak RSS of `pacetray serve` (a process of its own) while a 300 MB body is refused,
   declared with Content-Length and chunked. Aim: within 10 MB of idle.
3. Tray: the longest Qt event-loop stall (a 5 ms PreciseTimer on the GUI thread, offscreen)
   while the tracker's server turns into a drip-feed mid-track and the tray goes offline:
   the real Tracker, TrackerBridge and Controller on one qasync loop. Aim: <= 25 ms.
4. The OpenAPI fuzzing run (schemathesis, all checks) with a longer budget than the suite's:
   see bench_openapi.py.

`python -m tests.bench bounds`; `python -m tests.bench.bench_bounds client URL` and
`... tray` are the measured workers (internal).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.bigbody import ServeProcess, peak_rss_kib, send_big_body
from tests.support.hostile import HostileServer, HostileThread

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
DEADLINE = 2.0  # the tray worker's request deadline
PROBE_MS = 5


# --- 1. the client against an endless answer -------------------------------------------------


def client_worker(small_url: str, endless_url: str) -> int:
    from app.api.client import TrackingClient
    from app.api.errors import AnswerTooLarge, ProtocolError
    from app.api.retry import RetryPolicy

    async def one(url: str) -> str:
        async with TrackingClient(url, token="bench", retry=RetryPolicy.none()) as client:
            try:
                await client.current()
            except ProtocolError as exc:
                return type(exc).__name__
        return "ok"

    asyncio.run(one(small_url))  # warm: imports, a connection, a parsed answer
    idle = peak_rss_kib(os.getpid())
    started = time.monotonic()
    outcome = asyncio.run(one(endless_url))
    spent = time.monotonic() - started
    peak = peak_rss_kib(os.getpid())
    assert outcome == AnswerTooLarge.__name__, outcome
    print(f"{idle} {peak} {spent:.3f} {outcome}")
    return 0


def bench_client() -> None:
    with HostileThread("big", size=4096) as small, HostileThread("endless") as endless:
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_bounds", "client", small.url, endless.url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split()
        sent = endless.sent
    idle, peak, spent = int(out[0]), int(out[1]), float(out[2])
    print(
        f"client vs endless answer: peak RSS idle {idle / 1024:.1f} MiB, after "
        f"{peak / 1024:.1f} MiB (+{(peak - idle) / 1024:.1f} MiB; aim <= 10 MB); cut as "
        f"{out[3]} after {spent * 1000:.0f} ms; the server got {sent / MiB:.1f} MiB out"
    )


# --- 2. the server against a 300 MB body ------------------------------------------------------


def bench_server() -> None:
    import urllib.request

    with tempfile.TemporaryDirectory() as tmp:
        serve = ServeProcess(Path(tmp), "bench-bounds-token")
        try:
            request = urllib.request.Request(
                f"{serve.url}/api/tracking/client/current?api-version=3.2",
                headers={"Authorization": f"Bearer {serve.token}"},
            )
            for _ in range(3):
                urllib.request.urlopen(request, timeout=10).read()
            idle = peak_rss_kib(serve.pid)
            print(f"server (pacetray serve) idle peak RSS: {idle / 1024:.1f} MiB")
            for chunked in (False, True):
                refusal = send_big_body(
                    serve.host,
                    serve.port,
                    "/api/tracking/client/startTracking?api-version=3.2",
                    300 * MiB,
                    chunked=chunked,
                    token=serve.token,
                )
                peak = peak_rss_kib(serve.pid)
                how = "chunked" if chunked else "Content-Length"
                print(
                    f"  300 MB body ({how}): {refusal.status} "
                    f"{refusal.body['error']['errorCode']} after "
                    f"{refusal.seconds * 1000:.0f} ms, {refusal.body_bytes_sent / MiB:.1f} MiB "
                    f"of body sent; peak RSS {peak / 1024:.1f} MiB "
                    f"(+{(peak - idle) / 1024:.1f} MiB; aim <= 10 MB)"
                )
        finally:
            serve.stop()


# --- 3. the tray's event loop while its server drip-feeds ------------------------------------


def tray_worker(url: str, token: str) -> int:
    os.environ.setdefault("QT_API", "pyside6")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from urllib.parse import urlsplit

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.api.client import TrackingClient
    from app.tracking.journal import Journal
    from app.tracking.target import TrackTarget
    from app.tracking.tracker import Tracker
    from app.ui.bridge import TrackerBridge
    from app.ui.controller import Controller
    from app.ui.gc_trap import GuiThreadCollector
    from app.ui.icons import TrayState
    from tests.bench.stall_probe import POLL, DriftProbe
    from tests.support.wait import wait_until

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    collector = GuiThreadCollector()
    collector.start()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    probe = DriftProbe(PROBE_MS)
    figures: dict[str, float] = {}

    async def main() -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        async with HostileServer(
            "proxy", interval=0.2, upstream=(parts.hostname, parts.port)
        ) as proxy:
            client = TrackingClient(proxy.url, token=token, deadline=DEADLINE)
            with tempfile.TemporaryDirectory() as tmp:
                journal = Journal(Path(tmp) / "journal.sqlite")
                tracker = Tracker(client, activity=None, detector=None, journal=journal)
                bridge = TrackerBridge(tracker, client)
                controller = Controller(bridge, local_mode=False, hotkeys=False, tray_wait=0.2)
                try:
                    bridge.start_polling()
                    controller.start()
                    collector.settle()
                    await wait_until(
                        lambda: bridge.state is not None, 30, "a first state", interval=POLL
                    )
                    if not await bridge.start(TrackTarget(1349, "drip bench")):
                        raise RuntimeError(f"start failed: {bridge.last_error}")
                    probe.start()
                    begin = time.perf_counter()
                    await proxy.turn("drip")
                    stop = bridge.run(bridge.stop())
                    await wait_until(
                        lambda: controller.tray.tray_state is TrayState.OFFLINE,
                        10 * DEADLINE,
                        "the offline state",
                        interval=POLL,
                    )
                    figures["offline"] = time.perf_counter() - begin
                    await asyncio.wait_for(stop, 10 * DEADLINE)
                    figures["settled"] = time.perf_counter() - begin
                    figures["journal"] = journal.count()
                    await asyncio.sleep(1.0)  # polling on against the drip-feed
                    probe.stop()
                finally:
                    await controller.close()
                    await bridge.close()
                    await client.aclose()
                    journal.close()

    with loop:
        loop.run_until_complete(main())
    lates = sorted(probe.lates)
    print(
        f"tray vs a server turning drip-feed mid-track (deadline {DEADLINE:g} s): offline shown "
        f"after {figures['offline']:.2f} s, the stop journaled ({figures['journal']:.0f} waiting) "
        f"after {figures['settled']:.2f} s; max event-loop stall {lates[-1] * 1000:.1f} ms over "
        f"{len(lates)} ticks of {PROBE_MS} ms (aim <= 25 ms); ticks > 25 ms late: "
        f"{sum(1 for x in lates if x > 0.025)}"
    )
    return 0


def bench_tray() -> None:
    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    with (
        tempfile.TemporaryDirectory() as tmp,
        ServerThread(ServerConfig(port=0, token="bench", data_dir=Path(tmp))) as server,
    ):
        result = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_bounds", "tray", server.url, "bench"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    print(result.stdout.strip() or f"tray worker failed: {result.stderr.strip()[-800:]}")


def main() -> None:
    bench_client()
    bench_server()
    bench_tray()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "client":
        raise SystemExit(client_worker(sys.argv[2], sys.argv[3]))
    if len(sys.argv) >= 2 and sys.argv[1] == "tray":
        raise SystemExit(tray_worker(sys.argv[2], sys.argv[3]))
    main()
