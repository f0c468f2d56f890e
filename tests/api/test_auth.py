"""PIN pairing end to end and token refresh with rotation, against the real server."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.api.auth import BearerAuth, OAuthTokens, RefreshingAuth, pair_with_pin
from app.api.client import TrackingClient
from app.api.errors import PairingError, UnauthorizedError
from tests.api.conftest import LOOPBACK, TOKEN, RecordingTransport, SleepRecorder, server_config


def asgi(tmp_path: Path, **config) -> tuple[object, RecordingTransport]:
    from app.server.app import create_app

    app = create_app(server_config(tmp_path, **config))
    return app, RecordingTransport(httpx.ASGITransport(app=app))


def test_secrets_never_show_in_reprs() -> None:
    tokens = OAuthTokens("acc-123456789", "ref-123456789", datetime.now(UTC))
    assert "acc-" not in repr(tokens) and "ref-" not in repr(tokens)
    assert "tok" not in repr(BearerAuth("tok-123456789"))
    with pytest.raises(ValueError):
        BearerAuth("  ")


async def test_pairing_over_real_http_then_calls_with_the_tokens(live) -> None:
    pins: list[str] = []
    tokens = await pair_with_pin(live.url, on_pin=pins.append, poll_interval=0.05, timeout=10)
    assert len(pins) == 1 and pins[0].isdigit()
    assert tokens.access_token and tokens.refresh_token
    assert tokens.expires_at > datetime.now(UTC) + timedelta(minutes=30)
    saved: list[OAuthTokens] = []
    auth = RefreshingAuth(live.url, tokens, saved.append)
    async with TrackingClient(live.url, auth=auth) as client:
        assert (await client.current()).timestamp >= 0
    assert saved == []  # a fresh token needs no refresh


async def test_pairing_wire_form(tmp_path: Path) -> None:
    _, recorder = asgi(tmp_path, approve_pins=True)
    sleeps = SleepRecorder()
    tokens = await pair_with_pin(LOOPBACK, on_pin=lambda pin: None, transport=recorder,
                                 sleep=sleeps)  # fmt: skip
    create, *polls, token = recorder.requests
    assert (create.method, create.url.raw_path) == ("POST", b"/api/pin/create?api-version=3.2")
    assert create.content == b"" and "content-type" not in create.headers
    assert "authorization" not in create.headers
    secret = polls[0].content.decode()
    assert secret.startswith('"') and secret.endswith('"')  # the secret as a JSON string
    for poll in polls:
        assert poll.url.raw_path == b"/api/pin/status?api-version=3.2"
        assert poll.headers["content-type"] == "application/json"
        assert "authorization" not in poll.headers
    assert (token.method, token.url.raw_path) == ("POST", b"/token")
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token.content == (
        b"client_id=OpenApi&grant_type=authorization_code&code="
        + httpx.QueryParams({"c": secret.strip('"')}).get("c").encode()
    )
    assert tokens.refresh_token


async def test_pairing_waits_for_approval_from_the_admin_endpoint(tmp_path: Path) -> None:
    app, recorder = asgi(tmp_path)
    approved: list[int] = []

    async def approve(pin: str) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=LOOPBACK
        ) as admin:
            response = await admin.post(
                f"/_pacetray/pins/{pin}/approve", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            approved.append(response.status_code)

    tasks: list[asyncio.Task[None]] = []
    sleeps = SleepRecorder()

    async def sleep(delay: float) -> None:  # approve only after the first "Validating"
        await sleeps(delay)
        if not tasks:
            tasks.append(asyncio.create_task(approve(pins[0])))
            await tasks[0]

    pins: list[str] = []
    tokens = await pair_with_pin(LOOPBACK, on_pin=pins.append, transport=recorder, sleep=sleep)
    assert approved and 200 <= approved[0] < 300
    assert sleeps.delays == [0.5]
    assert tokens.access_token


async def test_pin_that_expires_is_a_clear_error(tmp_path: Path) -> None:
    _, recorder = asgi(tmp_path, pin_ttl=0.05)
    with pytest.raises(PairingError) as info:
        await pair_with_pin(LOOPBACK, on_pin=lambda p: None, transport=recorder,
                            poll_interval=0.02, timeout=5)  # fmt: skip
    assert info.value.message == "PIN expired or rejected: start pairing again."


async def test_pin_never_confirmed_times_out(tmp_path: Path) -> None:
    _, recorder = asgi(tmp_path)
    sleeps = SleepRecorder()
    with pytest.raises(PairingError) as info:
        await pair_with_pin(LOOPBACK, on_pin=lambda p: None, transport=recorder, sleep=sleeps,
                            poll_interval=0.5, timeout=2.0)  # fmt: skip
    assert "not confirmed within 2 s" in info.value.message
    assert sleeps.delays == [0.5] * 4
    assert len(recorder.requests) == 1 + 5  # create + five status polls, no /token


async def paired(tmp_path: Path) -> tuple[OAuthTokens, RecordingTransport]:
    _, recorder = asgi(tmp_path, approve_pins=True)
    tokens = await pair_with_pin(LOOPBACK, on_pin=lambda p: None, transport=recorder,
                                 sleep=SleepRecorder())  # fmt: skip
    recorder.requests.clear()
    return tokens, recorder


async def test_expiring_token_is_refreshed_before_the_call_with_rotation(tmp_path: Path) -> None:
    tokens, recorder = await paired(tmp_path)
    expiring = replace(tokens, expires_at=datetime.now(UTC) + timedelta(seconds=10))
    saved: list[OAuthTokens] = []
    auth = RefreshingAuth(LOOPBACK, expiring, saved.append)
    async with TrackingClient(LOOPBACK, auth=auth, transport=recorder) as client:
        await client.current()
        await client.current()
    assert [r.url.path for r in recorder.requests] == [
        "/token", "/api/tracking/client/current", "/api/tracking/client/current",
    ]  # fmt: skip
    assert (
        recorder.requests[0].content
        == (
            f"client_id=OpenApi&grant_type=refresh_token&refresh_token={tokens.refresh_token}"
        ).encode()
    )
    [new] = saved
    assert new.access_token != tokens.access_token
    assert new.refresh_token not in (None, tokens.refresh_token)  # rotated
    assert auth.tokens == new
    assert recorder.requests[1].headers["authorization"] == f"Bearer {new.access_token}"

    # The old refresh token was used up by the rotation.
    stale = replace(tokens, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    async with TrackingClient(
        LOOPBACK, auth=RefreshingAuth(LOOPBACK, stale, saved.append), transport=recorder
    ) as client:
        with pytest.raises(UnauthorizedError) as info:
            await client.current()
    assert "pair again" in info.value.message


async def test_rejected_access_token_is_refreshed_once_on_401(tmp_path: Path) -> None:
    tokens, recorder = await paired(tmp_path)
    revoked = replace(tokens, access_token="revoked-access-token-1")
    saved: list[OAuthTokens] = []
    auth = RefreshingAuth(LOOPBACK, revoked, saved.append)
    async with TrackingClient(LOOPBACK, auth=auth, transport=recorder) as client:
        state = await client.start_tracking(work_item_id=1201)  # a write: resent only after a 401
    assert state.track.tfs_id == 1201
    paths = [r.url.path for r in recorder.requests]
    assert paths == ["/api/tracking/client/startTracking", "/token",
                     "/api/tracking/client/startTracking"]  # fmt: skip
    assert len(saved) == 1


async def test_concurrent_401s_refresh_only_once(tmp_path: Path) -> None:
    tokens, recorder = await paired(tmp_path)
    saved: list[OAuthTokens] = []
    auth = RefreshingAuth(LOOPBACK, replace(tokens, access_token="revoked-token-22"), saved.append)
    async with TrackingClient(LOOPBACK, auth=auth, transport=recorder) as client:
        states = await asyncio.gather(*(client.current() for _ in range(5)))
    assert len(states) == 5
    assert len(saved) == 1
    assert [r.url.path for r in recorder.requests].count("/token") == 1


async def test_refresh_answer_without_refresh_token_keeps_the_old_one() -> None:
    # The local server always rotates; an answer that omits the refresh token is a variant
    # only a real 7pace produces [live], so it is mocked.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "new-access-1", "expires_in": "3600"})
        ok = request.headers["authorization"] == "Bearer new-access-1"
        return httpx.Response(200 if ok else 401, json={"timestamp": 3})

    old = OAuthTokens("old-access-1", "keep-refresh-1", datetime.now(UTC) - timedelta(hours=1))
    saved: list[OAuthTokens] = []
    auth = RefreshingAuth(LOOPBACK, old, saved.append)
    async with TrackingClient(LOOPBACK, auth=auth, transport=httpx.MockTransport(handler)) as c:
        assert (await c.current()).timestamp == 3
    assert saved[0].refresh_token == "keep-refresh-1"
    assert saved[0].expires_at > datetime.now(UTC) + timedelta(minutes=59)


async def test_a_refreshed_token_that_is_still_rejected_is_not_refreshed_again(tmp_path) -> None:
    # access_token_ttl=0: every access token the server issues is already expired.
    _, recorder = asgi(tmp_path, approve_pins=True, access_token_ttl=0.0)
    tokens = await pair_with_pin(LOOPBACK, on_pin=lambda p: None, transport=recorder,
                                 sleep=SleepRecorder())  # fmt: skip
    recorder.requests.clear()
    saved: list[OAuthTokens] = []
    async with TrackingClient(
        LOOPBACK, auth=RefreshingAuth(LOOPBACK, tokens, saved.append), transport=recorder
    ) as client:
        with pytest.raises(UnauthorizedError):
            await client.current()
    assert [r.url.path for r in recorder.requests] == ["/token", "/api/tracking/client/current"]
    assert len(saved) == 1


async def test_a_failing_token_saver_does_not_fail_the_call(tmp_path: Path, caplog) -> None:
    tokens, recorder = await paired(tmp_path)

    def broken_saver(new: OAuthTokens) -> None:
        raise OSError("keyring locked")

    stale = replace(tokens, expires_at=datetime.now(UTC))
    auth = RefreshingAuth(LOOPBACK, stale, broken_saver)
    async with TrackingClient(LOOPBACK, auth=auth, transport=recorder) as client:
        assert (await client.current()).timestamp >= 0
    assert auth.tokens.access_token != tokens.access_token
    assert "could not save the refreshed tokens" in caplog.text
