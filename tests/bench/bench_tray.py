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

Aims: launch <= 1.5x, memory <= 1.3x, stall <= 25 ms, hub <= +3 MiB.
`python -m tests.bench tray` runs it; `python -m tests.bench.bench_tray stall URL` is the
measured stall worker (internal).
"""

from __future__ import annotations

import compileall
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHES = 5
SETTLE = 3.0  # seconds after the icon is visible before RSS counts as steady
TOKEN = "bench-token"
LATENCY = 3.0
PROBE_MS = 5


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


def main() -> None:
    from tests.e2e.desktop import Desktop

    with tempfile.TemporaryDirectory(prefix="pacetray-bench-tray-") as tmp, Desktop() as desk:
        launches(desk, Path(tmp))
        stall(desk, Path(tmp))


if __name__ == "__main__":
    if sys.argv[1:2] == ["stall"]:
        from tests.bench.stall_probe import run_stall_worker

        raise SystemExit(run_stall_worker(sys.argv[2], TOKEN, LATENCY, PROBE_MS))
    main()
