"""What the PyInstaller spec (pacetray.spec) varies per platform, as plain data so the tests
can read it without running PyInstaller. Loaded by the spec from this folder (no package:
a `packaging` package at the top would shadow PyPI's `packaging` that build tools import).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.pacetray.Pacetray"

# pynput picks its backend at import time by platform name, out of PyInstaller's sight.
PYNPUT_BACKENDS = {
    "linux": [
        "pynput.keyboard._xorg",
        "pynput.mouse._xorg",
        "pynput._util.xorg",
        "pynput._util.xorg_keysyms",
    ],
    "win32": [
        "pynput.keyboard._win32",
        "pynput.mouse._win32",
        "pynput._util.win32",
        "pynput._util.win32_vks",
    ],
    "darwin": [
        "pynput.keyboard._darwin",
        "pynput.mouse._darwin",
        "pynput._util.darwin",
        "pynput._util.darwin_vks",
    ],
}
# keyring finds its backends through entry points; these are the ones each OS can use.
KEYRING_BACKENDS = {
    "linux": [
        "keyring.backends.SecretService",
        "keyring.backends.kwallet",
        "keyring.backends.libsecret",
    ],
    "win32": ["keyring.backends.Windows"],
    "darwin": ["keyring.backends.macOS"],
}
KEYRING_COMMON = ["keyring.backends.chainer", "keyring.backends.fail", "keyring.backends.null"]

# Qt modules the app never imports (PySide6-Essentials ships them all): keeping them out
# keeps their libraries and plugins out of the bundle.
UNUSED_QT = [
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtSql",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtXml",
]
# Development tools that hooks or optional imports would drag in (the pydantic hook collects
# its mypy plugin, uvicorn tries yaml for its log config file): none runs in the app.
UNUSED_PYTHON = [
    "tkinter", "PyQt5", "PyQt6", "pytest", "_pytest", "hypothesis", "mypy", "ast_serialize",
    "pygments", "numpy", "PIL", "yaml", "IPython",
]  # fmt: skip
EXCLUDES = [*UNUSED_QT, *UNUSED_PYTHON]

# Qt plugins a desktop tray app never loads, by their folder under Qt/plugins: other
# platforms than xcb, wayland and offscreen, device input, network status, TLS (the app's only
# Qt networking is a local socket), and the GTK theme (its libgtk-3 would become a dependency
# of the whole package; the XDG portal theme still reads the light/dark preference).
UNUSED_QT_PLUGINS = (
    "platforms/libqeglfs",
    "platforms/libqlinuxfb",
    "platforms/libqminimal",
    "platforms/libqvkkhrdisplay",
    "platforms/libqvnc",
    "platformthemes/libqgtk3",
    "egldeviceintegrations/",
    "generic/",
    "networkinformation/",
    "tls/",
)


def unused_plugin(dest: str) -> bool:
    """Whether a binary (its path inside the bundle) is one of the unused Qt plugins."""
    path = dest.replace("\\", "/")
    return "/plugins/" in path and path.split("/plugins/", 1)[1].startswith(UNUSED_QT_PLUGINS)


Entry = tuple[str, str, str]  # PyInstaller's TOC entry: (path in the bundle, source, type)


def drop_unused(binaries: list[Entry], imports_of: Callable[[str], Iterable[str]]) -> list[Entry]:
    """`binaries` without the unused Qt plugins and without the libraries only they needed
    (PyInstaller collected those as their dependencies). `imports_of(source)` names the
    libraries a binary links (DT_NEEDED and the like)."""
    kept = [e for e in binaries if not unused_plugin(e[0])]
    suspects = {Path(n).name for e in binaries if unused_plugin(e[0]) for n in imports_of(e[1])}
    while True:
        needed = {Path(n).name for e in kept for n in imports_of(e[1])}
        gone = [e for e in kept if Path(e[0]).name in suspects - needed]
        if not gone:
            return kept
        kept = [e for e in kept if e not in gone]
        suspects |= {Path(n).name for e in gone for n in imports_of(e[1])}


def drop_dangling_links(datas: list[Entry], binaries: list[Entry]) -> list[Entry]:
    """`datas` without PyInstaller's symlinks to binaries no longer in the bundle."""
    there = {e[0] for e in binaries}
    return [e for e in datas if e[2] != "SYMLINK" or e[1] in there]


def platform_key(platform: str) -> str:
    if platform.startswith("win"):
        return "win32"
    if platform == "darwin":
        return "darwin"
    return "linux"  # and the BSDs: X11 like Linux


def hidden_imports(platform: str) -> list[str]:
    key = platform_key(platform)
    return [*PYNPUT_BACKENDS[key], *KEYRING_BACKENDS[key], *KEYRING_COMMON]


def version() -> str:
    """app/__init__.py's __version__, read without importing the app."""
    tree = ast.parse((ROOT / "app" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise RuntimeError("app/__init__.py has no __version__ string")


def info_plist() -> dict[str, object]:
    """The macOS bundle's Info.plist additions: a menu-bar app with no Dock icon."""
    return {
        "CFBundleName": "Pacetray",
        "CFBundleDisplayName": "Pacetray",
        "CFBundleIdentifier": APP_ID,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "LSUIElement": True,  # no Dock icon, no app menu: the tray icon is the app
        "NSHighResolutionCapable": True,
    }
