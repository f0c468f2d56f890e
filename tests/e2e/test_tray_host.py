"""The test desktop itself: a bare PySide6 tray icon (the benchmark's baseline program) is
embedded by trayer under xcb, and xdotool clicks on it reach Qt as activations."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.e2e.desktop import ROOT, Desktop, Rect, images_differ
from tests.support.wait import wait_for


class Lines:
    """The stdout lines of a process, collected by a reader thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line.strip())

    def starting(self, prefix: str) -> list[str]:
        return [line for line in self.lines if line.startswith(prefix)]


@pytest.fixture
def baseline(live_desktop: Desktop) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.tray_baseline", "--report"],
        cwd=ROOT,
        env=live_desktop.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    yield proc, Lines(proc)
    proc.terminate()
    proc.wait(10)
    # The icon leaves the tray with its process: the next test starts from an empty tray.
    wait_for(lambda: not live_desktop.icons(), timeout=10, what="the tray to empty")


def test_bare_tray_icon_is_embedded_and_clickable(
    live_desktop: Desktop, baseline: tuple[subprocess.Popen[str], Lines]
) -> None:
    proc, out = baseline
    assert not live_desktop.icons()
    icon = live_desktop.wait_icon()
    wait_for(lambda: out.starting("geometry"), timeout=10, what="the embedded geometry")
    assert out.starting("available") == ["available True"]
    x, y, w, h = (int(v) for v in out.starting("geometry")[0].split()[1:])
    # What Qt reports is where trayer put the window, as the X server sees it.
    assert Rect(x, y, w, h) == icon
    assert icon.y + icon.height <= 32 and icon.x + icon.width <= 1280

    live_desktop.click(icon.center(), 1)
    wait_for(lambda: out.starting("activated"), timeout=5, what="a Trigger activation")
    # Two clicks under 400 ms apart are a double click: wait for the first to be reported.
    live_desktop.click(icon.center(), 3)
    wait_for(lambda: len(out.starting("activated")) == 2, timeout=5, what="a Context activation")
    assert out.starting("activated") == ["activated Trigger", "activated Context"]
    assert proc.poll() is None

    shot = live_desktop.save("tray-host-baseline.png")
    assert shot.stat().st_size > 0


def test_tray_pixels_change_when_an_icon_docks(
    live_desktop: Desktop, baseline: tuple[subprocess.Popen[str], Lines]
) -> None:
    icon = live_desktop.wait_icon()
    painted = live_desktop.grab(icon)
    background = live_desktop.panel_background()
    # The baseline icon is a filled square: almost every pixel of it differs from the panel.
    covered = sum(
        1
        for yy in range(painted.height())
        for xx in range(painted.width())
        if painted.pixel(xx, yy) & 0xFFFFFF != background
    )
    assert covered > icon.width * icon.height // 4
    assert images_differ(painted, painted) == 0
