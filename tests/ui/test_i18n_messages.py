"""Messages built below the UI reach a German tray in German: the tracker's refusals and the
API errors a tray user meets (refused connection, timeout, 401, 5xx, 429) go through the
bridge's error boundary translated, while `.message` stays English for the CLI and the log.
The tray's tooltip (the icon's text for screen readers) and its menu speak German too, and so
do a journal conflict's reason, the "Live updates" line, a keyring error and the adjust
dialog's empty work item."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import null

from app.api.client import TrackingClient
from app.api.errors import ApiError
from app.api.models import SnoozeOption, Track
from app.api.retry import RetryPolicy
from app.settings import secrets
from app.settings.errors import KeyringUnavailable
from app.tracking import user_commands as c
from app.tracking.events import JournalConflict
from app.tracking.journal import Journal
from app.tracking.live import LiveStatus, describe_live, live_line
from app.tracking.replay import Reason
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command
from app.ui.adjust_dialog import AdjustDialog
from app.ui.bridge import TrackerBridge
from app.ui.i18n import message_text
from app.ui.icons import TrayState
from app.ui.tray import TrayMenu, tooltip_text
from tests.tracking.conftest import LiveServer
from tests.ui.conftest import WORK_ITEM, wait_signal
from tests.ui.ui_checks import speaking

NO_RETRY = RetryPolicy(max_attempts=1)


async def api_error(client: TrackingClient) -> ApiError:
    async with client:
        with pytest.raises(ApiError) as caught:
            await client.current()
    return caught.value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_refused_command_is_shown_in_german(bridge: TrackerBridge) -> None:
    with speaking("de"):
        (message,) = await wait_signal(
            bridge.error, trigger=lambda: bridge.start(TrackTarget(None, "  "))
        )
    assert message.startswith("Wählen Sie ein Arbeitselement"), message
    assert bridge.last_error == message


async def test_a_server_error_through_the_boundary_is_german(
    bridge: TrackerBridge, server: LiveServer
) -> None:
    server.set_faults(error_rate=1.0, error_status=500)
    with speaking("de"):
        (message,) = await wait_signal(bridge.error, trigger=lambda: bridge.latest())
    assert "fehlgeschlagen: 500" in message and "Fehler auf dem Server" in message, message


async def test_connection_refused_timeout_and_401_in_german(server: LiveServer) -> None:
    refused = await api_error(
        TrackingClient(f"http://127.0.0.1:{free_port()}", token="t", retry=NO_RETRY)
    )
    unauthorized = await api_error(TrackingClient(server.url, token="wrong", retry=NO_RETRY))
    server.set_faults(latency=2.0)
    timeout = await api_error(server.client(retry=NO_RETRY, timeout=0.2))
    server.set_faults()
    assert "cannot connect to" in refused.message  # English stays for the CLI and the log
    with speaking("de"):
        assert "Keine Verbindung zu" in message_text(refused)
        assert "Prüfen Sie das API-Token" in message_text(unauthorized)
        assert "nicht rechtzeitig geantwortet" in message_text(timeout)


async def test_rate_limited_in_german() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "30"}, json={})

    client = TrackingClient(
        "http://127.0.0.1:9", token="t", transport=httpx.MockTransport(answer), retry=NO_RETRY
    )
    error = await api_error(client)
    assert error.message.endswith("The server asks to wait 30 s.")
    with speaking("de"):
        assert message_text(error).endswith("Der Server bittet, 30 s zu warten.")


async def test_each_tray_state_has_a_german_tooltip(bridge: TrackerBridge) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "Review"))
    running_state = bridge.state
    with speaking("de"):
        idle = tooltip_text(None, since_state=0, tray=TrayState.IDLE)
        offline = tooltip_text(None, since_state=0, tray=TrayState.OFFLINE, pending=2)
        error = tooltip_text(None, since_state=0, tray=TrayState.ERROR, error="kaputt")
        tracking = tooltip_text(
            running_state, since_state=5, tray=TrayState.TRACKING, snooze=SnoozeOption.TOMORROW
        )
    assert "Keine Zeiterfassung" in idle
    assert "2 Änderungen warten" in offline
    assert "Fehler: kaputt" in error
    assert "Laufzeit" in tracking and "bis morgen ausgesetzt" in tracking


def test_the_tray_menu_in_german() -> None:
    with speaking("de"):
        menu = TrayMenu()
    texts = {action.text() for action in menu.actions()}
    assert {"Zeiterfassung starten", "Einstellungen…", "Beenden"} <= texts, texts
    menu.deleteLater()


def test_a_start_at_login_problem_after_saving_is_german(tmp_path, qapp) -> None:
    """Saved, but start at login could not be written: the English message for the log, the
    German one in the dialog (through the outcome's errors)."""
    from app.settings.account import SignInDraft
    from app.settings.model import Settings
    from app.settings.settings_service import SettingsServices

    blocker = tmp_path / "file"
    blocker.write_text("")
    services = SettingsServices(
        Settings(), path=tmp_path / "settings.toml", platform="linux",
        autostart_path=blocker / "autostart" / "pacetray.desktop",
    )  # fmt: skip
    outcome = services.save(Settings(start_at_login=True), SignInDraft())
    assert outcome.saved and outcome.problems[0].startswith("cannot write ")
    with speaking("de"):
        german = message_text(outcome.problem_errors[0])
    assert "kann nicht geschrieben werden" in german and "Ordner" in german


async def test_a_journal_conflict_in_german(client: TrackingClient, tmp_path: Path) -> None:
    """A journaled stop whose track is no longer running is set aside: the reason is stored
    and reported in English, and the German tray shows the whole sentence in German."""
    journal = Journal(tmp_path / "journal.db")
    try:
        journal.append(c.stop(datetime.now(UTC)))
        seen: list[tuple[Command, str]] = []
        await journal.replay(
            client, on_conflict=lambda command, reason: seen.append((command, reason))
        )
    finally:
        journal.close()
    ((command, reason),) = seen
    assert reason == "Your stop was not applied: the track had already been stopped elsewhere."
    assert isinstance(reason, Reason)
    event = JournalConflict(command, reason, reason.template, reason.params)
    with speaking("de"):
        text = message_text(event)
    german = "Ihr Stopp wurde nicht übernommen: die Zeiterfassung war bereits anderswo gestoppt"
    assert text == f"{german} worden."


def test_a_live_updates_line_in_german() -> None:
    status = LiveStatus(connected=True, protocol="json")
    assert describe_live(status) == f"Live updates: connected ({status.protocol_name})"
    with speaking("de"):
        connected = message_text(live_line(status))
        off = message_text(live_line(None))
    assert connected == f"Live-Aktualisierung: verbunden ({status.protocol_name})"
    assert off.startswith("Live-Aktualisierung: in den Einstellungen ausgeschaltet"), off


def test_a_keyring_error_in_german() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        with pytest.raises(KeyringUnavailable) as caught:
            secrets.usable_backend()
    finally:
        keyring.set_keyring(before)
    error = caught.value
    assert error.message.startswith("no usable OS keyring to keep the token in (the null keyring")
    with speaking("de"):
        text = message_text(error)
    assert text.startswith("Kein nutzbarer Schlüsselbund des Systems für das Token (der leere"), (
        text
    )
    assert "secrets_file_fallback = true" in text


def test_the_adjust_dialog_without_a_work_item_in_german() -> None:
    with speaking("de"):
        dialog = AdjustDialog(Track(remark=None, work_item=None), [])
    assert dialog.item_label.text() == "(kein Arbeitselement)"
    dialog.deleteLater()
