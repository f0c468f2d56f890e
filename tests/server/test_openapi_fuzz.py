"""The served OpenAPI document against the server itself: schemathesis (a test dependency)
runs every check (`--checks all`: status codes, response schemas, headers, acceptance of
schema-valid and rejection of schema-violating requests, the Allow header, ...) with a fixed
seed and a short budget against the real server on loopback. It must find nothing, with no
exceptions configured: /token's 400 invalid_grant for a code the server does not know is
recognised through the document's own OAuth scheme (its tokenUrl). The longer run is in
`make bench` (bench_openapi).

The admin routes (/_pacetray/...: the fault switch and PIN approval, for tests) are fuzzed too,
but against a server instance of their own: fuzzing the fault switch turns on the very faults
it injects, which would spoil the main run (and the admin routes themselves are exempt from
faults, so their own run is unaffected)."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.server.config import ServerConfig
from app.server.runner import ServerThread

TOKEN = "fuzz-token-0123456789"
SEED = 20261206
ADMIN = "^/_pacetray/"
MAIN_PATHS = ("--exclude-path-regex", ADMIN)
ADMIN_PATHS = ("--include-path-regex", ADMIN)


@dataclass
class FuzzRun:
    returncode: int
    output: str
    generated: int
    failures: int
    server_errors: int


def fuzz(
    url: str,
    token: str,
    *,
    max_examples: int,
    seed: int,
    timeout: float,
    paths: tuple[str, str] = MAIN_PATHS,
    deterministic: bool = False,
) -> FuzzRun:
    """`schemathesis run` against `url`, every check; its counts read from its summary. It
    runs in a fresh directory: a crash cache left there would replay earlier runs' findings."""
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{url}/api/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        *paths,
        "--max-examples",
        str(max_examples),
        # Deterministic generation ignores the seed; otherwise the seed fixes the random run.
        *(["--generation-deterministic"] if deterministic else ["--seed", str(seed)]),
        "--no-color",
        "--warnings",
        "off",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, check=False, cwd=scratch
        )
    output = done.stdout + done.stderr
    generated = re.search(r"(\d+) generated", output)
    found = re.search(r"found (\d+) unique failures?", output)
    return FuzzRun(
        done.returncode,
        output,
        int(generated.group(1)) if generated else 0,
        int(found.group(1)) if found else 0,
        len(re.findall(r"Server error", output)),
    )


def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> ServerThread:
    data: Path = tmp_path_factory.mktemp("fuzz")
    return ServerThread(ServerConfig(port=0, token=TOKEN, data_dir=data, approve_pins=False))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with fresh_server(tmp_path_factory) as running:
        yield running


@pytest.mark.slow
def test_the_document_tells_the_truth(server: ServerThread) -> None:
    run = fuzz(server.url, TOKEN, max_examples=15, seed=SEED, timeout=600)
    assert run.generated > 1000, run.output[-3000:]
    tested = re.search(r"Tested: (\d+)", run.output)
    assert tested and int(tested.group(1)) >= 31, run.output[-3000:]  # the hub's paths too
    assert run.returncode == 0 and run.failures == 0, run.output[-12000:]


@pytest.mark.slow
def test_the_admin_routes_tell_the_truth_on_a_server_of_their_own(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_server(tmp_path_factory) as own:
        run = fuzz(own.url, TOKEN, max_examples=15, seed=SEED, timeout=300, paths=ADMIN_PATHS)
    assert run.generated > 50, run.output[-3000:]
    assert run.returncode == 0 and run.failures == 0, run.output[-12000:]


async def test_a_wrong_method_is_answered_with_every_method_of_the_path(client) -> None:
    for path, allowed in [
        ("/api/rest/workLogs", "GET, HEAD, POST"),
        ("/_pacetray/faults", "GET, HEAD, PUT"),
    ]:
        response = await client.request("OPTIONS", path)
        assert response.status_code == 405
        assert response.headers["allow"] == allowed


async def test_parameters_are_checked_as_the_document_states_them(client) -> None:
    from tests.server.conftest import T, V

    spec = (await client.get("/api/openapi.json")).json()
    latest = spec["paths"][T + "latest"]["get"]["parameters"]
    assert {"name": "$count", "in": "query"}.items() <= latest[0].items()
    assert latest[0]["schema"] == {"type": "integer", "minimum": 0, "maximum": 500}
    assert (await client.get(T + "latest", params={**V, "$count": "500"})).status_code == 200
    assert (await client.get(T + "latest", params={**V, "$count": "501"})).status_code == 400
    assert (await client.get(T + "current", params={**V, "$expand": ""})).status_code == 400


async def test_the_hub_negotiates_are_described_as_served(client) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    core = spec["paths"]["/signalr/trackingHub/v3.2/negotiate"]["post"]
    assert set(core["responses"]) == {"200", "400", "401", "413", "429", "500"}
    assert core["parameters"][0]["name"] == "negotiateVersion"
    assert core["security"] == [{"bearer": []}, {"accessToken": []}]
    classic = spec["paths"]["/signalr/negotiate"]["get"]
    assert [p["name"] for p in classic["parameters"]] == ["clientProtocol", "connectionData"]
    assert {"200", "400", "401", "404", "429"} <= set(classic["responses"])
    # The classic HTTP transports answer 400 to everything: no operation to document.
    assert "/signalr/connect" not in spec["paths"]
    answer = await client.post("/signalr/trackingHub/v3.2/negotiate?negotiateVersion=+1")
    assert answer.status_code == 400 and "negotiateVersion" in answer.json()["error"]
