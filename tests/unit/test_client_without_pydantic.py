"""Issue 13: pydantic stays with the server (strict request validation, the OpenAPI document)
and costs the client nothing: what the tray imports in remote mode, and the CLI's client
commands, must not load it (the wire models are dataclasses read by app/api/wire.py)."""

from __future__ import annotations

import os
import subprocess
import sys

# Beyond the tray's preload list (app/ui/launch.py, read in the child so the two stay in step):
# the session and app it builds, the hub client, sign-in, and the CLI's client commands.
CLIENT_MODULES = [
    "app.ui.tray_app",
    "app.ui.tray_session",
    "app.api.hub.client",
    "app.api.auth",
    "app.settings.credentials",
    "app.cli",
    "app.commands.client",
    "app.commands.output",
]


def test_the_remote_tray_and_the_cli_client_do_not_load_pydantic() -> None:
    code = (
        "import importlib, sys\n"
        "from app.ui.launch import PRELOAD\n"
        f"for name in [*PRELOAD, *{CLIENT_MODULES!r}]:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0].startswith('pydantic')))\n"
        "print('app.api.client' in sys.modules, 'app.tracking.tracker' in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    loaded, client = out.stdout.splitlines()
    assert client == "True True"  # the preload list still names the client stack
    assert loaded == "[]", f"the client loaded pydantic: {loaded}"


def test_the_server_still_derives_its_pydantic_models_from_the_wire_models() -> None:
    from pydantic import BaseModel

    from app.api.models import StartRequest, TrackingState
    from app.server.wire_schema import pydantic_model

    derived = pydantic_model(TrackingState)
    assert issubclass(derived, BaseModel) and derived.__name__ == "TrackingState"
    assert pydantic_model(TrackingState) is derived  # one per class: the document's refs agree
    assert derived.model_json_schema(by_alias=True)["properties"]["track"] == {
        "$ref": "#/$defs/Track"
    }
    assert pydantic_model(StartRequest).model_config.get("extra") == "forbid"
