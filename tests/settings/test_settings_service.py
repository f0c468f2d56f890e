"""The services behind the Settings dialog, without Qt: connection test and PIN pairing against
the real local server over HTTP, a real file keyring, the real settings file and autostart
entry; the order of a save's steps and what each failure says."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import keyring.backend
import pytest

from app.activity.null import NullSource
from app.activity.probe import ProbeResult
from app.server.runner import ServerThread
from app.settings import AuthMethod, Settings, load_settings
from app.settings.account import Pairing, PairingFailed, SignInDraft
from app.settings.model import Hotkeys
from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, get_secret
from app.settings.settings_service import SETTINGS_FILE, SIGN_IN, SettingsServices
from tests.settings.conftest import Dirs
from tests.support.servers import loopback_config, running_server
from tests.support.wait import wait_until

TOKEN = "settings-service-test-token-0123456789"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with running_server(loopback_config(tmp_path / "server", TOKEN)) as thread:
        yield thread


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def pair_and_approve(services: SettingsServices, server: ServerThread) -> Pairing:
    """Pair with `server`, confirming the PIN the way a user does on 7pace's Apps page."""
    pins: list[str] = []
    task = asyncio.create_task(services.pair(server.url, pins.append))
    await wait_until(lambda: pins, timeout=10, what="the PIN")
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{server.url}/_pacetray/pins/{pins[0]}/approve",
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=10,
        )
    response.raise_for_status()
    return await asyncio.wait_for(task, 10)


# --- sign-in ---------------------------------------------------------------------------------


async def test_connection_with_the_draft_then_with_the_saved_sign_in(
    server: ServerThread, file_keyring: keyring.backend.KeyringBackend, dirs: Dirs
) -> None:
    services = SettingsServices()
    url = server.url
    result = await services.test_connection(url, SignInDraft())
    assert not result.ok and result.message.startswith("No sign-in for this server")

    result = await services.test_connection(url, SignInDraft(TOKEN))
    assert result.ok and result.message.startswith("Connection OK: signed in as ")
    assert TOKEN not in result.message
    assert get_secret(url, API_TOKEN) is None  # testing keeps nothing

    result = await services.test_connection(url, SignInDraft("wrong-token"))
    assert not result.ok and result.message.startswith("Connection failed: ")

    outcome = services.save(Settings(server_url=url), SignInDraft(TOKEN))
    assert outcome.saved and outcome.message is None
    assert services.saved_method(url) is AuthMethod.TOKEN
    result = await services.test_connection(url, SignInDraft())  # the saved token
    assert result.ok

    result = await services.test_connection(dead_url(), SignInDraft(TOKEN))
    assert not result.ok and result.message.startswith("Connection failed: ")
    assert "Traceback" not in result.message


async def test_a_pairing_reaches_the_keyring_only_on_save(
    server: ServerThread, file_keyring: keyring.backend.KeyringBackend, dirs: Dirs
) -> None:
    services = SettingsServices()
    assert services.keyring_problem() is None
    paired = await pair_and_approve(services, server)
    assert paired.url == server.url and paired.tokens.access_token
    assert get_secret(server.url, OAUTH_TOKENS) is None
    assert services.saved_method(server.url) is AuthMethod.NONE
    draft = SignInDraft(pairing=paired)
    assert draft.method(server.url) is AuthMethod.PIN
    assert (await services.test_connection(server.url, draft)).ok  # the unsaved pairing

    other = "https://other.example.com"  # a pairing is for the server it was made with
    assert services.save(Settings(server_url=other), draft).saved
    assert services.saved_method(other) is AuthMethod.NONE

    settings = Settings(server_url=server.url, auth_method=AuthMethod.PIN)
    assert services.save(settings, draft).saved
    assert services.saved_method(server.url) is AuthMethod.PIN
    assert (await services.test_connection(server.url, SignInDraft())).ok


async def test_pairing_can_be_cancelled(
    server: ServerThread, file_keyring: keyring.backend.KeyringBackend
) -> None:
    pins: list[str] = []
    task = asyncio.create_task(SettingsServices(Settings()).pair(server.url, pins.append))
    await wait_until(lambda: pins, timeout=10, what="the PIN")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_failed_pairing_is_one_line(file_keyring: keyring.backend.KeyringBackend) -> None:
    with pytest.raises(PairingFailed) as failed:
        await SettingsServices(Settings()).pair(dead_url(), lambda pin: None)
    assert failed.value.message and "\n" not in failed.value.message


def test_no_keyring_no_pairing_and_no_save_of_a_sign_in(no_keyring: None, dirs: Dirs) -> None:
    services = SettingsServices()
    problem = services.keyring_problem()
    assert problem
    outcome = services.save(Settings(server_url="https://acme.timehub.7pace.com"), SignInDraft("t"))
    assert (outcome.saved, outcome.failed_step) == (False, SIGN_IN)
    assert outcome.message is not None and outcome.message.startswith("Not saved: ")
    assert not dirs.settings_file.exists()  # the keyring comes first: nothing after it ran


def test_a_sign_in_needs_the_server_it_is_for(
    file_keyring: keyring.backend.KeyringBackend, dirs: Dirs
) -> None:
    outcome = SettingsServices().save(Settings(server_url=None), SignInDraft("t"))
    assert (outcome.saved, outcome.failed_step) == (False, SIGN_IN)
    assert outcome.message == "Not saved: type the server address the sign-in is for."
    assert not dirs.settings_file.exists()


# --- the order of a save ---------------------------------------------------------------------


@dataclass
class RecordingHotkeys:
    """A HotkeyApplier (the part of the tray's HotkeyService the services use)."""

    refuse: Mapping[str, str] = field(default_factory=dict)
    applied: list[Hotkeys] = field(default_factory=list)
    errors: Mapping[str, str] = field(default_factory=dict)

    def apply(self, hotkeys: Hotkeys) -> bool:
        self.applied.append(hotkeys)
        self.errors = dict(self.refuse)
        return not self.errors


def test_keyring_then_file_a_file_failure_stops_the_rest(
    file_keyring: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    hotkeys = RecordingHotkeys()
    entry = tmp_path / "autostart" / "pacetray.desktop"
    services = SettingsServices(
        Settings(), path=blocker / "settings.toml", hotkeys=hotkeys, autostart_path=entry
    )
    url = "https://acme.timehub.7pace.com"
    outcome = services.save(Settings(server_url=url, start_at_login=True), SignInDraft("tok"))
    assert (outcome.saved, outcome.failed_step) == (False, SETTINGS_FILE)
    assert outcome.message is not None and outcome.message.startswith("Not saved: cannot ")
    assert "the settings file" in outcome.message
    assert get_secret(url, API_TOKEN) == "tok"  # kept before the file was tried
    assert services.settings == Settings()  # still the saved ones
    assert hotkeys.applied == [] and not entry.exists()


def test_file_then_start_at_login_and_hotkeys(
    file_keyring: keyring.backend.KeyringBackend, dirs: Dirs, tmp_path: Path
) -> None:
    hotkeys = RecordingHotkeys()
    entry = tmp_path / "autostart" / "pacetray.desktop"
    services = SettingsServices(hotkeys=hotkeys, autostart_path=entry, platform="linux")
    assert services.autostart_supported
    wanted = Settings(start_at_login=True, idle_threshold_seconds=420)
    outcome = services.save(wanted, SignInDraft())
    assert outcome.saved and outcome.message is None
    assert load_settings() == wanted == services.settings
    assert entry.is_file() and hotkeys.applied == [wanted.hotkeys]

    entry.unlink()  # removed by hand: saving the same settings writes it again
    assert services.save(wanted, SignInDraft()).saved
    assert entry.is_file()
    assert services.save(Settings(start_at_login=False), SignInDraft()).saved
    assert not entry.exists()


def test_saved_but_not_applied_says_what(
    file_keyring: keyring.backend.KeyringBackend, dirs: Dirs
) -> None:
    hotkeys = RecordingHotkeys(refuse={"open_popup": "already taken"})
    services = SettingsServices(hotkeys=hotkeys, platform="cygwin")
    assert not services.autostart_supported
    outcome = services.save(Settings(start_at_login=True), SignInDraft())
    assert outcome.saved and load_settings().start_at_login
    assert len(outcome.problems) == 2
    assert "not supported yet on Windows (Cygwin)" in outcome.problems[0]
    assert outcome.problems[1] == "hotkey open_popup: already taken"
    assert outcome.message == "Saved, but: " + "; ".join(outcome.problems)


def test_an_unreadable_file_gives_the_defaults_and_why(dirs: Dirs) -> None:
    dirs.config.mkdir(parents=True)
    dirs.settings_file.write_text("idle_threshold_seconds = 'soon'\n")
    services = SettingsServices()
    assert services.settings == Settings()
    assert services.load_problem and "idle_threshold_seconds" in services.load_problem
    assert SettingsServices(Settings(stop_on_lock=True)).load_problem is None


# --- the activity source ---------------------------------------------------------------------


class ClosingSource(NullSource):
    closed = 0

    def close(self) -> None:
        self.closed += 1


def test_a_source_handed_in_is_used_and_left_open() -> None:
    source = ClosingSource()
    given = ProbeResult(chosen=source, session="x11")

    def no_probe() -> ProbeResult:
        raise AssertionError("probed although a source was handed in")

    services = SettingsServices(Settings(), activity=given, probe_activity=no_probe)
    assert services.activity is given and services.probe_activity() is given
    services.release_activity()
    assert services.activity is given and source.closed == 0


def test_a_source_probed_here_is_probed_once_and_closed() -> None:
    made: list[ClosingSource] = []

    def probe() -> ProbeResult:
        made.append(ClosingSource())
        return ProbeResult(chosen=made[-1], session="wayland")

    services = SettingsServices(Settings(), probe_activity=probe)
    assert services.activity is None
    found = services.probe_activity()
    assert services.probe_activity() is found and len(made) == 1
    services.release_activity()
    assert services.activity is None and made[0].closed == 1
