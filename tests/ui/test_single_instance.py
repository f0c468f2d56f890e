"""One tray per user: a second instance asks the first to open its popup; a stale socket left by
a crash does not block the next start."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

from PySide6.QtCore import QDir

from app.ui.single_instance import SingleInstance, ask_running_instance, instance_name
from tests.ui.conftest import wait_signal


def unique() -> str:
    return f"pacetray-test-{uuid.uuid4().hex[:12]}"


async def test_the_second_instance_asks_the_first_to_open_its_popup() -> None:
    name = unique()
    first, second = SingleInstance(name), SingleInstance(name)
    try:
        assert first.acquire()
        results: list[bool] = []
        await wait_signal(first.popupRequested, trigger=lambda: results.append(second.acquire()))
        assert results == [False]
        assert not second.server.isListening()
    finally:
        first.close()
        second.close()
    assert not ask_running_instance(name)  # nobody listens any more


async def test_a_stale_socket_from_a_crash_is_replaced() -> None:
    name = unique()
    path = Path(QDir.tempPath()) / name
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: what a crashed instance leaves
    assert path.exists()
    instance = SingleInstance(name)
    try:
        assert instance.acquire()
        assert instance.server.isListening()
    finally:
        instance.close()
        if path.exists():
            os.unlink(path)


def test_the_name_is_per_user_and_data_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PACETRAY_DATA_DIR", str(tmp_path / "a"))
    a = instance_name()
    monkeypatch.setenv("PACETRAY_DATA_DIR", str(tmp_path / "b"))
    b = instance_name()
    assert a != b and a.startswith("pacetray-") and len(a) < 100
