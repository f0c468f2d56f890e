"""The settings dialog with a real settings dir, a real (file) keyring and the real local server:
save and reload, inline errors, connection test, token and PIN sign-in into the keyring only,
start at login, activity sensing; and that the dialog is only a form over the services it is
given (its imports)."""

from __future__ import annotations

import ast
import base64
import configparser
import json
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.core
import pytest
from PySide6.QtCore import QKeyCombination, Qt

from app.activity.probe import ProbeResult
from app.settings import AuthMethod, IdlePolicy, load_settings
from app.settings.model import Hotkeys, Settings
from app.settings.settings_service import SettingsServices
from app.ui import settings_dialog
from app.ui.settings_dialog import SettingsDialog
from tests.support.wait import wait_until
from tests.ui.conftest import TOKEN, LiveServer, ScriptedActivity

PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"


@dataclass
class Home:
    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / "config" / "settings.toml"

    @property
    def autostart_entry(self) -> Path:
        return self.root / "xdg-config" / "autostart" / "pacetray.desktop"

    def keyring_values(self) -> list[str]:
        """Every secret in the file keyring (keyrings.alt stores them base64-encoded)."""
        path = self.root / "xdg-data" / "python_keyring" / "keyring_pass.cfg"
        if not path.exists():
            return []
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
        return [
            base64.b64decode(value.strip()).decode("utf-8")
            for section in parser.sections()
            for _, value in parser.items(section)
        ]

    def all_config_text(self) -> str:
        return "".join(
            p.read_text(errors="replace") for p in (self.root / "config").rglob("*") if p.is_file()
        )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """Settings, data, autostart dir and a file keyring chosen explicitly, all under tmp."""
    root = tmp_path / "home"
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("PACETRAY_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("PACETRAY_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT_KEYRING)
    previous = keyring.get_keyring()
    keyring.core.init_backend()  # picks the backend named by PYTHON_KEYRING_BACKEND
    yield Home(root)
    keyring.set_keyring(previous)


def open_dialog(**services: Any) -> SettingsDialog:
    """A dialog over fresh services (settings loaded from the file) given `services`' parts."""
    return SettingsDialog(SettingsServices(**services))


@pytest.fixture
def dialog(home: Home) -> Iterator[SettingsDialog]:
    made = open_dialog()
    made.show()
    yield made
    made.done(0)
    made.deleteLater()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_save_and_reload_every_setting(dialog: SettingsDialog, home: Home) -> None:
    assert not home.settings_file.exists()
    dialog.server_edit.setText("acme")
    assert dialog.server_hint.text() == "→ https://acme.timehub.7pace.com"
    dialog.idle_minutes.setValue(7)
    dialog.idle_policy.setCurrentIndex(dialog.idle_policy.findData("always_discard"))
    dialog.activity_window.setValue(45)
    dialog.stop_on_lock.setChecked(True)
    dialog.stop_on_sleep.setChecked(True)
    dialog.recorders["open_popup"].start_recording()
    dialog.recorders["open_popup"].record(
        QKeyCombination(
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            Qt.Key.Key_F9,
        )
    )
    dialog.recorders["restart_last"].clear_button.click()
    dialog.start_at_login.setChecked(True)
    assert dialog.live_updates.isChecked()  # on by default
    dialog.live_updates.setChecked(False)
    saved: list[Settings] = []
    dialog.saved.connect(saved.append)

    assert dialog.save()
    assert not dialog.isVisible()  # closed after a good save
    loaded = load_settings()
    assert saved == [loaded]
    assert loaded.server_url == "https://acme.timehub.7pace.com"
    assert loaded.idle_threshold_seconds == 7 * 60
    assert loaded.idle_policy is IdlePolicy.ALWAYS_DISCARD
    assert loaded.activity_window_seconds == 45
    assert loaded.stop_on_lock and loaded.stop_on_sleep
    assert loaded.hotkeys.open_popup == "<ctrl>+<shift>+<f9>"
    assert loaded.hotkeys.restart_last == ""
    assert loaded.hotkeys.toggle_tracking == "<ctrl>+<alt>+t"
    assert loaded.start_at_login
    assert not loaded.live_updates
    assert home.autostart_entry.is_file()

    again = open_dialog()  # reload: the dialog shows what was saved
    try:
        assert again.server_edit.text() == "https://acme.timehub.7pace.com"
        assert again.idle_minutes.value() == 7
        assert again.idle_policy.currentData() == "always_discard"
        assert again.activity_window.value() == 45
        assert again.stop_on_lock.isChecked() and again.stop_on_sleep.isChecked()
        assert again.recorders["open_popup"].value == "<ctrl>+<shift>+<f9>"
        assert again.recorders["open_popup"].button.text() == "Ctrl+Shift+F9"
        assert again.recorders["restart_last"].button.text() == "Off"
        assert again.start_at_login.isChecked()
        assert not again.live_updates.isChecked()
        again.start_at_login.setChecked(False)
        assert again.save()
        assert not home.autostart_entry.exists()
    finally:
        again.deleteLater()


def test_cancel_discards(dialog: SettingsDialog, home: Home) -> None:
    dialog.server_edit.setText("acme")
    dialog.idle_minutes.setValue(9)
    dialog.token_edit.setText("not-kept-token")
    dialog.reject()
    assert not dialog.isVisible()
    assert not home.settings_file.exists()
    assert home.keyring_values() == []


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("http://tt.example.com", "only allowed for this machine"),
        ("ftp://tt.example.com", "must start with https://"),
        ("https://user:pw@tt.example.com", "user name or password"),
        ("https://tt.example.com/?x=1", "must not contain '?'"),
    ],
)
def test_invalid_server_is_an_inline_error_and_not_saved(
    dialog: SettingsDialog, home: Home, text: str, needle: str
) -> None:
    dialog.server_edit.setText(text)
    assert dialog.server_error.isVisible()
    assert needle in dialog.server_error.text()
    assert "fix the server address" in dialog.auth_status.text()
    assert not dialog.save()
    assert "fix the server address" in dialog.save_error.text()
    assert dialog.isVisible()
    assert not home.settings_file.exists()
    dialog.server_edit.setText("https://tt.example.com/tfs/DefaultCollection/")
    assert not dialog.server_error.isVisible()
    assert dialog.server_hint.text() == "→ https://tt.example.com/tfs/DefaultCollection"


async def test_connection_test_ok_and_failing(
    dialog: SettingsDialog, home: Home, server: LiveServer
) -> None:
    dialog.server_edit.setText(server.url)
    task = dialog.test_connection()  # no sign-in yet
    assert task is not None and not await task
    assert "No sign-in" in dialog.test_result.text()

    dialog.token_edit.setText(TOKEN)
    task = dialog.test_connection()
    assert task is not None and await task
    assert dialog.test_result.text().startswith("Connection OK: signed in as ")
    assert TOKEN not in dialog.test_result.text()

    dialog.token_edit.setText("wrong-token")
    task = dialog.test_connection()
    assert task is not None and not await task
    assert dialog.test_result.text().startswith("Connection failed: ")
    assert "Traceback" not in dialog.test_result.text()

    dialog.server_edit.setText(f"http://127.0.0.1:{free_port()}")
    task = dialog.test_connection()
    assert task is not None and not await task
    assert dialog.test_result.text().startswith("Connection failed: ")
    assert dialog.test_button.isEnabled()


async def test_token_goes_to_the_keyring_never_to_the_file(
    dialog: SettingsDialog, home: Home, server: LiveServer
) -> None:
    dialog.server_edit.setText(server.url)
    dialog.token_edit.setText(TOKEN)
    assert dialog.token_edit.echoMode() is dialog.token_edit.EchoMode.Password
    assert dialog.save()
    assert TOKEN in home.keyring_values()
    assert TOKEN not in home.all_config_text()
    assert load_settings().auth_method is AuthMethod.TOKEN

    again = open_dialog()  # the token is never shown back, only that one is saved
    try:
        assert again.token_edit.text() == ""
        assert "keyring" in again.auth_status.text()
        assert again.token_edit.placeholderText().startswith("Saved")
        task = again.test_connection()  # with the saved token
        assert task is not None and await task
    finally:
        again.done(0)
        again.deleteLater()


async def test_pair_with_pin_shows_the_pin_and_keeps_tokens_on_save(
    dialog: SettingsDialog, home: Home, server: LiveServer
) -> None:
    dialog.server_edit.setText(server.url)
    task = dialog.pair()
    assert task is not None and dialog.pairing
    await wait_until(lambda: dialog.pin_label.text().isdigit(), timeout=10, what="the PIN")
    pin = dialog.pin_label.text()
    assert dialog.pairing_panel.isVisible()
    assert dialog.pin_label.font().pointSizeF() >= 24
    response = httpx.post(  # what the user does on 7pace's Apps page
        f"{server.url}/_pacetray/pins/{pin}/approve",
        headers={"Authorization": f"Bearer {server.thread.token}"},
        timeout=10,
    )
    response.raise_for_status()
    await task
    assert "Paired" in dialog.pairing_status.text()
    assert home.keyring_values() == []  # nothing kept before Save
    assert dialog.save()
    (stored,) = home.keyring_values()
    tokens = json.loads(stored)
    assert tokens["access_token"] and tokens["access_token"] not in home.all_config_text()
    assert load_settings().auth_method is AuthMethod.PIN

    again = open_dialog()
    try:
        assert "Paired by PIN" in again.auth_status.text()
        check = again.test_connection()  # the saved OAuth tokens work
        assert check is not None and await check
    finally:
        again.done(0)
        again.deleteLater()


async def test_pairing_can_be_cancelled(dialog: SettingsDialog, server: LiveServer) -> None:
    dialog.server_edit.setText(server.url)
    task = dialog.pair()
    assert task is not None
    await wait_until(lambda: dialog.pin_label.text().isdigit(), timeout=10, what="the PIN")
    dialog.cancel_pairing_button.click()
    await wait_until(task.done, timeout=5)
    assert task.cancelled()
    assert not dialog.pairing and not dialog.pairing_panel.isVisible()
    assert dialog.pair_button.isEnabled()


def test_pairing_needs_a_server(dialog: SettingsDialog) -> None:
    assert dialog.pair() is None
    assert "server address" in dialog.auth_error.text()


def test_bad_hotkey_is_refused_inline(dialog: SettingsDialog) -> None:
    dialog.tabs.setCurrentIndex(2)
    recorder = dialog.recorders["toggle_tracking"]
    recorder.start_recording()
    recorder.record(QKeyCombination(Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_A))
    assert recorder.error.isVisible() and "needs <ctrl>, <alt> or <cmd>" in recorder.error.text()
    assert recorder.value == "<ctrl>+<alt>+t" and recorder.recording


def test_duplicate_hotkeys_are_refused_by_the_settings_model(
    dialog: SettingsDialog, home: Home
) -> None:
    combo = QKeyCombination(
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier, Qt.Key.Key_T
    )
    recorder = dialog.recorders["open_popup"]
    recorder.start_recording()
    recorder.record(combo)  # the same as toggle_tracking's default
    assert not dialog.save()
    assert "hotkeys.open_popup" in dialog.hotkeys_error.text()
    assert "Not saved" in dialog.save_error.text()
    assert not home.settings_file.exists()


async def test_activity_sensing_shows_seconds_since_input(home: Home) -> None:
    activity = ScriptedActivity(time.monotonic)  # real seconds, as the user sees them
    result = ProbeResult(chosen=activity, session="x11")
    dialog = open_dialog(activity=result)
    try:
        assert dialog.source_label.text().startswith("scripted: available")
        dialog.sensing_seconds = 1.0
        activity.away(seconds_ago=300)
        dialog.sensing_button.click()
        assert dialog.sensing and not dialog.sensing_button.isEnabled()
        assert "Last input 300." in dialog.sensing_value.text()
        activity.touch()  # input: the live value resets
        await wait_until(lambda: "Last input 0." in dialog.sensing_value.text(), timeout=3)
        await wait_until(lambda: not dialog.sensing, timeout=5, what="the test ending")
        assert dialog.sensing_button.isEnabled()
    finally:
        dialog.done(0)
        dialog.deleteLater()


@dataclass
class RefusingHotkeys:
    """The hotkey applier the services are given (HotkeyService's part they use), refusing
    one action as a busy combination would be."""

    refused: str
    applied: list[Hotkeys] = field(default_factory=list)
    errors: Mapping[str, str] = field(default_factory=dict)

    def apply(self, hotkeys: Hotkeys) -> bool:
        self.applied.append(hotkeys)
        self.errors = {self.refused: "already taken by another program"}
        return False


def test_saved_but_not_applied_stays_open_and_says_what(home: Home) -> None:
    hotkeys = RefusingHotkeys("toggle_tracking")
    dialog = open_dialog(hotkeys=hotkeys)
    saved: list[Settings] = []
    dialog.saved.connect(saved.append)
    try:
        dialog.show()
        dialog.idle_minutes.setValue(11)
        assert dialog.save()
        assert saved == [load_settings()] and saved[0].idle_threshold_seconds == 11 * 60
        assert hotkeys.applied == [saved[0].hotkeys]
        assert dialog.isVisible()
        assert dialog.save_error.text() == (
            "Saved, but: hotkey toggle_tracking: already taken by another program"
        )
    finally:
        dialog.done(0)
        dialog.deleteLater()


def test_an_unreadable_settings_file_shows_the_defaults_and_why(home: Home) -> None:
    home.settings_file.parent.mkdir(parents=True)
    home.settings_file.write_text("idle_threshold_seconds = 'soon'\n")
    dialog = open_dialog()
    try:
        assert dialog.idle_minutes.value() == round(Settings().idle_threshold_seconds / 60)
        assert dialog.save_error.text().endswith(" — showing the defaults.")
        assert "idle_threshold_seconds" in dialog.save_error.text()
    finally:
        dialog.deleteLater()


# Modules whose work the services do: the dialog must not reach them itself.
NOT_FOR_THE_FORM = {
    "app.api.client",
    "app.api.auth",
    "app.activity.probe",
    "app.settings.store",
    "app.settings.secrets",
    "app.settings.autostart",
    "app.settings.credentials",
    "httpx",
    "keyring",
}


def imported_modules(source: str) -> set[str]:
    """Every module an import statement names, anywhere in `source` (function-local and
    TYPE_CHECKING imports too); `from p import m` counts as `p` and `p.m`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_dialog_is_only_a_form_over_its_services() -> None:
    source = Path(settings_dialog.__file__).read_text(encoding="utf-8")
    imported = imported_modules(source)
    assert "app.settings.settings_service" in imported
    reached = {
        name
        for name in imported
        if any(name == bad or name.startswith(bad + ".") for bad in NOT_FOR_THE_FORM)
    }
    assert reached == set()


def test_the_import_check_sees_each_form_of_import() -> None:
    source = (
        "import httpx\n"
        "from app.settings import credentials\n"
        "def f():\n"
        "    from app.api.auth import pair_with_pin\n"
    )
    assert {"httpx", "app.settings.credentials", "app.api.auth"} <= imported_modules(source)


def test_clear_presence_history_button(home: Home, qtbot: Any) -> None:
    from datetime import UTC, datetime

    from app.tracking.presence import CheckEvent, CheckOutcome
    from app.tracking.presence_log import PresenceLog, PresenceRecorder

    store = PresenceLog(home.root / "presence.sqlite")
    store.add_check(CheckEvent(datetime.now(UTC), CheckOutcome.USER))
    made = open_dialog(presence=PresenceRecorder(store))
    qtbot.addWidget(made)
    assert made.clear_presence_button.isEnabled()
    made.clear_presence_button.click()
    assert store.checks(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC)) == []
    assert made.presence_status.text() == "Presence history cleared."
    store.close()
    made.clear_presence_button.click()  # the file is gone from under it: a line, no traceback
    assert made.presence_status.text().startswith("Not cleared: ")
    without = open_dialog()
    qtbot.addWidget(without)
    assert not without.clear_presence_button.isEnabled()
