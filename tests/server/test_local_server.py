"""app.local_server: the embedded server the tray runs, and the data dir serve and tray share."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from app.local_server import EmbeddedServer, with_data_dir
from app.server.config import ServerConfig
from app.settings import paths


def test_the_data_dir_honours_the_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path))
    assert with_data_dir(ServerConfig()).data_dir == tmp_path / "server"
    assert EmbeddedServer().data_dir == tmp_path / "server"
    given = ServerConfig(data_dir=tmp_path / "mine")
    assert with_data_dir(given) is given


async def test_a_taken_port_means_a_free_one(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = EmbeddedServer(tmp_path)
        try:
            info = await server.start(port)
            assert info.port not in (0, port)
            async with httpx.AsyncClient() as client:
                answer = await client.get(
                    f"{info.url}/api/tracking/client/current",
                    params={"api-version": "3.2"},
                    headers={"Authorization": f"Bearer {info.token}"},
                )
            assert answer.status_code == 200
        finally:
            await server.stop()
    assert any(tmp_path.iterdir())  # its database and token went where it was told
    await server.stop()  # a second stop is harmless
