"""What the Settings dialog is given: the saved settings and the work behind its buttons,
Qt-free, so the dialog holds only widgets.

- Load: settings.toml, or the defaults and one line saying why the file could not be read.
- Sign-in (`app.settings.account`): connection test, PIN pairing, which sign-in is saved.
- Save, in this order: the new sign-in into the keyring, then settings.toml, then start at
  login and the hotkeys. A failure of the first two stops the save (nothing after it is
  written); a failure of the last two is reported but the settings stay saved.
- Clearing the presence history (the tray's presence log, handed in as `presence`).
- The activity source, probed on first use when none was handed in (and closed again by
  `release_activity` only then).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.activity.probe import ProbeResult, probe
from app.settings import account, autostart
from app.settings.account import ConnectionResult, Pairing, SignInDraft
from app.settings.errors import QT_TRANSLATE_NOOP, SettingsError
from app.settings.model import AuthMethod, Hotkeys, Settings
from app.settings.store import load_settings, save_settings

SIGN_IN = "sign-in"  # the keyring step of a save
SETTINGS_FILE = "settings file"  # the settings.toml step


class HotkeyApplier(Protocol):
    """Registers the global hotkeys (the tray's HotkeyService): False when some could not
    be, and `errors` says which action and why."""

    def apply(self, hotkeys: Hotkeys) -> bool: ...

    @property
    def errors(self) -> Mapping[str, str]: ...


class PresenceHistory(Protocol):
    """The presence log behind "Clear presence history" (the tray's PresenceRecorder; it
    lives in app.tracking, above this layer, so it is handed in)."""

    def clear(self) -> None: ...


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    failed_step: str | None = None  # SIGN_IN or SETTINGS_FILE when not saved
    message: str | None = None  # "Not saved: …" or "Saved, but: …"; None when all was done
    problems: tuple[str, ...] = ()  # saved, but these could not be applied
    error: SettingsError | None = None  # why not saved (the UI translates it)
    # the problems as errors, for the UI to translate (hotkey problems carry no template)
    problem_errors: tuple[SettingsError, ...] = ()


class SettingsServices:
    """The settings as last loaded or saved (`settings`) and the services a Settings dialog
    calls. One per dialog: it remembers an activity source it probed itself."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        path: Path | None = None,
        hotkeys: HotkeyApplier | None = None,
        activity: ProbeResult | None = None,
        probe_activity: Callable[[], ProbeResult] = probe,
        autostart_path: Path | None = None,
        platform: str | None = None,
        pairing_timeout: float = account.PAIRING_TIMEOUT,
        presence: PresenceHistory | None = None,
    ) -> None:
        self.path = path
        self.presence = presence
        self.hotkeys = hotkeys
        self.pairing_timeout = pairing_timeout
        self._activity = activity
        self._probe = probe_activity
        self._probed_here = False
        self._autostart_path = autostart_path
        self._platform = platform
        self.load_problem: str | None = None  # why settings.toml could not be read
        self.load_error: SettingsError | None = None  # the same, for the UI to translate
        if settings is None:
            try:
                settings = load_settings(path)
            except SettingsError as exc:
                self.load_problem, self.load_error = exc.message, exc
                settings = Settings()
        self.settings = settings

    # --- sign-in ------------------------------------------------------------------------

    @property
    def _file_fallback(self) -> bool:
        return self.settings.secrets_file_fallback

    def saved_method(self, url: str | None) -> AuthMethod:
        """Which sign-in the keyring holds for `url`: PIN, TOKEN or NONE."""
        return account.saved_method(url, file_fallback=self._file_fallback)

    def keyring_problem(self) -> str | None:
        """Why a new sign-in could not be kept; None when the keyring is usable."""
        return account.keyring_problem(file_fallback=self._file_fallback)

    async def test_connection(self, url: str, draft: SignInDraft) -> ConnectionResult:
        return await account.check_connection(url, draft, file_fallback=self._file_fallback)

    async def pair(self, url: str, on_pin: Callable[[str], None]) -> Pairing:
        """PIN pairing with `url` (cancel the task to stop); raises account.PairingFailed."""
        return await account.pair(url, on_pin, timeout=self.pairing_timeout)

    # --- saving -------------------------------------------------------------------------

    @property
    def autostart_supported(self) -> bool:
        return autostart.supported(self._platform)

    @property
    def autostart_description(self) -> str:
        """Where the start-at-login entry goes (the checkbox's tooltip)."""
        return autostart.describe(self._platform)

    def save(self, settings: Settings, draft: SignInDraft) -> SaveOutcome:
        """Keyring, then settings.toml, then start at login and hotkeys; see the module."""
        url = settings.server_url
        if draft.method(url) is not None:
            if url is None:
                error = SettingsError.marked(
                    QT_TRANSLATE_NOOP("messages", "type the server address the sign-in is for.")
                )
                return SaveOutcome(False, SIGN_IN, f"Not saved: {error.message}", error=error)
            try:
                account.keep(url, draft, file_fallback=settings.secrets_file_fallback)
            except SettingsError as exc:
                return SaveOutcome(False, SIGN_IN, f"Not saved: {exc.message}", error=exc)
        try:
            save_settings(settings, self.path)
        except SettingsError as exc:
            return SaveOutcome(False, SETTINGS_FILE, f"Not saved: {exc.message}", error=exc)
        previous, self.settings = self.settings, settings
        errors = [
            *self._apply_autostart(settings, previous),
            *(SettingsError(problem) for problem in self._apply_hotkeys(settings)),
        ]
        if errors:
            problems = tuple(error.message for error in errors)
            return SaveOutcome(
                True,
                message="Saved, but: " + "; ".join(problems),
                problems=problems,
                problem_errors=tuple(errors),
            )
        return SaveOutcome(True)

    def _apply_autostart(self, settings: Settings, previous: Settings) -> list[SettingsError]:
        # Also when unchanged but the entry went missing (removed by hand or another tool).
        if settings.start_at_login == previous.start_at_login and not (
            settings.start_at_login
            and not autostart.is_enabled(path=self._autostart_path, platform=self._platform)
        ):
            return []
        try:
            autostart.apply(settings, path=self._autostart_path, platform=self._platform)
        except SettingsError as exc:
            return [exc]
        return []

    def _apply_hotkeys(self, settings: Settings) -> list[str]:
        if self.hotkeys is None or self.hotkeys.apply(settings.hotkeys):
            return []
        return [f"hotkey {action}: {why}" for action, why in self.hotkeys.errors.items()]

    # --- presence history ---------------------------------------------------------------

    @property
    def can_clear_presence(self) -> bool:
        return self.presence is not None

    def clear_presence(self) -> str | None:
        """Forgets the presence history; None when done, else why not (one line)."""
        if self.presence is None:
            return "no presence history is kept in this session"
        try:
            self.presence.clear()
        except Exception as exc:  # the log's own error names the file and what to do
            return str(getattr(exc, "message", exc))
        return None

    # --- activity source ----------------------------------------------------------------

    @property
    def activity(self) -> ProbeResult | None:
        """The source handed in or probed; None until `probe_activity` when none was."""
        return self._activity

    def probe_activity(self) -> ProbeResult:
        if self._activity is None:
            self._activity = self._probe()
            self._probed_here = True
        return self._activity

    def release_activity(self) -> None:
        """Close the source probed here (one handed in belongs to its owner)."""
        if self._probed_here and self._activity is not None:
            with contextlib.suppress(Exception):
                self._activity.chosen.close()
            self._activity, self._probed_here = None, False
