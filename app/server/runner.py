"""Running the server: `serve()` (async; `pacetray serve` and the tray use it) and
`ServerThread` (tests, benchmarks: uvicorn in a daemon thread on a free port)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from app.server.app import create_app, services_of
from app.server.config import ServerConfig
from app.server.limits import header_timeout_protocol

log = logging.getLogger("app.server")


class ServerConfigError(ValueError):
    """The configuration cannot be served; the message says what to change."""


@dataclass(frozen=True)
class ServerInfo:
    """What `ready_cb` receives once the server accepts connections."""

    host: str
    port: int
    url: str
    token: str
    app: Starlette


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(config: ServerConfig) -> None:
    if is_loopback(config.host):
        return
    if not config.public:
        raise ServerConfigError(
            f"Refusing to listen on {config.host}: it is reachable from other machines. "
            "Pass --public (and a --token) to allow that, or use 127.0.0.1."
        )
    if not config.token:
        raise ServerConfigError(
            f"Listening publicly on {config.host} needs an explicit token: pass --token."
        )


def bind_socket(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
        )
    except OSError as exc:
        raise ServerConfigError(f"Cannot listen on {host}:{port}: {exc}.") from exc
    family, kind, proto, _, address = infos[0]
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on such sockets, and without it
    # every answer waits ~40 ms for a delayed ACK (headers and body are separate writes).
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ServerConfigError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from exc
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` decides about signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    config: ServerConfig,
    ready_cb: Callable[[ServerInfo], None] | None = None,
    *,
    app: Starlette | None = None,
    handle_signals: bool = False,
) -> None:
    """Serves until cancelled (or, with `handle_signals`, until SIGINT/SIGTERM), then stops
    cleanly: the clock task ends, connections close and the database is closed.

    Binds the socket itself, so `port=0` picks a free port, reported through `ready_cb`.
    Raises ServerConfigError for a non-loopback host without `public` and a token, or a port
    that cannot be bound.
    """
    check_bind(config)
    sock = bind_socket(config.host, config.port)
    own_app = app is None
    app = app or create_app(config)
    host, port = sock.getsockname()[:2]
    info = ServerInfo(host, port, _url(host, port), services_of(app).token, app)
    public = not is_loopback(config.host)
    server = _Server(
        uvicorn.Config(
            app,
            # uvicorn bounds header size only; in public, their time too
            http=header_timeout_protocol(config.header_timeout) if public else "auto",
            lifespan="on",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
            ws="websockets-sansio",
            # Hub states are a few KiB on loopback: compressing each push once per connection
            # cost more CPU (and half the push latency in bench_hub) than it saves.
            ws_per_message_deflate=False,
            # The hub checks each message against max_message_size itself (to answer with a
            # protocol close message); this ceiling bounds a frame holding several of them.
            ws_max_size=4 * config.hub.max_message_size,
        )
    )
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if handle_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, setattr, server, "should_exit", True)
                installed.append(sig)

    async def announce() -> None:
        while not server.started:
            if server_task.done():
                return
            await asyncio.sleep(0.005)
        if ready_cb is not None:
            ready_cb(info)

    server_task = asyncio.create_task(server.serve(sockets=[sock]))
    announcer = asyncio.create_task(announce())
    try:
        await asyncio.shield(server_task)
    except asyncio.CancelledError:
        server.should_exit = True
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await server_task
        raise
    finally:
        announcer.cancel()
        for sig in installed:
            loop.remove_signal_handler(sig)
        sock.close()
        if own_app:
            services_of(app).close()
    if server_task.exception() is None and not server.started:
        raise ServerConfigError("The server stopped before it was ready; see its log.")


class ServerThread:
    """uvicorn in a daemon thread: `with ServerThread(config) as server: server.url`.

    `config.port == 0` (tests) picks a free port. Closes its database on `stop()`.
    """

    def __init__(self, config: ServerConfig, *, app: Starlette | None = None) -> None:
        self.config = config
        self.app = app or create_app(config)
        self.token = services_of(self.app).token
        self.url = ""
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pacetray-server", daemon=True)

    def start(self, timeout: float = 10.0) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise TimeoutError(f"the server did not start within {timeout} s")
        if self._error is not None:
            self.stop()
            raise self._error
        return self

    def _on_ready(self, info: ServerInfo) -> None:
        self.url, self.port = info.url, info.port
        self._ready.set()

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            await serve(self.config, self._on_ready, app=self.app)

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # reported to start()'s caller
            self._error = exc
        finally:
            self._ready.set()

    def stop(self, timeout: float = 10.0) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may have just closed
                loop.call_soon_threadsafe(task.cancel)
        if self._thread.is_alive():
            self._thread.join(timeout)
        services_of(self.app).close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def loopback_config(config: ServerConfig) -> ServerConfig:
    """The same config on 127.0.0.1 and a free port (tests, benchmarks)."""
    return replace(config, host="127.0.0.1", port=0)
