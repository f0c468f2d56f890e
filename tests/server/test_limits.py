"""The server against oversized bodies and slow clients: a body over 1 MiB is refused with 413
and 7pace's error body before it is read (declared with Content-Length: at once; chunked: when
it crosses the limit), with the real `pacetray serve` process's peak RSS measured; bound to a
public address, a connection that sends half its headers is closed after the header timeout.
The RSS figures themselves are printed by `make bench` (bench_bounds)."""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from app.server.parsing import MAX_BODY
from app.server.runner import ServerThread
from tests.server.conftest import TOKEN, T, V
from tests.support.bigbody import ServeProcess, peak_rss_kib, send_big_body

MiB = 1024 * 1024
START = f"{T}startTracking?api-version=3.2"


@pytest.fixture(scope="module")
def serve_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    process = ServeProcess(tmp_path_factory.mktemp("serve"), "limits-token-0123")
    try:
        yield process
    finally:
        process.stop()


def warm(serve: ServeProcess) -> int:
    """One normal request (so imports and caches are in), then the peak RSS so far."""
    request = urllib.request.Request(
        f"{serve.url}{T}current?api-version=3.2",
        headers={"Authorization": f"Bearer {serve.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    return peak_rss_kib(serve.pid)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_300_mb_body_is_refused_with_413_and_rss_stays_flat(
    serve_process: ServeProcess, chunked: bool
) -> None:
    before = warm(serve_process)
    refusal = send_big_body(
        serve_process.host,
        serve_process.port,
        START,
        300 * MiB,
        chunked=chunked,
        token=serve_process.token,
    )
    grown = peak_rss_kib(serve_process.pid) - before
    assert refusal.status == 413, refusal
    assert refusal.body["error"]["errorCode"] == "RequestTooLarge"
    assert refusal.body["error"]["statusCode"] == 413
    assert "1024 KiB" in refusal.body["error"]["message"]
    assert refusal.headers.get("connection") == "close"
    if chunked:  # cut soon after the limit (plus what the socket buffers held)
        assert refusal.body_bytes_sent < 64 * MiB, refusal.body_bytes_sent
    else:  # refused on the header alone
        assert refusal.body_bytes_sent < 32 * MiB, refusal.body_bytes_sent
    assert grown < 20 * 1024, f"peak RSS grew by {grown} KiB"  # was ~600 MB; figure in bench
    warm(serve_process)  # and the server still serves


async def asgi(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async for c in asgi(app):
        yield c


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    yield b'{"remark": "'
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size
    yield b'"}'


async def test_bodies_up_to_the_limit_pass_and_one_byte_more_is_refused(
    http: httpx.AsyncClient,
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    padding = MAX_BODY - len(b'{"remark": ""}')
    ok = await http.post(f"{T}adjust", params=V, headers=auth, content=chunks(padding))
    assert ok.status_code != 413, ok.text  # read and judged on its merits
    over = await http.post(f"{T}adjust", params=V, headers=auth, content=chunks(padding + 1))
    assert over.status_code == 413
    assert over.json()["error"]["errorCode"] == "RequestTooLarge"
    declared = await http.post(
        f"{T}adjust",
        params=V,
        headers={**auth, "Content-Type": "application/json"},
        content=b"{" + b" " * MAX_BODY + b"}",
    )
    assert declared.status_code == 413
    # without a token: a declared length is refused before the token is even looked at
    anonymous = await http.post(f"{T}adjust", params=V, content=b"[" + b" " * MAX_BODY + b"]")
    assert anonymous.status_code == 413


def half_headers(port: int, after_one_request: bool) -> tuple[bytes, float]:
    """Send half a request's headers; (what came back, seconds until the server closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        if after_one_request:
            sock.sendall(b"GET /api/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(65536)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:100]
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:  # the whole answer, so nothing of it is left over
                body += sock.recv(65536)
        sock.sendall(b"GET /api/tracking/client/current HTTP/1.1\r\nHost: 127.0")
        started = time.monotonic()
        got = b""
        while chunk := sock.recv(65536):
            got += chunk
        return got, time.monotonic() - started


@pytest.mark.parametrize("after_one_request", [False, True], ids=["fresh", "keep-alive"])
def test_public_bind_closes_a_connection_with_half_its_headers(
    server_factory: Callable[..., ServerThread], after_one_request: bool
) -> None:
    server: ServerThread = server_factory(host="0.0.0.0", public=True, header_timeout=0.5)
    got, seconds = half_headers(server.port, after_one_request)
    assert got == b""  # closed, nothing answered
    assert 0.3 < seconds < 5, seconds
