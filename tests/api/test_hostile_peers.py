"""The client against hostile servers (real sockets, tests/support/hostile.py): every request
ends within its deadline, no answer is read past the size cap, and each failure is an ApiError
whose message names the server and what to do. Memory is measured with tracemalloc (Python
allocations, deterministic); the process's peak RSS is a figure in `make bench`."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from app.api.client import TrackingClient
from app.api.errors import (
    AnswerTooLarge,
    ApiError,
    ProtocolError,
    RequestTimeout,
)
from app.api.retry import RetryPolicy
from app.api.session import MAX_ANSWER_BYTES, deadline
from app.server.runner import ServerThread
from tests.api.conftest import TOKEN as SERVER_TOKEN
from tests.support.hostile import HostileServer

MiB = 1024 * 1024
TOKEN = "hostile-test-token-1234"


def client_for(server: HostileServer, **kwargs: float) -> TrackingClient:
    return TrackingClient(server.url, token=TOKEN, retry=RetryPolicy.none(), **kwargs)  # type: ignore[arg-type]


async def fail(client: TrackingClient) -> tuple[ApiError, float, int]:
    """(the error of `current()`, seconds it took, peak traced bytes)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ApiError) as info:
            await client.current()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.aclose()
    return info.value, time.monotonic() - started, peak


async def test_an_endless_answer_is_cut_at_the_cap_and_memory_stays_bounded() -> None:
    async with HostileServer("endless") as server:
        error, seconds, peak = await fail(client_for(server))
    assert isinstance(error, AnswerTooLarge) and isinstance(error, ProtocolError)
    assert "larger than 8 MiB" in error.message and server.url in error.message
    # What was held is the capped answer (chunks plus nothing else of that size).
    assert peak < 3 * MAX_ANSWER_BYTES, peak
    assert seconds < 10


async def test_a_drip_fed_answer_fails_at_the_deadline_naming_server_and_time() -> None:
    async with HostileServer("drip", interval=0.05) as server:
        error, seconds, _ = await fail(client_for(server, deadline=0.5))
        assert server.sent > 0  # bytes kept coming: no per-read timeout fired
    assert isinstance(error, RequestTimeout)
    assert server.url in error.message and "0.5 s" in error.message
    assert 0.4 < seconds < 5


async def test_a_shorter_budget_inside_deadline_block_wins() -> None:
    async with HostileServer("drip", interval=0.05) as server:
        client = client_for(server, deadline=30)
        started = time.monotonic()
        with deadline(0.3), pytest.raises(RequestTimeout, match=r"0\.3 s"):
            await client.current()
        await client.aclose()
    assert time.monotonic() - started < 5


async def test_a_redirect_to_another_host_is_not_followed() -> None:
    async with HostileServer("redirect") as server:
        error, _, _ = await fail(client_for(server))
    assert isinstance(error, ProtocolError) and "307" in error.message
    assert "redirect" in error.message
    assert len(server.requests) == 1  # one request, to the server we were given


@pytest.mark.parametrize("mode", ["big", "big-chunked"])
async def test_a_valid_50_mib_json_answer_is_refused_unread(mode: str) -> None:
    async with HostileServer(mode, size=50 * MiB) as server:
        error, _, peak = await fail(client_for(server))
        await server.closed_by_peer.wait()
    assert isinstance(error, AnswerTooLarge)
    assert peak < 3 * MAX_ANSWER_BYTES, peak
    # The client hung up long before the 50 MiB were through (socket buffers hold a few MiB).
    assert server.sent < 50 * MiB / 2, server.sent
    if mode == "big":  # Content-Length over the cap: refused before reading the body
        assert peak < MAX_ANSWER_BYTES, peak


async def test_the_cap_applies_to_real_answers_too(live: ServerThread) -> None:
    small = TrackingClient(live.url, token=SERVER_TOKEN, max_answer_bytes=100)
    normal = TrackingClient(live.url, token=SERVER_TOKEN)
    try:
        with pytest.raises(AnswerTooLarge, match="larger than 0 KiB"):
            await small.current(expand=True)
        assert (await normal.current(expand=True)).settings is not None
    finally:
        await small.aclose()
        await normal.aclose()
