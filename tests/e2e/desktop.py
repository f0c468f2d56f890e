"""A headless desktop with a system tray: Xvfb + trayer (+ a private session bus), for the
end-to-end tests and the tray benchmark.

Usage::

    with Desktop() as desk:
        env = desk.env()                    # DISPLAY, QT_QPA_PLATFORM=xcb, DBUS session bus
        ...start a tray program with env...
        icon = desk.wait_icon()             # the embedded tray icon's rectangle on the screen
        desk.click(icon.center())           # xdotool mousemove + click 1
        image = desk.grab(icon)             # QImage of that part of the screen
        desk.save("tray.png")               # the whole screen, into test-artifacts/

Pixels come straight from the X server (python-xlib `get_image` of the root window, which
Xvfb serves from its framebuffer), so a screenshot needs no second Qt process; QImage only
wraps them to compare and write PNGs.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QImage
from Xlib import X
from Xlib import display as xdisplay
from Xlib.error import BadWindow, XError
from Xlib.xobject.drawable import Window

from tests.support.dbus import DBusDaemon
from tests.support.procs import terminate
from tests.support.xserver import XServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TRAY_HEIGHT = 32
TRAYER_ARGS = (
    "trayer",
    "--edge",
    "top",
    "--align",
    "right",
    "--widthtype",
    "request",
    "--height",
    str(TRAY_HEIGHT),
    "--SetDockType",
    "true",
    "--transparent",
    "false",
    "--expand",
    "true",
)


class DesktopError(RuntimeError):
    """The X server or the tray host could not be started."""


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    @property
    def valid(self) -> bool:
        return self.width > 1 and self.height > 1


class Desktop:
    """Xvfb, a session bus and trayer, started together and stopped together."""

    def __init__(self, screen: str = "1280x800x24") -> None:
        self.xserver = XServer(screen=screen)
        self.bus = DBusDaemon()
        self._trayer: subprocess.Popen[bytes] | None = None
        self._display: xdisplay.Display | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> Desktop:
        try:
            self.xserver.start()
            self.bus.start()
            self._display = xdisplay.Display(self.xserver.display)
            self.start_trayer()
        except BaseException:
            self.stop()
            raise
        return self

    def start_trayer(self) -> None:
        """Start the tray host and wait until it owns the tray selection (XEmbed manager)."""
        self._trayer = subprocess.Popen(
            TRAYER_ARGS,
            env=self.xserver.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not self.tray_owned():
            if self._trayer.poll() is not None:
                assert self._trayer.stderr is not None
                err = self._trayer.stderr.read().decode(errors="replace")[-500:]
                raise DesktopError(f"trayer exited during start-up: {err}")
            if time.monotonic() > deadline:
                raise DesktopError("trayer did not take the system tray selection within 10 s")
            time.sleep(0.005)

    def stop(self) -> None:
        proc, self._trayer = self._trayer, None
        terminate(proc)
        if self._display is not None:
            self._display.close()
            self._display = None
        self.bus.stop()
        self.xserver.stop()

    def __enter__(self) -> Desktop:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self.xserver.alive and self._trayer is not None and self._trayer.poll() is None

    @property
    def x(self) -> xdisplay.Display:
        assert self._display is not None, "the desktop is not started"
        return self._display

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """`base` (default os.environ) pointed at this desktop, with Qt on xcb."""
        env = self.xserver.env(base)
        env.update(self.bus.env())
        env["QT_QPA_PLATFORM"] = "xcb"
        env["QT_API"] = "pyside6"
        return env

    # --- the tray -----------------------------------------------------------------------------
    def tray_owned(self) -> bool:
        atom = self.x.intern_atom("_NET_SYSTEM_TRAY_S0")
        return bool(self.x.get_selection_owner(atom))

    def panel(self) -> Window | None:
        """trayer's dock window (WM_NAME "panel")."""
        for child in self.x.screen().root.query_tree().children:
            try:
                if child.get_wm_name() == "panel" and child.get_wm_class() == ("panel", "trayer"):
                    return child
            except (BadWindow, XError):
                continue
        return None

    def icons(self) -> list[Rect]:
        """Screen rectangles of the mapped tray icons embedded in trayer, left to right.

        trayer puts each client window into a socket window of its own; a docked icon is a
        mapped grandchild of the panel."""
        panel = self.panel()
        if panel is None:
            return []
        found: list[Rect] = []
        try:
            origin = panel.get_geometry()
            for socket in panel.query_tree().children:
                s_geo = socket.get_geometry()
                for client in socket.query_tree().children:
                    if client.get_attributes().map_state != X.IsViewable:
                        continue
                    c_geo = client.get_geometry()
                    rect = Rect(
                        origin.x + s_geo.x + c_geo.x,
                        origin.y + s_geo.y + c_geo.y,
                        c_geo.width,
                        c_geo.height,
                    )
                    # While trayer grows the panel for a new icon, the icon can stick out of
                    # the screen for a moment: that is not a docked icon yet.
                    if rect.valid and self.on_screen(rect):
                        found.append(rect)
        except (BadWindow, XError):
            return []  # a window went away while we looked: the caller polls again
        return sorted(found, key=lambda r: r.x)

    def wait_icon(self, timeout: float = 15.0, painted: bool = True) -> Rect:
        """The first embedded tray icon, once mapped (and with `painted`, once it shows
        pixels other than the panel's background)."""
        deadline = time.monotonic() + timeout
        while True:
            icons = self.icons()
            try:
                if icons and (not painted or self.painted(icons[0])):
                    return icons[0]
            except (XError, ValueError):
                pass  # the panel was being rearranged as we looked: look again
            if time.monotonic() > deadline:
                what = "painted " if painted else ""
                raise AssertionError(f"no {what}tray icon in trayer after {timeout} s")
            time.sleep(0.002)

    def on_screen(self, rect: Rect) -> bool:
        screen = self.x.screen()
        return (
            rect.x >= 0
            and rect.y >= 0
            and rect.x + rect.width <= screen.width_in_pixels
            and rect.y + rect.height <= screen.height_in_pixels
        )

    def panel_background(self) -> int:
        """The panel's colour, read off its first pixel column (never covered by an icon)."""
        panel = self.panel()
        assert panel is not None, "trayer has no panel window"
        geo = panel.get_geometry()
        return self.grab(Rect(geo.x, geo.y, 1, 1)).pixel(0, 0) & 0xFFFFFF

    def painted(self, rect: Rect) -> bool:
        """Whether `rect` holds any pixel that differs from the panel's background."""
        background = self.panel_background()
        image = self.grab(rect)
        return any(
            image.pixel(x, y) & 0xFFFFFF != background
            for y in range(image.height())
            for x in range(image.width())
        )

    # --- input --------------------------------------------------------------------------------
    def xdotool(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        return self.xserver.xdotool(*args, timeout=timeout)

    def click(self, point: tuple[int, int], button: int = 1) -> None:
        self.xdotool("mousemove", str(point[0]), str(point[1]), "click", str(button))

    def window_ids(self, *, name: str | None = None, pid: int | None = None) -> list[str]:
        """Visible windows by title regex and/or process (both must match)."""
        args = ["search", "--all", "--onlyvisible"]
        if name is not None:
            args += ["--name", name]
        if pid is not None:
            args += ["--pid", str(pid)]
        if name is None and pid is None:
            raise ValueError("give a name or a pid")
        result = subprocess.run(
            ["xdotool", *args], env=self.env(), capture_output=True, text=True, timeout=10
        )
        return result.stdout.split()  # exit status 1 just means "none found"

    def window_rect(self, window_id: str) -> Rect:
        window = self.x.create_resource_object("window", int(window_id))
        geo = window.get_geometry()
        pos = window.translate_coords(self.x.screen().root, 0, 0)
        return Rect(-pos.x, -pos.y, geo.width, geo.height)

    # --- pixels -------------------------------------------------------------------------------
    def grab(self, rect: Rect | None = None) -> QImage:
        """The screen (or a part of it) as an RGB32 QImage, straight from the X server."""
        screen = self.x.screen()
        if rect is None:
            rect = Rect(0, 0, screen.width_in_pixels, screen.height_in_pixels)
        if not self.on_screen(rect):
            raise ValueError(f"{rect} is not inside the screen")
        reply = screen.root.get_image(
            rect.x, rect.y, rect.width, rect.height, X.ZPixmap, 0xFFFFFFFF
        )
        data = bytes(reply.data)
        # Depth 24 comes as 32 bits per pixel, B G R x: exactly QImage's RGB32 on little-endian.
        image = QImage(data, rect.width, rect.height, rect.width * 4, QImage.Format.Format_RGB32)
        return image.copy()  # the QImage above borrows `data`; the copy owns its pixels

    def save(self, name: str, rect: Rect | None = None) -> Path:
        """Write a screenshot (PNG) of the screen or `rect` into test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        if not self.grab(rect).save(str(path)):
            raise OSError(f"cannot write the screenshot {path}")
        return path


def images_differ(a: QImage, b: QImage, min_pixels: int = 1) -> int:
    """How many pixels differ between two same-sized images (0 if fewer than `min_pixels`)."""
    if a.size() != b.size():
        raise ValueError(f"different sizes: {a.size()} and {b.size()}")
    count = sum(
        1
        for y in range(a.height())
        for x in range(a.width())
        if a.pixel(x, y) & 0xFFFFFF != b.pixel(x, y) & 0xFFFFFF
    )
    return count if count >= min_pixels else 0
