"""No token in the logs: DEBUG logging of real calls (httpx and httpcore included) through
configure_logging, then a grep of everything written for every secret that was in play."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.api.auth import OAuthTokens, RefreshingAuth, pair_with_pin
from app.api.client import TrackingClient
from app.api.errors import UnauthorizedError
from app.logsetup import configure_logging
from tests.api.conftest import RecordingTransport


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    log_file = tmp_path / "debug.log"
    configure_logging(logging.DEBUG, log_file)
    yield log_file
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


async def test_no_token_reaches_the_logs(live, debug_log: Path, capsys) -> None:
    pins: list[str] = []
    recorder = RecordingTransport(httpx.AsyncHTTPTransport())
    tokens = await pair_with_pin(
        live.url, on_pin=pins.append, poll_interval=0.05, transport=recorder
    )
    pin_secret = recorder.requests[1].content.decode().strip('"')
    saved: list[OAuthTokens] = []
    expired = replace(tokens, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    auth = RefreshingAuth(live.url, expired, saved.append)
    async with TrackingClient(live.url, auth=auth) as client:
        await client.current()
    async with TrackingClient(live.url, token=live.token) as client:
        await client.start_tracking(work_item_id=1201, remark="logged")
        await client.stop_tracking()
    async with TrackingClient(live.url, token="wrong-but-secret-token-9") as client:
        with pytest.raises(UnauthorizedError):
            await client.current()
    # The debug line of a request with its headers, as a careless caller might log it.
    logging.getLogger("app.test").debug(
        "sent headers %s", {"Authorization": f"Bearer {live.token}"}
    )

    for handler in logging.getLogger().handlers:
        handler.flush()
    text = debug_log.read_text() + capsys.readouterr().err
    # The logs did capture the conversation, at DEBUG, from httpx and httpcore...
    assert "httpx" in text and "httpcore" in text
    assert "/token" in text and "/api/pin/status" in text and "startTracking" in text
    assert "sent headers" in text
    # ...but none of the secrets that travelled in it.
    [refreshed] = saved
    secrets = {
        "server token": live.token,
        "access token": tokens.access_token,
        "refresh token": tokens.refresh_token,
        "rotated access token": refreshed.access_token,
        "rotated refresh token": refreshed.refresh_token,
        "wrong token": "wrong-but-secret-token-9",
        "PIN secret": pin_secret,
    }
    for name, secret in secrets.items():
        assert secret and secret not in text, f"{name} found in the logs"
