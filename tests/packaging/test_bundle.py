"""The PyInstaller bundle (packaging/pacetray.spec): what the spec asks of each platform, and
the Linux bundle built here: it runs, serves, and finds its resources through the lookup."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import app
from app import resources
from tests.packaging.conftest import first_line, load_packaging_module
from tests.support.procs import terminate

opts = load_packaging_module("bundle_options")


@pytest.mark.parametrize(
    ("platform", "backend"),
    [("linux", "_xorg"), ("win32", "_win32"), ("darwin", "_darwin")],
)
def test_each_platform_bundles_its_pynput_and_keyring_backends(platform: str, backend: str) -> None:
    hidden = opts.hidden_imports(platform)
    assert f"pynput.keyboard.{backend}" in hidden
    assert f"pynput.mouse.{backend}" in hidden
    assert "keyring.backends.null" in hidden  # PYTHON_KEYRING_BACKEND may name it
    keyring = {"linux": "SecretService", "win32": "Windows", "darwin": "macOS"}[platform]
    assert f"keyring.backends.{keyring}" in hidden
    others = {"_xorg", "_win32", "_darwin"} - {backend}
    assert not [h for h in hidden if h.rsplit(".", 1)[-1] in others]


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_every_hidden_import_names_a_real_module(platform: str) -> None:
    """Looked up as files: importing them would need that OS (and pynput, a display)."""
    missing = []
    for name in opts.hidden_imports(platform):
        top, *rest = name.split(".")
        spec = importlib.util.find_spec(top)
        assert spec is not None and spec.origin is not None, top
        path = Path(spec.origin).parent.joinpath(*rest)
        if not (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()):
            missing.append(name)
    assert missing == []


def test_the_macos_bundle_has_no_dock_icon() -> None:
    plist = opts.info_plist()
    assert plist["LSUIElement"] is True
    assert plist["CFBundleShortVersionString"] == app.__version__
    assert plist["CFBundleIdentifier"] == "io.github.pacetray.Pacetray"


def test_unused_qt_plugins_go_with_the_libraries_only_they_need() -> None:
    links = {
        "/src/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"],
        "/src/libgtk-3.so.0": ["libatk-1.0.so.0", "libglib-2.0.so.0"],
        "/src/libqxcb.so": ["libQt6Gui.so.6", "libglib-2.0.so.0"],
    }
    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libatk-1.0.so.0", "/src/libatk-1.0.so.0", "BINARY"),
        ("libglib-2.0.so.0", "/src/libglib-2.0.so.0", "BINARY"),  # xcb needs it too
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
    ]
    kept = opts.drop_unused(binaries, lambda src: links.get(src, []))
    assert [e[0] for e in kept] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libglib-2.0.so.0",
        "PySide6/Qt/lib/libQt6Gui.so.6",
    ]
    links_in = [
        ("libgtk-3.so.0", "libgtk-3.so.0", "SYMLINK"),
        ("x.so", "libglib-2.0.so.0", "SYMLINK"),
    ]
    assert opts.drop_dangling_links(links_in, kept) == [links_in[1]]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_bundle_runs_the_command_line(bundle: Path, tmp_path: Path) -> None:
    exe = bundle / "pacetray"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"pacetray {app.__version__}"
    serve = subprocess.Popen(
        [str(exe), "serve", "--port", "0", "--data", str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = first_line(serve, timeout=60)
        assert line.startswith("Listening on http://127.0.0.1:"), line
    finally:
        terminate(serve)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_bundle_carries_the_resources_where_the_lookup_looks(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    internal = bundle / "_internal"  # sys._MEIPASS of a one-folder bundle
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    resources.root.cache_clear()
    try:
        assert resources.root() == internal / "app" / "_resources"
        assert resources.tray_icon("tracking", "light").is_file()
        assert resources.app_icon_png(256).is_file()
    finally:
        resources.root.cache_clear()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file()
    assert (plugins / "iconengines" / "libqsvgicon.so").is_file()  # the SVG tray icons
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libgtk-3*")) and not list(internal.glob("libatk*"))
    assert not (internal / "hypothesis").exists() and not (internal / "mypy").exists()
