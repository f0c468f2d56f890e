"""Packaging fixtures: each artifact is built once per session (builds are heavy on a shared
machine) into a session temp folder, never into the repository's dist/.

- `dists`: the sdist and wheel (`python -m build`);
- `bundle`: the PyInstaller one-folder bundle (packaging/pacetray.spec);
- `deb`: the Debian package built from that bundle (packaging/build_deb.py).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
BUILD_TIMEOUT = 900


def load_packaging_module(name: str) -> ModuleType:
    """A helper script of packaging/ (a folder, not a package: see bundle_options.py)."""
    spec = importlib.util.spec_from_file_location(
        f"pacetray_packaging_{name}", PACKAGING / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_build(args: list[str], what: str, log: Path) -> None:
    with log.open("w") as out:
        result = subprocess.run(
            args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT
        )
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{what} failed ({result.returncode}); the end of {log}:\n{tail}")


def first_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line, or fail after `timeout` (read in a thread: no blocking read)."""
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.append(proc.stdout.readline() if proc.stdout else ""), daemon=True
    )
    reader.start()
    reader.join(timeout)
    assert lines, f"no output within {timeout} s"
    return lines[0].strip()


@dataclass(frozen=True)
class Dists:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    out = tmp_path_factory.mktemp("dist")
    run_build(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        "python -m build",
        out / "build.log",
    )
    wheels = sorted(out.glob("pacetray-*.whl"))
    sdists = sorted(out.glob("pacetray-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return Dists(wheels[0], sdists[0])


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle: <tmp>/dist/pacetray (run pacetray inside it)."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is missing: install the test extra (`make venv`)")
    base = tmp_path_factory.mktemp("pyinstaller")
    run_build(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(base / "dist"), "--workpath", str(base / "build"),
            str(PACKAGING / "pacetray.spec"),
        ],
        "PyInstaller",
        base / "pyinstaller.log",
    )  # fmt: skip
    folder = base / "dist" / "pacetray"
    assert (folder / "pacetray").is_file()
    return folder


@pytest.fixture(scope="session")
def deb(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("dpkg-deb", "objdump", "ldconfig"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make system-deps`")
    out = tmp_path_factory.mktemp("deb")
    # gzip, not dpkg-deb's default xz: the same package, built in a fraction of the time
    run_build(
        [
            sys.executable, str(PACKAGING / "build_deb.py"), str(bundle), "--out", str(out),
            "--compression", "gzip",
        ],
        "build_deb.py",
        out / "build_deb.log",
    )  # fmt: skip
    debs = sorted(out.glob("pacetray_*.deb"))
    assert len(debs) == 1
    return debs[0]
