"""The one way to find shipped files (icons, the desktop entry, the AppStream metainfo).

`resources/` at the top of the repository is their only source. Each way of running the app
sees it in one place:

- a frozen PyInstaller bundle: `<sys._MEIPASS>/app/_resources` (packaging/pacetray.spec);
- an installed wheel: `app/_resources` beside this module (setup.py maps `resources/` there);
- the source tree (and an editable install): `resources/` beside the `app` package.

Qt-free and import-light: the CLI and the settings layer use it too.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

PACKAGED_NAME = "_resources"  # the folder name inside the `app` package (wheel and bundle)
DESKTOP_FILE = "pacetray.desktop"
METAINFO_FILE = "io.github.pacetray.Pacetray.metainfo.xml"
APP_ICON_NAME = "pacetray"  # the icon theme name the desktop file and metainfo use


class ResourceError(RuntimeError):
    """A shipped file is missing: the installation is broken."""


def candidates() -> list[Path]:
    """Where the resource folder may be, most specific first."""
    here = Path(__file__).resolve().parent
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "app" / PACKAGED_NAME)
    found.append(here / PACKAGED_NAME)
    found.append(here.parent / "resources")
    return found


@cache
def root() -> Path:
    """The folder holding the shipped files."""
    for folder in candidates():
        if (folder / DESKTOP_FILE).is_file():
            return folder
    tried = ", ".join(str(f) for f in candidates())
    raise ResourceError(f"the app's resource files are missing (looked in {tried}); reinstall")


def path(*parts: str) -> Path:
    """A shipped file, e.g. `path("icons", "tray", "idle-light.svg")`."""
    found = root().joinpath(*parts)
    if not found.exists():
        raise ResourceError(f"the resource {'/'.join(parts)} is missing from {root()}; reinstall")
    return found


def tray_icon(state: str, variant: str) -> Path:
    """A tray state icon; `variant` is "light", "dark" or "template" (macOS' menu bar)."""
    return path("icons", "tray", f"{state}-{variant}.svg")


def app_icon_svg() -> Path:
    return path("icons", "hicolor", "scalable", "apps", f"{APP_ICON_NAME}.svg")


def app_icon_png(size: int) -> Path:
    return path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ICON_NAME}.png")


def desktop_file() -> Path:
    return path(DESKTOP_FILE)


def metainfo_file() -> Path:
    return path(METAINFO_FILE)
