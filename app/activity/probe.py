"""Pick the best activity source for this platform and session, and say why.

Order of preference:
- Windows: GetLastInputInfo, then pynput.
- macOS: Quartz, then pynput.
- Linux/X11: pynput (sees input as it happens), then the X server's XScreenSaver counter,
  then the desktop's D-Bus counters.
- Linux/Wayland: Mutter, then org.freedesktop.ScreenSaver. pynput and XScreenSaver are
  skipped: through XWayland they only see input to X11 windows and would call a busy user idle.
Nothing works: the null source; each candidate's reason is in `ProbeResult.considered`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from app.activity.base import ActivitySource, SourceStatus
from app.activity.dbus_sources import FreedesktopScreenSaverSource, MutterIdleSource
from app.activity.macos import MacIdleSource
from app.activity.null import NullSource
from app.activity.pynput_source import PynputSource
from app.activity.windows import WindowsIdleSource
from app.activity.xscreensaver import XScreenSaverSource

SourceFactory = Callable[[], ActivitySource]

FACTORIES: dict[str, SourceFactory] = {
    "pynput": PynputSource,
    "xscreensaver": XScreenSaverSource,
    "mutter": MutterIdleSource,
    "freedesktop-screensaver": FreedesktopScreenSaverSource,
    "windows": WindowsIdleSource,
    "macos": MacIdleSource,
}


@dataclass(frozen=True)
class Candidate:
    name: str
    skip: str = ""  # a reason to not even try it in this session


@dataclass
class ProbeResult:
    chosen: ActivitySource
    session: str
    considered: list[SourceStatus] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"session: {self.session}", f"using: {self.chosen.status().describe()}"]
        lines += [f"  {status.describe()}" for status in self.considered]
        return lines


def session_type(platform: str, env: Mapping[str, str]) -> str:
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    if not platform.startswith("linux") and "bsd" not in platform:
        return platform
    kind = env.get("XDG_SESSION_TYPE", "").lower()
    if kind in ("wayland", "x11"):
        return kind
    if env.get("WAYLAND_DISPLAY"):
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    return "no graphical session"


def candidates(session: str) -> list[Candidate]:
    xwayland = "Wayland session: it would only see input to XWayland windows"
    if session == "windows":
        return [Candidate("windows"), Candidate("pynput")]
    if session == "macos":
        return [Candidate("macos"), Candidate("pynput")]
    if session == "wayland":
        return [
            Candidate("mutter"),
            Candidate("freedesktop-screensaver"),
            Candidate("pynput", skip=xwayland),
            Candidate("xscreensaver", skip=xwayland),
        ]
    if session == "x11":
        return [
            Candidate("pynput"),
            Candidate("xscreensaver"),
            Candidate("mutter"),
            Candidate("freedesktop-screensaver"),
        ]
    # No graphical session known: try everything, so each source says why it cannot work.
    return [Candidate(n) for n in ("mutter", "freedesktop-screensaver", "pynput", "xscreensaver")]


def probe(
    *,
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
    factories: Mapping[str, SourceFactory] | None = None,
    only: Sequence[str] | None = None,
) -> ProbeResult:
    """Open candidates in order of preference; the first that works is chosen.

    `platform` and `env` decide the session type (and so the order); the sources themselves
    connect through the process environment, as pynput and libX11 do.

    `only` restricts the candidates (the user forcing a source). Sources after the chosen one
    are listed as not tried; none of them is left open.
    """
    env = os.environ if env is None else env
    made = FACTORIES if factories is None else factories
    session = session_type(platform, env)
    order = candidates(session)
    if only:
        order = [c for c in order if c.name in only] + [
            Candidate(name) for name in only if name not in {c.name for c in order}
        ]
    considered: list[SourceStatus] = []
    chosen: ActivitySource | None = None
    for candidate in order:
        factory = made.get(candidate.name)
        if factory is None:
            considered.append(SourceStatus(candidate.name, "", False, "unknown source"))
            continue
        source = factory()
        if candidate.skip:
            considered.append(
                SourceStatus(
                    source.name, source.sees, False, f"skipped: {candidate.skip}", tried=False
                )
            )
        elif chosen is not None:
            considered.append(
                SourceStatus(
                    source.name,
                    source.sees,
                    False,
                    f"not tried: {chosen.name} is preferred",
                    tried=False,
                )
            )
        elif source.open():
            chosen = source
            considered.append(source.status())
        else:
            considered.append(source.status())
            source.close()
    if chosen is None:
        chosen = NullSource(f"no source works in this session ({session})")
    return ProbeResult(chosen=chosen, session=session, considered=considered)
