"""`pacetray tray --local` as a real process (offscreen): the embedded server answers, a second
launch opens the first one's popup and exits, SIGTERM and Quit end it cleanly. Crash logging
in-process: excepthook and the loop's exception handler write to the log file, the user gets
one line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QTimer

from app.logsetup import configure_logging
from app.server.auth import TOKEN_FILE
from app.ui import tray_app

ROOT = Path(__file__).resolve().parents[2]


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACETRAY_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QT_API="pyside6",
        PACETRAY_DATA_DIR=str(tmp / "data"),
        PACETRAY_CONFIG_DIR=str(tmp / "config"),
        PACETRAY_LOG_DIR=str(tmp / "log"),
        PACETRAY_TRAY_WAIT="0.3",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def wait_for_log(log: Path, pattern: str, timeout: float = 20.0) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        found = re.search(pattern, text)
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} in the log within {timeout} s:\n{text[-2000:]}")


@pytest.fixture
def tray_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, dict[str, str]]]:
    env = env_for(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "tray", "--local", "--no-hotkeys"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process, tmp_path / "log" / "pacetray.log", env
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=10)


def test_local_mode_serves_answers_a_second_launch_and_stops_on_sigterm(tray_process) -> None:
    process, log, env = tray_process
    wait_for_log(log, r"Pacetray ready \(local mode\)")
    url = wait_for_log(log, r"local server listening on (http://127\.0\.0\.1:\d+)").group(1)
    token = (Path(env["PACETRAY_DATA_DIR"]) / "server" / TOKEN_FILE).read_text().strip()
    answer = httpx.get(
        f"{url}/api/tracking/client/current",
        params={"api-version": "3.2"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 200
    # the token is never logged
    assert token not in log.read_text(encoding="utf-8")

    second = subprocess.run(
        [sys.executable, "-m", "app", "tray", "--local", "--no-hotkeys"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    wait_for_log(log, r"a second launch asked to open the popup")
    assert process.poll() is None  # the first one still runs

    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    text = log.read_text(encoding="utf-8")
    assert "local server stopped" in text and "Pacetray stopped cleanly" in text
    assert "Traceback" not in err and "Traceback" not in text
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/tracking/client/current", timeout=2)


def test_bad_server_is_one_line_and_exit_code(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "tray", "--server", "ftp://nowhere", "--token", "x"],
        cwd=ROOT,
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pacetray: error:"), result.stderr
    assert "Traceback" not in result.stderr

    result = subprocess.run(
        [sys.executable, "-m", "app", "tray", "--local", "--server", "http://127.0.0.1:1"],
        cwd=ROOT,
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "--local" in result.stderr


def test_without_a_display_the_tray_says_so_in_one_line(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    env.pop("QT_QPA_PLATFORM")  # as on a machine without a desktop (env_for drops DISPLAY)
    result = subprocess.run(
        [sys.executable, "-m", "app", "tray", "--local"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no graphical session" in lines[0], result.stderr
    assert "DISPLAY" in lines[0] and "pacetray status" in lines[0]


# What only the embedded server needs: a tray against a remote server imports none of it.
SERVER_PACKAGES = {"starlette", "uvicorn", "websockets"}
SERVER_MODULES = ("app.server", "app.local_server")
# Built, and imported, when first needed (controller.py): not by a tray nobody touched.
DIALOG_MODULES = {
    "app.ui.popup",
    "app.ui.prompts",
    "app.ui.adjust_dialog",
    "app.ui.settings_dialog",
    "app.ui.fallback_window",
}


def server_side(modules: list[str]) -> list[str]:
    return [
        m
        for m in modules
        if m.split(".")[0] in SERVER_PACKAGES
        or any(m == s or m.startswith(s + ".") for s in SERVER_MODULES)
    ]


# The app's own start-up path (`pacetray tray ...`), writing what it imported when it exits.
MODULES_AT_EXIT = """
import atexit, json, sys
def dump():
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(dump)
from app.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def modules_of_a_tray(tmp_path: Path, *args: str) -> list[str]:
    """What `pacetray tray ARGS` has imported once it is ready (left alone: no click, and no
    fallback window within the test's time)."""
    env = {**env_for(tmp_path), "PACETRAY_TRAY_WAIT": "600"}
    dump = tmp_path / "modules.json"
    process = subprocess.Popen(
        [sys.executable, "-c", MODULES_AT_EXIT, str(dump), "tray", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_log(tmp_path / "log" / "pacetray.log", r"Pacetray ready")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return list(json.loads(dump.read_text()))


def test_a_remote_mode_tray_imports_no_server_code_and_no_dialog(tmp_path: Path) -> None:
    modules = modules_of_a_tray(tmp_path, "--server", "http://127.0.0.1:1", "--token", "t")
    assert server_side(modules) == []
    assert DIALOG_MODULES.isdisjoint(modules)
    assert "app.ui.controller" in modules  # it did get that far
    assert "PySide6.QtNetwork" not in modules  # one line a day needs no 2.5 MiB of QtNetwork


def test_local_mode_embeds_the_server(tmp_path: Path) -> None:
    modules = modules_of_a_tray(tmp_path, "--local")
    assert {"app.local_server", "starlette", "uvicorn"} <= set(server_side(modules))
    assert DIALOG_MODULES.isdisjoint(modules)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "crash.log"
    old_hook = sys.excepthook
    configure_logging(logging.INFO, log_file=path)
    yield path
    sys.excepthook = old_hook
    tray_app._notify_crash = None
    configure_logging(logging.WARNING)


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


async def test_excepthook_logs_to_the_file_and_tells_the_user_one_line(log_file: Path) -> None:
    told: list[str] = []
    tray_app.install_crash_logging(told.append)
    fired = asyncio.Event()

    def broken_slot() -> None:
        fired.set()
        raise ZeroDivisionError("a bug in a slot")

    QTimer.singleShot(0, broken_slot)  # Qt calls it; PySide hands the error to sys.excepthook
    await asyncio.wait_for(fired.wait(), 5)
    deadline = time.monotonic() + 5
    while not told and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    _flush_logs()
    text = log_file.read_text(encoding="utf-8")
    assert "unhandled exception" in text and "ZeroDivisionError: a bug in a slot" in text
    assert "Traceback" in text  # the details are in the file...
    assert len(told) == 1 and "\n" not in told[0] and "Traceback" not in told[0]
    assert "ZeroDivisionError" in told[0] and str(tray_app.log_path()) in told[0]


async def test_loop_exception_handler_logs_to_the_file(log_file: Path) -> None:
    told: list[str] = []
    tray_app.install_crash_logging(told.append)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(tray_app._loop_exception_handler)
    try:

        def broken_callback() -> None:
            raise KeyError("lost")

        loop.call_soon(broken_callback)
        deadline = time.monotonic() + 5
        while not told and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
    finally:
        loop.set_exception_handler(None)
    _flush_logs()
    text = log_file.read_text(encoding="utf-8")
    assert "KeyError: 'lost'" in text and "Traceback" in text
    assert told and "\n" not in told[0]


# `pacetray tray`, recording the tray menu's texts as it is built.
MENU_TEXTS = """
import json, sys
from app.ui import tray
built = tray.TrayMenu.__init__
def record(self):
    built(self)
    texts = [a.text() for a in self.actions()] + [a.text() for a in self.snooze.actions()]
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(texts, out)
tray.TrayMenu.__init__ = record
from app.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def menu_of_a_tray(tmp_path: Path, language: str) -> list[str]:
    env = {**env_for(tmp_path), "PACETRAY_TRAY_WAIT": "600"}
    (tmp_path / "config").mkdir(parents=True, exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text(f'language = "{language}"\n')
    dump = tmp_path / "menu.json"
    args = ["tray", "--server", "http://127.0.0.1:1", "--token", "t", "--no-hotkeys"]
    process = subprocess.Popen(
        [sys.executable, "-c", MENU_TEXTS, str(dump), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_log(tmp_path / "log" / "pacetray.log", r"Pacetray ready")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return list(json.loads(dump.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("de", {"Zeiterfassung starten", "Einstellungen…", "Beenden", "Für 1 Stunde"}, "Quit"),
        ("en", {"Start tracking", "Settings…", "Quit", "For 1 hour"}, "Beenden"),
    ],
)
def test_the_tray_menu_speaks_the_language_setting(
    tmp_path: Path, language: str, shown: set[str], not_shown: str
) -> None:
    texts = menu_of_a_tray(tmp_path, language)
    assert shown <= set(texts), texts
    assert not_shown not in texts
