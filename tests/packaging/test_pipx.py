"""The wheel and the sdist install with pipx into a clean environment (its home and bin folder
in a temp dir) and run: `pacetray --version`, and `pacetray serve --port 0` starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app
from tests.packaging.conftest import Dists, first_line
from tests.support.procs import terminate

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_pipx_installs_and_runs_the_package(dists: Dists, tmp_path: Path, kind: str) -> None:
    artifact = dists.wheel if kind == "wheel" else dists.sdist
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith("PIPX_")
    }
    env.update(
        PIPX_HOME=str(tmp_path / "pipx"),
        PIPX_BIN_DIR=str(tmp_path / "bin"),
        PIPX_MAN_DIR=str(tmp_path / "man"),
        PIPX_DEFAULT_PYTHON=sys.executable,
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    # pip's cache stays the user's (PIP_CACHE_DIR or the real home's): downloads are reused
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    install = subprocess.run(
        [sys.executable, "-m", "pipx", "install", str(artifact)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    exe = tmp_path / "bin" / "pacetray"
    assert exe.is_file()

    version = subprocess.run(
        [str(exe), "--version"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"pacetray {app.__version__}"

    serve = subprocess.Popen(
        [str(exe), "serve", "--port", "0", "--data", str(tmp_path / "data")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = first_line(serve, timeout=60)
        assert line.startswith("Listening on http://127.0.0.1:"), line
    finally:
        terminate(serve)
