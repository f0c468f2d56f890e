"""The Debian package of the Linux bundle (packaging/build_deb.py): its control data and
layout; then, as root, installed with dpkg, `pacetray` started from /usr/bin docking in a real
tray (Xvfb + trayer), and purged without leaving a file behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import app
from tests.e2e.desktop import Desktop
from tests.support.procs import terminate
from tests.support.xserver import have_xvfb

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
DPKG_LOCK_WAIT = 120.0  # another engineer's apt-get may hold the dpkg lock for a while


def field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def contents(deb: Path) -> dict[str, str]:
    """path in the package → symlink target ("" for files and folders)."""
    out = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name = line.split(maxsplit=5)[5]
        path, _, target = name.partition(" -> ")
        found[os.path.normpath(path.removeprefix("."))] = target  # "./opt/" → "/opt"
    return found


def dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    """dpkg, retried while another dpkg/apt run holds the lock."""
    deadline = time.monotonic() + DPKG_LOCK_WAIT
    while True:
        result = subprocess.run(
            ["dpkg", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        locked = "lock" in result.stderr and result.returncode != 0
        if not locked or time.monotonic() > deadline:
            return result
        time.sleep(1)  # the lock holder signals nothing we could wait on


def installed(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return result.returncode == 0 and "installed" in result.stdout.split()


def test_the_control_data_names_the_version_and_the_system_libraries(deb: Path) -> None:
    assert field(deb, "Package") == "pacetray"
    assert field(deb, "Version") == app.__version__
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    assert field(deb, "Architecture") == arch.stdout.strip()
    depends = [d.strip() for d in field(deb, "Depends").split(",")]
    assert re.fullmatch(r"libc6 \(>= [0-9.]+\)", depends[0]), depends
    # the libraries Qt's xcb platform links from the system (X, GL)
    assert {"libxcb1", "libgl1"} <= {d.split()[0] for d in depends}
    for name in depends:  # each is a real package (this machine runs the bundle)
        assert installed(name.split()[0]), f"{name} is not an installed package"
    assert int(field(deb, "Installed-Size")) > 50_000  # KiB: the whole bundle
    assert field(deb, "Description").startswith("7pace Timetracker in the system tray")


def test_the_package_lays_out_the_bundle_launcher_desktop_entry_and_icons(deb: Path) -> None:
    files = contents(deb)
    assert "/opt/pacetray/pacetray" in files
    assert files["/usr/bin/pacetray"] == "/opt/pacetray/pacetray"
    assert "/usr/share/applications/pacetray.desktop" in files
    assert "/usr/share/metainfo/io.github.pacetray.Pacetray.metainfo.xml" in files
    assert "/usr/share/icons/hicolor/scalable/apps/pacetray.svg" in files
    for size in PNG_SIZES:
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/pacetray.png" in files
    assert "/usr/share/doc/pacetray/copyright" in files
    assert not [f for f in files if f.startswith("/usr/share/") and "__pycache__" in f]


def user_env(desk: Desktop, home: Path) -> dict[str, str]:
    """The desktop's environment with every per-user folder inside `home`."""
    env = desk.env()
    for key, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
    ):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[key] = str(path)
    for key in ("PACETRAY_TOKEN", "PACETRAY_SERVER", "PACETRAY_CONFIG_DIR", "PACETRAY_DATA_DIR"):
        env.pop(key, None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def test_installed_it_docks_in_the_tray_and_purging_leaves_nothing(
    deb: Path, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("installing a Debian package needs root (dpkg -i); run the tests as root")
    if not have_xvfb() or shutil.which("trayer") is None:
        pytest.fail("Xvfb, xdotool and trayer are required: run `make system-deps`")
    if installed("pacetray"):
        pytest.fail("a pacetray package is installed already; remove it (dpkg --purge pacetray)")
    planned = contents(deb)
    existed = {path for path in planned if os.path.lexists(path)}

    result = dpkg("-i", str(deb))
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        owned = subprocess.run(
            ["dpkg", "-L", "pacetray"], capture_output=True, text=True, check=True
        ).stdout.split()
        owned = [os.path.normpath(p) for p in owned]  # dpkg -L says "/." for the root
        assert "/usr/bin/pacetray" in owned

        version = subprocess.run(
            ["/usr/bin/pacetray", "--version"], capture_output=True, text=True, timeout=60
        )
        assert version.stdout.strip() == f"pacetray {app.__version__}", version.stderr

        with Desktop() as desk:
            log = tmp_path / "pacetray.log"
            with log.open("wb") as out:
                tray = subprocess.Popen(
                    ["/usr/bin/pacetray"],  # the tray, in local mode (no account configured)
                    cwd=tmp_path,
                    env=user_env(desk, tmp_path / "home"),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            try:
                try:
                    icon = desk.wait_icon(timeout=60)
                except AssertionError:
                    pytest.fail(f"no tray icon; the app's output:\n{log.read_text()[-3000:]}")
                assert icon.valid
                assert tray.poll() is None, log.read_text()[-3000:]
            finally:
                terminate(tray)
    finally:
        purge = dpkg("--purge", "pacetray")
    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert not installed("pacetray")
    left = sorted(p for p in owned if p not in existed and os.path.lexists(p))
    assert left == [], f"left behind after dpkg --purge: {left[:20]}"
    assert not os.path.lexists("/opt/pacetray")
