"""One tray per user: a second instance asks the first to open its popup (also while the first
is still starting and not yet listening); a crash leaves nothing that blocks the next start."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from pathlib import Path

from PySide6.QtCore import QDir

from app.ui.single_instance import (
    LINE_MAX,
    SHOW_POPUP,
    SingleInstance,
    ask_running_instance,
    instance_name,
    lock_path,
    try_lock,
)
from tests.ui.conftest import wait_signal


def unique() -> str:
    return f"pacetray-test-{uuid.uuid4().hex[:12]}"


async def test_the_second_instance_asks_the_first_to_open_its_popup() -> None:
    name = unique()
    first, second = SingleInstance(name), SingleInstance(name, ask_wait=5)
    try:
        assert first.acquire()
        assert first.listen()
        results: list[bool] = []
        await wait_signal(first.popupRequested, trigger=lambda: results.append(second.acquire()))
        assert results == [False]
        assert second.answered
        assert second.server is None  # the second one never listens
    finally:
        first.close()
        second.close()
    assert not ask_running_instance(name)  # nobody listens any more


async def test_a_launch_while_the_first_is_still_starting_is_answered_once_it_listens() -> None:
    name = unique()
    first, second = SingleInstance(name), SingleInstance(name, ask_wait=10)
    try:
        assert first.acquire()  # holds the lock, not listening yet: its icon is still coming up
        asking = asyncio.ensure_future(asyncio.to_thread(second.acquire))
        await asyncio.sleep(0.5)  # let the second launch fail to connect a few times first
        assert not asking.done()
        await wait_signal(first.popupRequested, trigger=first.listen)
        assert await asking is False
        assert second.answered
    finally:
        first.close()
        second.close()


def test_a_held_lock_without_an_answer_still_means_another_instance_runs() -> None:
    name = unique()
    held = try_lock(lock_path(name))
    assert held is not None
    second = SingleInstance(name, ask_wait=0.3)
    try:
        assert not second.acquire()
        assert not second.answered
    finally:
        held.close()
        second.close()
    third = SingleInstance(name)
    try:
        assert third.acquire()  # the holder is gone: the lock is free again
    finally:
        third.close()


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
        assert instance.listen()
        assert instance.server is not None and instance.server.isListening()
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


async def test_only_this_user_may_ask_and_a_babbling_peer_is_cut_off() -> None:
    """The socket is 0600; a peer sending a long line without a newline is dropped without a
    popup, and a proper request after it is still answered."""
    name = unique()
    instance = SingleInstance(name)
    try:
        assert instance.acquire() and instance.listen()
        path = Path(QDir.tempPath()) / name
        assert path.stat().st_mode & 0o777 == 0o600
        opened: list[bool] = []
        instance.popupRequested.connect(lambda: opened.append(True))
        babbler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        babbler.connect(str(path))
        babbler.sendall(b"x" * (LINE_MAX * 4))

        babbler.setblocking(False)
        try:  # the listener closes its end: the read sees the end of the stream
            end = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(babbler, 1), 5)
        except ConnectionResetError:
            end = b""
        assert end == b""
        babbler.close()
        assert opened == []
        await wait_signal(
            instance.popupRequested, trigger=lambda: ask_running_instance(name, SHOW_POPUP)
        )
    finally:
        instance.close()
