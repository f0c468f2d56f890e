"""One resource lookup (app/resources.py) for the source tree, an installed wheel and a frozen
bundle; the shipped files themselves (icons that draw, sizes that match, one version).

The icons are drawn without a QApplication: creating one here would leave the session an
application the ui tests did not configure (quitOnLastWindowClosed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

import app
from app import resources
from app.ui.icons import TrayState, svg_path
from tests.packaging.conftest import ROOT, Dists

SOURCE = ROOT / "resources"
VARIANTS = ("light", "dark", "template")
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)


@pytest.fixture(autouse=True)
def fresh_lookup() -> Iterator[None]:
    resources.root.cache_clear()
    yield
    resources.root.cache_clear()


def drawn_pixels(svg: Path, size: int = 22) -> int:
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid(), f"{svg} is not an SVG Qt can draw"
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return sum(1 for y in range(size) for x in range(size) if image.pixelColor(x, y).alpha() > 0)


def test_from_the_source_tree_the_lookup_finds_resources_at_the_top() -> None:
    assert resources.root() == SOURCE
    assert resources.desktop_file() == SOURCE / "pacetray.desktop"
    assert svg_path(TrayState.TRACKING, dark=True) == SOURCE / "icons/tray/tracking-dark.svg"


@pytest.mark.parametrize("state", list(TrayState))
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_tray_state_has_a_drawable_icon_in_every_variant(
    state: TrayState, variant: str
) -> None:
    assert drawn_pixels(resources.tray_icon(state.value, variant)) > 20


def test_template_icons_are_monochrome() -> None:
    """macOS tints menu-bar template images: only their alpha may carry the picture."""
    for state in TrayState:
        renderer = QSvgRenderer(str(resources.tray_icon(state.value, "template")))
        image = QImage(32, 32, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        colours = {
            image.pixelColor(x, y).name()
            for y in range(32)
            for x in range(32)
            if image.pixelColor(x, y).alpha() > 0
        }
        assert colours == {"#000000"}, f"{state}: {sorted(colours)[:5]}"


def test_the_app_icon_is_shipped_as_svg_and_in_every_png_size() -> None:
    assert drawn_pixels(resources.app_icon_svg(), 64) > 1000
    for size in PNG_SIZES:
        image = QImage(str(resources.app_icon_png(size)))
        assert (image.width(), image.height()) == (size, size)


def test_the_metainfo_names_the_current_version_and_the_launcher() -> None:
    tree = ET.parse(resources.metainfo_file())
    versions = [r.get("version") for r in tree.getroot().iter("release")]
    assert versions[0] == app.__version__, "add a <release> for the new version"
    assert tree.getroot().findtext("launchable") == resources.DESKTOP_FILE
    assert tree.getroot().findtext("project_license") == "MIT"


def test_the_home_page_has_one_value_in_code_pyproject_and_metainfo() -> None:
    tree = ET.parse(resources.metainfo_file())
    homepage = [u.text for u in tree.getroot().iter("url") if u.get("type") == "homepage"]
    assert homepage == [app.__homepage__]
    pyproject = (Path(app.__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert f'Homepage = "{app.__homepage__}"' in pyproject


def test_a_missing_resource_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = re.escape("icons/tray/nope-light.svg is missing")
    with pytest.raises(resources.ResourceError, match=missing):
        resources.tray_icon("nope", "light")
    monkeypatch.setattr(resources, "candidates", lambda: [tmp_path / "a", tmp_path / "b"])
    resources.root.cache_clear()
    with pytest.raises(resources.ResourceError, match="resource files are missing"):
        resources.root()


def test_in_a_frozen_bundle_the_lookup_reads_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout the spec writes (resources/ → app/_resources), looked up through
    sys._MEIPASS; the real bundle is checked in test_bundle.py."""
    shutil.copytree(SOURCE, tmp_path / "app" / "_resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.root() == tmp_path / "app" / "_resources"
    assert resources.desktop_file().read_text() == (SOURCE / "pacetray.desktop").read_text()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_from_an_installed_wheel_the_lookup_finds_app_resources(
    dists: Dists, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(dists.wheel) as wheel:
        wheel.extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from app import resources\n"
        "print(resources.root())\n"
        "print(resources.tray_icon('idle', 'template'))\n"
        "print(resources.app_icon_png(48))\n"
    )
    # -I: neither PYTHONPATH nor the working directory may bring the source tree in
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == str(site / "app" / "_resources")
    assert all(Path(line).is_file() for line in out[1:])
    shipped = sorted(
        str(p.relative_to(site / "app" / "_resources"))
        for p in (site / "app" / "_resources").rglob("*")
        if p.is_file()
    )
    source = sorted(str(p.relative_to(SOURCE)) for p in SOURCE.rglob("*") if p.is_file())
    assert shipped == source, "the wheel must ship resources/ as it is"
