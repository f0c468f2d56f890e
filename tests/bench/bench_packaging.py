"""Figures for the packages (issue 14), built here once each (PyInstaller is heavy):

1. Size: the app's one-folder bundle on disk (packaging/pacetray.spec) and its .deb (xz, as
   `make dist` builds it), beside a bare PySide6 tray program (tests/bench/tray_baseline.py)
   frozen the same way (the spec's excludes and Qt plugin pruning) and compressed with the
   same xz. Aim: bundle <= 1.5x the baseline's.
2. Launch to tray icon visible of the installed bundle (`/usr/bin/pacetray` from the .deb when
   root, else the bundle's executable) as a ratio to running from source (`python -m app`),
   both `tray --server URL --token T` against one local server, on a private desktop (Xvfb +
   trayer), alternately, N times each after a warm-up; medians. The measurement is
   bench_tray's (spawn → a painted icon in trayer). Aim: <= 1.2x.

`python -m tests.bench packaging` runs it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LAUNCHES = 5
MIB = 1024 * 1024

BASELINE_SPEC = """\
import sys
sys.path.insert(0, {packaging!r})
from PyInstaller.depend import bindepend
import bundle_options as opts

a = Analysis([{script!r}], excludes=[*opts.EXCLUDES, "httpx", "qasync"])


def _imports(source):
    return [name for name, _path in bindepend.get_imports(source)]


a.binaries = opts.drop_unused(list(a.binaries), _imports)
a.datas = opts.drop_dangling_links(list(a.datas), a.binaries)
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="tray_baseline", console=True)
coll = COLLECT(exe, a.binaries, a.datas, name="tray_baseline")
"""


def pyinstaller(spec: Path, work: Path) -> Path:
    result = subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(spec),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"PyInstaller failed on {spec.name}:\n{result.stderr[-3000:]}")
    return work / "dist"


def disk_usage(folder: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks, like du)."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) + folder.stat().st_blocks * 512


def xz_size(folder: Path, out: Path) -> int:
    subprocess.run(
        ["tar", "-cJf", str(out), "-C", str(folder.parent), folder.name],
        check=True,
        env={**os.environ, "XZ_OPT": "-6"},  # dpkg-deb's default xz level
    )
    return out.stat().st_size


def build_deb(bundle: Path, out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "build_deb.py"), str(bundle), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"build_deb.py failed: {result.stderr[-2000:]}")
    return Path(result.stdout.strip())


def sizes(tmp: Path) -> tuple[Path, Path]:
    app_dist = pyinstaller(PACKAGING / "pacetray.spec", tmp / "app")
    spec = tmp / "tray_baseline.spec"
    spec.write_text(
        BASELINE_SPEC.format(
            packaging=str(PACKAGING), script=str(ROOT / "tests" / "bench" / "tray_baseline.py")
        )
    )
    base_dist = pyinstaller(spec, tmp / "baseline")
    bundle, baseline = app_dist / "pacetray", base_dist / "tray_baseline"
    deb = build_deb(bundle, tmp / "deb")
    app_disk, base_disk = disk_usage(bundle), disk_usage(baseline)
    base_xz = xz_size(baseline, tmp / "baseline.tar.xz")
    print(
        f"bundle on disk: app {app_disk / MIB:.1f} MiB, baseline {base_disk / MIB:.1f} MiB: "
        f"{app_disk / base_disk:.2f}x (aim <= 1.5x)"
    )
    print(
        f"compressed (xz -6): app .deb {deb.stat().st_size / MIB:.1f} MiB, baseline tar.xz "
        f"{base_xz / MIB:.1f} MiB: {deb.stat().st_size / base_xz:.2f}x"
    )
    return bundle, deb


def _installed(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return result.returncode == 0 and "installed" in result.stdout.split()


def launches(bundle: Path, deb: Path, tmp: Path) -> None:
    import compileall

    from tests.bench.bench_tray import TOKEN, LocalServer, _home_env, launch_once
    from tests.e2e.desktop import Desktop

    compileall.compile_dir(ROOT / "app", quiet=1)  # as an installed app has its bytecode
    install = os.geteuid() == 0 and not _installed("pacetray")
    if install:
        subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True)
        frozen = "/usr/bin/pacetray"
    else:
        frozen = str(bundle / "pacetray")
        print("not root (or a pacetray package is installed): timing the bundle in place")
    server = LocalServer(tmp / "server")
    try:
        with Desktop() as desk:
            tail = ["tray", "--server", server.url, "--token", TOKEN]
            programs = {
                "source": [sys.executable, "-m", "app", *tail],
                "installed": [frozen, *tail],
            }
            times: dict[str, list[float]] = {name: [] for name in programs}
            for name, args in programs.items():  # warm-up: page cache, bytecode
                launch_once(desk, args, _home_env(desk.env(), tmp / f"home-{name}-warm"))
            for i in range(LAUNCHES):
                for name, args in programs.items():
                    env = _home_env(desk.env(), tmp / f"home-{name}-{i}")
                    times[name].append(launch_once(desk, args, env)[0])
    finally:
        server.stop()
        if install:
            subprocess.run(["dpkg", "--purge", "pacetray"], check=True, capture_output=True)
    medians = {name: statistics.median(runs) for name, runs in times.items()}
    for name, runs in times.items():
        print(
            f"{name:9s} launch to icon visible: median {medians[name] * 1000:6.0f} ms "
            f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f}; n={len(runs)})"
        )
    ratio = medians["installed"] / medians["source"]
    print(f"launch ratio installed bundle/source: {ratio:.2f}x (aim <= 1.2x)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pacetray-bench-packaging-") as tmp:
        bundle, deb = sizes(Path(tmp))
        launches(bundle, deb, Path(tmp))


if __name__ == "__main__":
    main()
