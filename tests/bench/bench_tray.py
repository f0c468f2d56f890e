"""Figures for the tray app (issue 5), on a private desktop (Xvfb + trayer), in one run:

1. Launch to tray icon visible, and steady memory, of the real app (`python -m app tray
   --server URL --token T`) against a bare PySide6 program with one tray icon
   (tests/bench/tray_baseline.py), launched alternately, N times each; medians and ratios.
   A third program, the "floor", is the baseline plus asyncio, qasync and one httpx client
   (`tray_baseline --stack`): what the prescribed libraries cost before any app code.
   "Visible" is measured the same way for both: from just before the process is spawned until
   trayer holds a mapped icon window whose pixels on the screen differ from the panel's
   background (polled straight from the X server). "Steady" RSS is VmRSS read SETTLE seconds
   after that (median of three reads 0.2 s apart).
2. Longest Qt event-loop stall while the server answers every call after 3 s (fault injection
   `latency=3`), during search typing and start/stop: a PreciseTimer firing every 5 ms on the
   GUI thread records how late each tick comes. The worker process builds the real app
   objects (client, Tracker, TrackerBridge, and the popup and tray icon when they exist) on
   one qasync loop, types into the popup's search field key by key (or calls
   `bridge.search` per keystroke without a popup), then starts and stops tracking.

   The app runs twice over: with live updates (the SignalR hub, connected during the settle
   time: the default) and with `live_updates = false` (polling only); the difference in steady
   RSS is the hub's cost.

3. First open of each dialog (issue 13: built, and its module imported, when first needed):
   from the trigger (a left click on the tray icon, a menu action, the tracker's question, no
   tray after the wait) until the window has been shown and painted, in fresh app processes
   against a server without injected latency; medians.
4. What the remote-mode tray (`--server URL --token T`) has in sys.modules once steady,
   grouped by package, with a rough RSS figure per package (each module's own growth when
   imported into a floor process).

Aims: launch <= 1.5x the bare tray, memory <= 1.25x the floor (issue 13; was <= 1.3x the bare
tray), stall <= 25 ms, first open <= 150 ms, hub <= +3 MiB.
`python -m tests.bench tray` runs it; `python -m tests.bench.bench_tray stall|first-open URL`
and `... attribute FILE RSS` are its workers (internal).
"""

from __future__ import annotations

import compileall
import contextlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LAUNCHES = 5
SETTLE = 3.0  # seconds after the icon is visible before RSS counts as steady
TOKEN = "bench-token"
LATENCY = 3.0
PROBE_MS = 5
FIRST_OPEN_RUNS = 5
FIRST_OPEN_AIM_MS = 150


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def app_available() -> bool:
    return importlib.util.find_spec("app.commands.tray") is not None


class LocalServer:
    """`pacetray serve` in a process of its own (its work must not share the bench's GIL)."""

    def __init__(self, data: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "app", "serve", "--port", "0", "--token", TOKEN,
                "--data", str(data), *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline().strip()
        if not first.startswith("Listening on "):
            self.stop()
            raise RuntimeError(f"the local server did not start: {first!r}")
        self.url = first.removeprefix("Listening on ")

    def set_faults(self, **faults: float) -> None:
        from tests.support.faults import set_faults

        set_faults(self.url, TOKEN, reset=False, **faults)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def _home_env(base: dict[str, str], home: Path) -> dict[str, str]:
    env = dict(base)
    for key, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("PACETRAY_CONFIG_DIR", "config/pacetray"),
        ("PACETRAY_DATA_DIR", "data/pacetray"),
    ):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[key] = str(path)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env.pop("PACETRAY_TOKEN", None)
    env.pop("PACETRAY_SERVER", None)
    return env


def _write_settings(env: dict[str, str], settings: dict[str, object] | None) -> None:
    if settings:
        import tomli_w

        path = Path(env["PACETRAY_CONFIG_DIR"]) / "settings.toml"
        path.write_text(tomli_w.dumps(settings))


def _live_connected(env: dict[str, str]) -> bool:
    """Did this launch of the app connect live updates (its log says so)?"""
    log = Path(env["XDG_STATE_HOME"]) / "pacetray" / "log" / "pacetray.log"
    return log.exists() and "Live updates: connected" in log.read_text(errors="replace")


def launch_once(desk: object, args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds to a visible tray icon, steady RSS in KiB) of one launch of `args`."""
    from tests.e2e.desktop import Desktop

    assert isinstance(desk, Desktop)
    if desk.icons():
        raise RuntimeError("the tray is not empty before a launch")
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        desk.wait_icon(timeout=30)
        visible = time.perf_counter() - started
        time.sleep(SETTLE)  # a settling period, not a wait for an event: RSS after it
        reads = []
        for _ in range(3):
            reads.append(_rss_kib(proc.pid))
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(f"{args[2]} exited with {proc.returncode} while measured")
        return visible, int(statistics.median(reads))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        deadline = time.monotonic() + 10
        while desk.icons() and time.monotonic() < deadline:
            time.sleep(0.01)


def launches(desk: object, tmp: Path) -> None:
    from tests.e2e.desktop import Desktop

    assert isinstance(desk, Desktop)
    # Bytecode first, as an installed app has it (an editable install does not, and with
    # PYTHONDONTWRITEBYTECODE every launch would compile the app's sources again).
    for folder in ("app", "tests/bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    base = [sys.executable, "-m", "tests.bench.tray_baseline"]
    server: LocalServer | None = None
    programs: dict[str, list[str]] = {"baseline": base, "floor": [*base, "--stack"]}
    settings: dict[str, dict[str, object]] = {}
    if app_available():
        server = LocalServer(tmp / "server-launch")
        programs["app"] = [
            sys.executable, "-m", "app", "tray", "--server", server.url, "--token", TOKEN,
        ]  # fmt: skip
        programs["app-poll"] = programs["app"]  # the same app, live updates off
        settings["app-poll"] = {"live_updates": False}
    else:
        print("app: `pacetray tray` (app/commands/tray.py) does not exist yet; baseline only")
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in programs}
    live_launches = 0
    try:
        # One warm-up launch each (page cache, .pyc files), then alternate.
        for name, args in programs.items():
            env = _home_env(desk.env(), tmp / f"home-{name}-warm")
            _write_settings(env, settings.get(name))
            launch_once(desk, args, env)
        for i in range(LAUNCHES):
            for name, args in programs.items():
                env = _home_env(desk.env(), tmp / f"home-{name}-{i}")
                _write_settings(env, settings.get(name))
                results[name].append(launch_once(desk, args, env))
                if name == "app" and _live_connected(env):
                    live_launches += 1
    finally:
        if server is not None:
            server.stop()
    medians: dict[str, tuple[float, float]] = {}
    for name, runs in results.items():
        times = [t for t, _ in runs]
        rss = [r for _, r in runs]
        medians[name] = (statistics.median(times), statistics.median(rss))
        print(
            f"{name:9s} launch to icon visible: median {medians[name][0] * 1000:7.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; n={len(times)})   "
            f"steady RSS: median {medians[name][1] / 1024:6.1f} MiB "
            f"(min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f})"
        )
    if "app" in medians:
        launch_ratio = medians["app"][0] / medians["baseline"][0]
        memory_ratio = medians["app"][1] / medians["baseline"][1]
        print(f"launch ratio app/baseline: {launch_ratio:.2f}x (aim <= 1.5x)")
        print(f"memory ratio app/baseline: {memory_ratio:.2f}x (aim <= 1.3x)")
        app_floor = medians["app"][1] / medians["floor"][1]
        print(
            f"memory ratio app/floor: {app_floor:.2f}x (aim <= 1.25x: the app over the "
            f"prescribed stack alone; {(medians['app'][1] - medians['floor'][1]) / 1024:+.1f} MiB)"
        )
        hub_cost = (medians["app"][1] - medians["app-poll"][1]) / 1024
        print(
            f"live updates: app (hub connected) {medians['app'][1] / 1024:.1f} MiB vs "
            f"app-poll (live_updates = false) {medians['app-poll'][1] / 1024:.1f} MiB: "
            f"{hub_cost:+.1f} MiB (aim <= +3 MiB); the hub was connected in {live_launches} "
            f"of {LAUNCHES} measured app launches (the app's log)"
        )
    floor_ratio = medians["floor"][1] / medians["baseline"][1]
    print(
        f"memory ratio floor/baseline: {floor_ratio:.2f}x (the prescribed stack alone: "
        "PySide6 tray + asyncio + qasync + httpx, no app code)"
    )


def stall(desk: object, tmp: Path) -> None:
    from tests.e2e.desktop import Desktop

    assert isinstance(desk, Desktop)
    server = LocalServer(tmp / "server-stall")
    try:
        server.set_faults(latency=LATENCY)
        env = _home_env(desk.env(), tmp / "home-stall")
        result = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_tray", "stall", server.url],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    if result.returncode != 0:
        raise RuntimeError(f"the stall worker failed:\n{result.stderr[-3000:]}")
    print(result.stdout.rstrip())


# The app's own start-up path (`pacetray tray ...`); writes sys.modules, in import order, at exit.
MODULES_AT_EXIT = """
import atexit, json, sys
def dump():
    with open(sys.argv[1], "w") as out:
        json.dump(list(sys.modules), out)
atexit.register(dump)
from app.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def remote_modules(desk: object, tmp: Path) -> None:
    """What the remote-mode tray has imported once steady, grouped by top-level package (our
    own by sub-package), with a rough RSS figure per group: the groups imported in the app's
    order into a floor process (tray icon + asyncio + httpx + qasync), RSS read after each."""
    from tests.e2e.desktop import Desktop

    assert isinstance(desk, Desktop)
    server = LocalServer(tmp / "server-modules")
    dump = tmp / "modules.json"
    env = _home_env(desk.env(), tmp / "home-modules")
    args = ["tray", "--server", server.url, "--token", TOKEN]
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", MODULES_AT_EXIT, str(dump), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            desk.wait_icon(timeout=30)
            time.sleep(SETTLE)  # steady, as the launches are measured
            app_rss = _rss_kib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)
        deadline = time.monotonic() + 10
        while desk.icons() and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.stop()
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_tray", "attribute", str(dump), str(app_rss)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the attribution worker failed:\n{result.stderr[-3000:]}")
    print(result.stdout.rstrip())


class _ImportMeter:
    """A meta path finder that wraps each module's loader: RSS growth from creating the module
    (an extension's dlopen) to the end of its body, less what its own imports grew it by (the
    memory counterpart of `python -X importtime`'s self time)."""

    def __init__(self) -> None:
        self.own: dict[str, int] = {}  # module -> KiB of its own
        self._stack: list[list[int]] = []  # [RSS at start, KiB of nested imports]

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _MeteredLoader(spec.loader, self, name)
                return spec
        return None

    def start(self) -> None:
        self._stack.append([_rss_kib(os.getpid()), 0])

    def end(self, name: str) -> None:
        started, nested = self._stack.pop()
        total = _rss_kib(os.getpid()) - started
        self.own[name] = total - nested
        if self._stack:
            self._stack[-1][1] += total


class _MeteredLoader:
    def __init__(self, loader: Any, meter: _ImportMeter, name: str) -> None:
        self._loader, self._meter, self._name = loader, meter, name
        self._started = False

    def create_module(self, spec: Any) -> Any:
        self._meter.start()
        self._started = True
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        if not self._started:
            self._meter.start()
        try:
            self._loader.exec_module(module)
        finally:
            self._meter.end(self._name)

    def __getattr__(self, name: str) -> Any:  # resources, source, ...: the real loader's
        return getattr(self._loader, name)


def run_attribution_worker(dump: str, app_rss_kib: int) -> int:
    import importlib

    sys.modules["httpx._main"] = None  # type: ignore[assignment]  # as the floor does
    import asyncio  # noqa: F401

    import httpx  # noqa: F401
    from PySide6.QtGui import QColor, QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication(sys.argv[:1])
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#c0392b"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()
    import qasync  # noqa: F401

    from app.ui.launch import lighter_import_hook

    lighter_import_hook()  # as the app does
    floor = _rss_kib(os.getpid())
    modules = [m for m in json.loads(Path(dump).read_text()) if not m.startswith("__")]
    meter = _ImportMeter()
    sys.meta_path.insert(0, meter)
    for name in modules:
        with contextlib.suppress(Exception):  # a platform's module, or one needing its context
            importlib.import_module(name)
    sys.meta_path.remove(meter)
    sizes: dict[str, list[int]] = {}  # group -> [modules, KiB]
    for name, kib in meter.own.items():
        parts = name.split(".")
        size = sizes.setdefault(".".join(parts[:2]) if parts[0] == "app" else parts[0], [0, 0])
        size[0] += 1
        size[1] += kib
    rows = [(group, count, kib) for group, (count, kib) in sizes.items()]
    imported = sum(kib for *_, kib in rows)
    rows.sort(key=lambda row: -row[2])
    print(
        f"remote-mode tray: {len(modules)} modules in sys.modules, {len(rows)} packages; "
        "rough RSS per package (each module's own growth, imported into a floor process):"
    )
    shown = [row for row in rows if row[2] >= 256]
    for group, count, kib in shown:
        print(f"  {group:28s} {kib / 1024:5.1f} MiB  ({count} modules)")
    rest = rows[len(shown) :]
    print(
        f"  {len(rest)} other packages        {sum(r[2] for r in rest) / 1024:5.1f} MiB  "
        f"({sum(r[1] for r in rest)} modules)"
    )
    print(
        f"  imports {imported / 1024:.1f} MiB over this floor process ({floor / 1024:.1f} MiB); "
        f"the app's steady {app_rss_kib / 1024:.1f} MiB leaves "
        f"{(app_rss_kib - floor - imported) / 1024:+.1f} MiB for what it builds and runs "
        "(widgets, threads, connections, caches)"
    )
    app.quit()
    return 0


def first_opens(desk: object, tmp: Path) -> None:
    """Each dialog's first open (trigger -> shown and painted), FIRST_OPEN_RUNS fresh app
    processes against a server without injected latency; medians."""
    from tests.e2e.desktop import Desktop

    assert isinstance(desk, Desktop)
    server = LocalServer(tmp / "server-first-open")
    runs: list[dict[str, float]] = []
    try:
        for i in range(FIRST_OPEN_RUNS):
            env = _home_env(desk.env(), tmp / f"home-first-open-{i}")
            result = subprocess.run(
                [sys.executable, "-m", "tests.bench.bench_tray", "first-open", server.url],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if result.returncode != 0:
                raise RuntimeError(f"the first-open worker failed:\n{result.stderr[-3000:]}")
            runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    finally:
        server.stop()
    print(
        f"first open (trigger -> window shown and painted; modules imported and the window "
        f"built then; {FIRST_OPEN_RUNS} fresh processes; aim <= {FIRST_OPEN_AIM_MS} ms):"
    )
    for name in runs[0]:
        times = [run[name] for run in runs]
        print(
            f"  {name:22s} median {statistics.median(times):6.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f})"
        )


def main() -> None:
    from tests.e2e.desktop import Desktop

    with tempfile.TemporaryDirectory(prefix="pacetray-bench-tray-") as tmp, Desktop() as desk:
        launches(desk, Path(tmp))
        stall(desk, Path(tmp))
        first_opens(desk, Path(tmp))
        if app_available():
            remote_modules(desk, Path(tmp))


if __name__ == "__main__":
    if sys.argv[1:2] == ["stall"]:
        from tests.bench.stall_probe import run_stall_worker

        raise SystemExit(run_stall_worker(sys.argv[2], TOKEN, LATENCY, PROBE_MS))
    if sys.argv[1:2] == ["attribute"]:
        raise SystemExit(run_attribution_worker(sys.argv[2], int(sys.argv[3])))
    if sys.argv[1:2] == ["first-open"]:
        from tests.bench.stall_probe import run_first_open_worker

        raise SystemExit(run_first_open_worker(sys.argv[2], TOKEN))
    main()
