"""The desktop entry and the AppStream metainfo pass the freedesktop validators, shipped as
they are and as the autostart entry the app writes from them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app import resources
from app.settings import autostart


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is missing: run `make system-deps` (desktop-file-utils appstream)")
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def test_the_shipped_desktop_entry_is_valid() -> None:
    result = validate("desktop-file-validate", str(resources.desktop_file()))
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_the_autostart_entry_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "pacetray.desktop"
    autostart.enable(["/opt/My Apps/pacetray"], path=path, platform="linux")
    result = validate("desktop-file-validate", str(path))
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    text = path.read_text()
    assert 'Exec="/opt/My Apps/pacetray"' in text
    assert "X-GNOME-Autostart-enabled=true" in text


def test_a_validator_rejects_a_broken_entry(tmp_path: Path) -> None:
    """The check above can fail: a desktop entry without Name is refused."""
    broken = tmp_path / "broken.desktop"
    text = resources.desktop_file().read_text()
    broken.write_text("\n".join(line for line in text.splitlines() if not line.startswith("Name=")))
    assert validate("desktop-file-validate", str(broken)).returncode != 0


def test_the_metainfo_is_valid() -> None:
    result = validate("appstreamcli", "validate", "--no-net", str(resources.metainfo_file()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout


def test_the_metainfo_validator_rejects_a_missing_licence(tmp_path: Path) -> None:
    broken = tmp_path / resources.METAINFO_FILE
    text = resources.metainfo_file().read_text()
    broken.write_text(text.replace("<metadata_license>CC0-1.0</metadata_license>", ""))
    result = validate("appstreamcli", "validate", "--no-net", str(broken))
    assert result.returncode != 0 and "metadata-license-missing" in result.stdout
