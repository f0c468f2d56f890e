"""tracking_calls: the seed calls over decoded (hub) arguments answer and fail as REST does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.server.app import services_of
from app.server.endpoints import dump
from app.server.errors import ApiProblem
from app.server.tracking_calls import CALLS
from tests.server.conftest import T, V

SEED_NAMES = {
    "current",
    "selected",
    "latest",
    "startTracking",
    "stopTracking",
    "idleCheck",
    "activityCheck",
    "adjust",
    "search",
    "searchByQuery",
}


def test_the_table_names_every_seed_call() -> None:
    assert set(CALLS) == SEED_NAMES


async def test_hub_arguments_give_the_rest_answers(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    s = services_of(app)
    started = dump(CALLS["startTracking"](s, {"timeZone": 60, "tfsId": 1201}))
    assert started["track"]["tfsId"] == 1201
    rest = (await client.get(T + "current", params={**V, "$expand": "true"})).json()
    assert dump(CALLS["current"](s, True)) == rest
    assert dump(CALLS["current"](s, "true")) == rest
    assert dump(CALLS["current"](s, False)) == rest
    assert dump(CALLS["current"](s)) == rest
    assert dump(CALLS["latest"](s, 1)) == dump(CALLS["latest"](s, "1"))
    by_str = dump(CALLS["searchByQuery"](s, "checkout"))
    assert by_str == dump(CALLS["searchByQuery"](s, {"query": "checkout"}))
    assert by_str["workItems"], "the demo org has a checkout work item"
    assert dump(CALLS["search"](s, "1201")) == dump(CALLS["search"](s, 1201))
    stopped = dump(CALLS["stopTracking"](s, 0))
    assert stopped["track"]["trackingState"] == "idle"


@pytest.mark.parametrize(
    ("name", "args", "rest"),
    [
        ("latest", ("x",), ("GET", "latest/x", None)),
        ("latest", (501,), ("GET", "latest/501", None)),
        ("stopTracking", (2,), ("POST", "stopTracking/2", None)),
        ("idleCheck", (None,), ("POST", "idleCheck", None)),
        ("idleCheck", ("7",), ("POST", "idleCheck/7", None)),
        ("current", ("maybe",), ("GET", "current/maybe", None)),
        ("search", (True,), ("POST", "search", b"true")),
        ("adjust", ({},), ("POST", "adjust", b"{}")),
        ("selected", ({"tfsId": "12"},), ("POST", "selected", b'{"tfsId": "12"}')),
    ],
)
async def test_hub_arguments_fail_with_the_rest_problem(
    app: Starlette,
    client: httpx.AsyncClient,
    name: str,
    args: tuple[Any, ...],
    rest: tuple[str, str, bytes | None],
) -> None:
    method, path, body = rest
    answer = await client.request(method, T + path, params=V, content=body)
    with pytest.raises(ApiProblem) as caught:
        CALLS[name](services_of(app), *args)
    assert (caught.value.status, caught.value.code) == (
        answer.status_code,
        answer.json()["error"]["errorCode"],
    )
    assert caught.value.message == answer.json()["error"]["message"]
