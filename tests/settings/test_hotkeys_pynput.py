"""The settings' hotkey check (written without pynput, which needs a display at import) agrees
with pynput itself: everything it accepts, pynput's `HotKey.parse` accepts on a real X server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.settings import model
from tests.support.xserver import XServer, have_xvfb

ACCEPTED = [
    "<ctrl>+<alt>+t",
    "<cmd>+<shift>+p",
    "<f9>",
    "<ctrl>+<alt>++",
    "<alt_gr>+<65>",
    "<ctrl>+<space>",
    *(f"<ctrl>+<{name}>" for name in sorted(model.SPECIAL_KEYS)),
    *(f"<{name}>+x" for name in sorted(model.MODIFIERS - {"shift", "shift_l", "shift_r"})),
    *(f"<ctrl>+<{name}>+x" for name in ("shift", "shift_l", "shift_r")),
]

PARSE_ALL = """
import json, sys
from pynput import keyboard
bad = []
for combo in json.loads(sys.stdin.read()):
    try:
        keyboard.HotKey.parse(combo)
    except ValueError as exc:
        bad.append(f"{combo}: {exc}")
print(json.dumps(bad))
"""


@pytest.mark.xvfb
def test_every_hotkey_the_settings_accept_parses_in_pynput() -> None:
    if not have_xvfb():
        pytest.fail("Xvfb and xdotool are required: run `make system-deps`")
    for combo in ACCEPTED:
        model.parse_hotkey(combo)  # the settings accept each of them
    with XServer() as x:
        result = subprocess.run(
            [sys.executable, "-c", PARSE_ALL],
            input=json.dumps(ACCEPTED),
            env=x.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    assert json.loads(result.stdout) == []
