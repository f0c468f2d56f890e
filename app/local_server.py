"""The local Timetracker server as Pacetray runs it: in the foreground (`pacetray serve`) or
embedded in the tray, on the tray's own loop. Qt-free, so neither front end owns it.

Both default to the same data dir (settings.paths.server_data_dir, which honours
PACETRAY_DATA_DIR), so `pacetray serve` and the tray's local mode share database and token.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.server.config import ServerConfig
from app.server.runner import ServerConfigError, ServerInfo, serve
from app.settings.paths import server_data_dir

log = logging.getLogger("app.server")

# The embedded server's port when free (`pacetray status` finds it there): serve's default.
LOCAL_PORT = ServerConfig.port


def with_data_dir(config: ServerConfig) -> ServerConfig:
    """`config` with its data dir chosen: the given one, else the user's."""
    if config.data_dir is not None:
        return config
    return dataclasses.replace(config, data_dir=server_data_dir())


async def serve_foreground(config: ServerConfig, announce: Callable[[ServerInfo], None]) -> None:
    """`pacetray serve`: until SIGINT/SIGTERM."""
    await serve(with_data_dir(config), announce, handle_signals=True)


class EmbeddedServer:
    """The tray's local server: a task on the running loop, on LOCAL_PORT when free."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir or server_data_dir()
        self._task: asyncio.Task[None] | None = None

    async def start(self, port: int = LOCAL_PORT) -> ServerInfo:
        try:
            info = await self._start(port)
        except ServerConfigError as exc:
            log.info("port %d is taken (%s): the local server picks a free port", port, exc)
            info = await self._start(0)
        log.info("local server listening on %s (data in %s)", info.url, self.data_dir)
        return info

    async def _start(self, port: int) -> ServerInfo:
        ready: asyncio.Future[ServerInfo] = asyncio.get_running_loop().create_future()

        def on_ready(info: ServerInfo) -> None:
            if not ready.done():
                ready.set_result(info)

        config = ServerConfig(host="127.0.0.1", port=port, data_dir=self.data_dir)
        self._task = asyncio.ensure_future(serve(config, on_ready))
        waits: set[asyncio.Future[Any]] = {self._task, ready}
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        if ready in done:
            return ready.result()
        self._task.result()  # raises why it failed
        raise ServerConfigError("The local server stopped before it was ready.")

    async def stop(self) -> None:
        if self._task is None:
            return
        task, self._task = self._task, None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):  # stopping: it logs why
            await task
        log.info("local server stopped")
