"""Switch the local server's fault injection over its admin endpoint (`/_pacetray/faults`):
the one way every test folder and bench does it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import httpx

from app.server.config import FaultConfig

FAULTS_PATH = "/_pacetray/faults"


def set_faults(url: str, token: str, *, reset: bool = True, **faults: Any) -> dict[str, Any]:
    """PUT the faults; returns the server's settings after it.

    `reset=True` sends every setting, the unnamed ones at their defaults (off), so a test states
    the whole fault picture; `reset=False` changes only the named ones (what the server keeps
    otherwise is the point of tests/server/test_faults.py).
    """
    body = {**asdict(FaultConfig()), **faults} if reset else faults
    response = httpx.put(
        url + FAULTS_PATH, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
