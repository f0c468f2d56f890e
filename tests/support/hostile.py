"""Hostile HTTP peers: small raw-socket servers that misbehave the way a broken network or an
attacker does, for the client's deadline and size-cap tests (and the bench).

Each mode answers every request the same way:

- `endless`: 200, chunked JSON that never ends (`[{"n":0},{"n":1},...` forever).
- `drip`: 200 with a plausible Content-Length, then one byte every `interval` seconds.
- `redirect`: 307 to the same path on another host.
- `big`: a valid JSON array of `size` bytes, with Content-Length (`big`) or chunked
  (`big-chunked`).
- `proxy`: forwards each connection to `upstream` (a healthy server) until `turn(mode)`
  makes it hostile: open connections are then dropped, new ones get the new mode. With
  `stall`, a connection whose first request contains those bytes is drip-fed instead.

The server records what it received (`requests`: request line + headers) and how many body
bytes it managed to send (`sent`), so a test can show the client cut the answer off early.
Runs on the caller's event loop (`async with HostileServer(...)`) or in a thread of its own
(`HostileThread`) for clients on another loop or in another process.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

MODES = ("endless", "drip", "redirect", "big", "big-chunked", "proxy")
_ITEM = b'{"id":"00000000-0000-0000-0000-000000000000","remark":"padding padding"}'


class HostileServer:
    def __init__(
        self,
        mode: str,
        *,
        interval: float = 0.5,
        size: int = 50 * 1024 * 1024,
        upstream: tuple[str, int] | None = None,
        stall: bytes | None = None,
    ) -> None:
        if mode not in MODES or (mode == "proxy") != (upstream is not None):
            raise ValueError(f"mode must be one of {MODES}; proxy (only) needs an upstream")
        self.mode = mode
        self.upstream = upstream
        self.stall = stall  # proxy: a connection whose first request has this is drip-fed
        self.url = ""
        self.interval = interval
        self.size = size
        self.requests: list[bytes] = []
        self.sent = 0  # body bytes written
        self.closed_by_peer = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            handlers = list(self._handlers)  # a dripping handler would outlive the server
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
            await self._server.wait_closed()

    async def turn(self, mode: str) -> None:
        """From now on behave as `mode`; connections open so far are dropped."""
        self.mode = mode
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            if self.mode == "proxy":
                await self._proxy(reader, writer)
                return
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            await getattr(self, "_" + self.mode.replace("-", "_"))(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:  # close(): end quietly (asyncio logs cancelled handlers)
            pass
        finally:
            self._handlers.discard(task)
            self.closed_by_peer.set()
            writer.transport.abort()

    async def _proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self.upstream is not None
        head = await reader.readuntil(b"\r\n\r\n")
        if self.stall is not None and self.stall in head:
            self.requests.append(head)
            await self._drip(writer)
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        up_writer.write(head)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()

        pipes = [
            asyncio.ensure_future(pipe(reader, up_writer)),
            asyncio.ensure_future(pipe(up_reader, writer)),
        ]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            up_writer.transport.abort()

    async def _write(self, writer: asyncio.StreamWriter, data: bytes, body: int = 0) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += body

    async def _endless(self, writer: asyncio.StreamWriter) -> None:
        await self._write(
            writer,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
        )
        block = b"[" + b",".join([_ITEM] * 900) + b","
        chunk = b"%x\r\n%s\r\n" % (len(block), block)
        while True:  # until the client hangs up (ConnectionError ends it)
            await self._write(writer, chunk, len(block))

    async def _drip(self, writer: asyncio.StreamWriter) -> None:
        body = b'{"track": {"trackingState": "idle"}, "padding": "' + b"x" * 100 + b'"}'
        await self._write(
            writer,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body),
        )
        for byte in body:
            await self._write(writer, bytes([byte]), 1)
            await asyncio.sleep(self.interval)

    async def _redirect(self, writer: asyncio.StreamWriter) -> None:
        await self._write(
            writer,
            b"HTTP/1.1 307 Temporary Redirect\r\n"
            b"Location: http://attacker.invalid/api/tracking/client/current\r\n"
            b"Content-Length: 0\r\n\r\n",
        )

    def _big_blocks(self) -> tuple[bytes, int]:
        block = b",".join([_ITEM] * 1000) + b","
        return block, max(1, self.size // len(block))

    async def _big(self, writer: asyncio.StreamWriter) -> None:
        block, count = self._big_blocks()
        total = 1 + len(block) * count + len(_ITEM) + 1
        await self._write(
            writer,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % total,
        )
        await self._write(writer, b"[", 1)
        for _ in range(count):
            await self._write(writer, block, len(block))
        await self._write(writer, _ITEM + b"]", len(_ITEM) + 1)

    async def _big_chunked(self, writer: asyncio.StreamWriter) -> None:
        block, count = self._big_blocks()
        await self._write(
            writer,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
        )

        def chunk(data: bytes) -> bytes:
            return b"%x\r\n%s\r\n" % (len(data), data)

        await self._write(writer, chunk(b"["), 1)
        for _ in range(count):
            await self._write(writer, chunk(block), len(block))
        await self._write(writer, chunk(_ITEM + b"]") + b"0\r\n\r\n", len(_ITEM) + 1)


class HostileThread:
    """A HostileServer on its own loop in a daemon thread (for a client on another loop)."""

    def __init__(self, mode: str, **kwargs: float) -> None:
        self._loop = asyncio.new_event_loop()
        self.server = HostileServer(mode, **kwargs)  # type: ignore[arg-type]
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(10)
        return self.server

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self.server.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
