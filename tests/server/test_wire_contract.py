"""The real server answers every request form of tests/contract.py with exactly its shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.server.clock import ManualClock
from tests.contract import CALLS, Call, Form, problems
from tests.server.conftest import AppFactory, asgi_client

CASES = [
    pytest.param(name, call, form, id=f"{name}-{i}")
    for name, call in CALLS.items()
    for i, form in enumerate(call.forms)
]
V = {"api-version": "3.2"}
T = "/api/tracking/client/"
CHECK_INTERVAL = 15 * 60  # the `config` fixture's activity check interval


async def prepare(
    client: httpx.AsyncClient, clock: ManualClock, setup: str | None
) -> dict[str, str]:
    """Brings the server into the state the call acts on; answers the values to fill in."""
    if setup in ("tracking", "check", "work_log"):
        started = await client.post(
            T + "startTracking", params=V, json={"timeZone": 60, "tfsId": 1201}
        )
        assert started.status_code == 200, started.text
    if setup == "check":
        clock.advance(CHECK_INTERVAL + 1)  # the server starts an activity check
    if setup == "work_log":
        clock.advance(90)
        assert (await client.post(T + "stopTracking", params=V)).status_code == 200
        logs = (await client.get("/api/rest/workLogs", params=V)).json()["data"]
        return {"work_log_id": logs[0]["id"]}
    if setup == "pin":
        return {"secret": (await client.post("/api/pin/create", params=V)).json()["secret"]}
    return {}


def fill(form: Form, values: dict[str, str]) -> tuple[str, bytes | None]:
    target, body = form.target, form.body
    for key, value in values.items():
        target = target.replace("{" + key + "}", value)
        if body is not None:
            body = body.replace(("{" + key + "}").encode(), value.encode())
    return target, body


@pytest.mark.parametrize(("name", "call", "form"), CASES)
async def test_every_form_answers_the_contract_shape(
    make_app: AppFactory, clock: ManualClock, name: str, call: Call, form: Form
) -> None:
    app = make_app(clock, approve_pins=True)
    async with asgi_client(app) as client:
        values = await prepare(client, clock, call.setup)
        target, body = fill(form, values)
        headers = {"Content-Type": form.content_type} if form.content_type else {}
        answer = await client.request(call.method, target, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    payload: Any = answer.json()
    if call.envelope:
        assert set(payload) == {"data"}
        payload = payload["data"]
    if call.answer is None:
        assert payload is None
        return
    items = payload if call.answer_list else [payload]
    assert items, "the setup should give the list an item"
    for item in items:
        assert problems(item, call.answer) == []
