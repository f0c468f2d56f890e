"""write_atomic: the one temp-file-and-rename writer behind settings.toml, the secrets file and
the autostart entry."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from app.settings import atomic
from app.settings.atomic import write_atomic

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def test_writes_the_bytes_and_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.txt"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]  # no temp file left


@posix_only
def test_private_by_default_and_the_mode_asked_for(tmp_path: Path) -> None:
    write_atomic(tmp_path / "private", b"x")
    write_atomic(tmp_path / "public", b"x", mode=0o644)
    write_atomic(tmp_path / "sub" / "f", b"x", dir_mode=0o700)
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "public").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "sub").stat().st_mode) == 0o700


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]
