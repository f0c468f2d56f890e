"""Bearer tokens, PIN pairing and /token (with refresh rotation), over real loopback HTTP."""

from __future__ import annotations

import logging
import stat
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.api.models import PinCreateResponse, PinStatus, PinStatusResponse, TokenResponse
from app.server.config import ServerConfig
from app.server.runner import ServerThread
from tests.support.wait import wait_for

from .conftest import TOKEN, T, V, assert_error, http_client

Factory = Callable[..., ServerThread]


def assert_oauth_error(response: httpx.Response, code: str) -> str:
    """OWIN's token endpoint refusal: 400, {"error", "error_description"}; the description."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"} and body["error"] == code
    assert response.headers["cache-control"] == "no-store"
    description: str = body["error_description"]
    assert description
    return description


def create_pin(client: httpx.Client) -> PinCreateResponse:
    response = client.post("/api/pin/create", params=V)
    assert response.status_code == 200, response.text
    return PinCreateResponse.from_wire(response.json())


def pin_status(client: httpx.Client, secret: str) -> PinStatus:
    response = client.post("/api/pin/status", params=V, json=secret)
    assert response.status_code == 200, response.text
    return PinStatusResponse.from_wire(response.json()).status


def token_call(client: httpx.Client, **form: str) -> httpx.Response:
    return client.post("/token", data={"client_id": "OpenApi", **form})


def exchange(client: httpx.Client, secret: str) -> TokenResponse:
    response = token_call(client, grant_type="authorization_code", code=secret)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return TokenResponse.from_wire(response.json())


def refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    return token_call(client, grant_type="refresh_token", refresh_token=refresh_token)


def works(server: ServerThread, token: str) -> bool:
    with http_client(server, token) as client:
        return client.get(T + "current", params=V).status_code == 200


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        (None, "No token was sent"),
        ("Basic dXNlcjpwdw==", "Bearer <token>"),
        ("Bearer", "Bearer <token>"),
        ("Bearer not-the-token", "not valid"),
    ],
)
def test_requests_without_a_valid_token_get_401(
    server_factory: Factory, header: str | None, hint: str
) -> None:
    server = server_factory()
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=server.url, headers=headers) as client:
        for method, path in (
            ("GET", T + "current"),
            ("POST", T + "startTracking"),
            ("GET", "/api/rest/me"),
            ("GET", "/api/rest/workLogs"),
        ):
            response = client.request(method, path, params=V)
            error = assert_error(response, 401, "UnauthorizedError")
            assert hint in error["message"]
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_generated_token_is_kept_private_and_stable(config: ServerConfig, tmp_path: Path) -> None:
    generated = replace(config, token=None)
    with ServerThread(generated) as first:
        token = first.token
        assert token and works(first, token)
    token_file = Path(str(config.data_dir)) / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    with ServerThread(generated) as second:
        assert second.token == token and works(second, token)


def test_pin_pairing_end_to_end_with_refresh_rotation(server_factory: Factory) -> None:
    server = server_factory()
    with httpx.Client(base_url=server.url) as anonymous:
        pin = create_pin(anonymous)
        assert len(pin.pin) == 6 and pin.pin.isdigit()
        assert pin_status(anonymous, pin.secret) is PinStatus.VALIDATING
        early = token_call(anonymous, grant_type="authorization_code", code=pin.secret)
        assert_oauth_error(early, "authorization_pending")
        # The user approves the PIN (what 7pace's Apps page does): an admin call.
        with http_client(server) as admin:
            approved = admin.post(f"/_pacetray/pins/{pin.pin}/approve")
            assert approved.status_code == 200, approved.text
        assert pin_status(anonymous, pin.secret) is PinStatus.VALIDATED
        tokens = exchange(anonymous, pin.secret)
        assert tokens.token_type == "bearer" and tokens.expires_in == 3600
        assert tokens.refresh_token and works(server, tokens.access_token)
        # The secret is single-use.
        again = token_call(anonymous, grant_type="authorization_code", code=pin.secret)
        assert_oauth_error(again, "invalid_grant")
        assert pin_status(anonymous, pin.secret) is PinStatus.WRONG_OR_EXPIRED
        # Refresh rotates: the new pair works, the old refresh token is spent.
        rotated = refresh(anonymous, tokens.refresh_token)
        assert rotated.status_code == 200, rotated.text
        new = TokenResponse.from_wire(rotated.json())
        assert new.refresh_token and new.refresh_token != tokens.refresh_token
        assert new.access_token != tokens.access_token and works(server, new.access_token)
        reused = refresh(anonymous, tokens.refresh_token)
        assert "already used" in assert_oauth_error(reused, "invalid_grant")
        assert refresh(anonymous, new.refresh_token).status_code == 200


def test_issued_tokens_survive_a_restart(server_factory: Factory) -> None:
    first = server_factory(approve_pins=True)
    with httpx.Client(base_url=first.url) as anonymous:
        pin = create_pin(anonymous)
        assert pin_status(anonymous, pin.secret) is PinStatus.VALIDATED  # auto-approved
        tokens = exchange(anonymous, pin.secret)
    first.stop()
    second = server_factory()
    assert works(second, tokens.access_token)
    with httpx.Client(base_url=second.url) as anonymous:
        assert refresh(anonymous, str(tokens.refresh_token)).status_code == 200


def test_access_tokens_expire_and_refresh_brings_them_back(server_factory: Factory) -> None:
    server = server_factory(approve_pins=True, access_token_ttl=0.3)
    with httpx.Client(base_url=server.url) as anonymous:
        tokens = exchange(anonymous, create_pin(anonymous).secret)
        assert tokens.expires_in == 1  # whole seconds on the wire, rounded up
        issued = time.time()
        wait_for(lambda: time.time() > issued + 0.4, timeout=3, interval=0.05)
        with http_client(server, tokens.access_token) as expired:
            response = expired.get(T + "current", params=V)
        assert "expired" in assert_error(response, 401, "UnauthorizedError")["message"]
        fresh = TokenResponse.from_wire(refresh(anonymous, str(tokens.refresh_token)).json())
        assert works(server, fresh.access_token)


def test_pins_expire(server_factory: Factory) -> None:
    server = server_factory(pin_ttl=0.2)
    with httpx.Client(base_url=server.url) as anonymous:
        pin = create_pin(anonymous)
        created = time.time()
        wait_for(lambda: time.time() > created + 0.3, timeout=3, interval=0.05)
        assert pin_status(anonymous, pin.secret) is PinStatus.WRONG_OR_EXPIRED
        with http_client(server) as admin:
            assert_error(admin.post(f"/_pacetray/pins/{pin.pin}/approve"), 404, "EntityNotFound")


def test_pin_status_and_token_validation(server_factory: Factory) -> None:
    server = server_factory()
    with httpx.Client(base_url=server.url) as anonymous:
        assert pin_status(anonymous, "no-such-secret") is PinStatus.WRONG_OR_EXPIRED
        for body in ({"secret": "x"}, 5, None):
            response = anonymous.post("/api/pin/status", params=V, json=body)
            assert_error(response, 400, "ApiVersionError")
        assert_error(anonymous.post("/api/pin/create"), 400, "ApiVersionError")
        assert_oauth_error(token_call(anonymous, grant_type="password"), "unsupported_grant_type")
        assert_oauth_error(
            token_call(anonymous, grant_type="authorization_code"), "invalid_request"
        )
        assert_oauth_error(refresh(anonymous, "made-up"), "invalid_grant")
        wrong_client = anonymous.post("/token", data={"client_id": "x", "grant_type": "x"})
        assert_oauth_error(wrong_client, "invalid_client")


def test_admin_calls_need_the_server_token(server_factory: Factory) -> None:
    server = server_factory(approve_pins=True)
    with httpx.Client(base_url=server.url) as anonymous:
        assert_error(anonymous.get("/_pacetray/faults"), 401, "UnauthorizedError")
        tokens = exchange(anonymous, create_pin(anonymous).secret)
    with http_client(server, tokens.access_token) as paired:
        assert_error(paired.get("/_pacetray/faults"), 403, "AccessDenied")
    with http_client(server, TOKEN) as admin:
        assert admin.get("/_pacetray/faults").json()["drop_rate"] == 0.0


def test_tokens_never_reach_the_logs(
    server_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        server = server_factory(approve_pins=True)
        with httpx.Client(base_url=server.url) as anonymous:
            pin = create_pin(anonymous)
            tokens = exchange(anonymous, pin.secret)
            refresh(anonymous, str(tokens.refresh_token))
        assert works(server, tokens.access_token)
        with http_client(server, "a-wrong-token-value") as wrong:
            wrong.get(T + "current", params=V)
        server.stop()
    text = caplog.text
    for secret in (
        TOKEN,
        pin.secret,
        tokens.access_token,
        str(tokens.refresh_token),
        "a-wrong-token-value",
    ):
        assert secret not in text
