"""The settings dialog: server and sign-in, idle handling, hotkeys, start at login, and the
activity source in use.

- Server: a 7pace organisation name, a full cloud URL or an on-premises URL, checked with
  `normalize_base_url` as it is typed (inline error); "Test connection" reads `current` with
  the credentials in the dialog (or the saved ones) and shows the user's name or the error.
- Sign-in: an API token (goes to the OS keyring on Save, never shown back) or "Pair with
  PIN" (shows the PIN big, waits for it to be confirmed, cancellable). Secrets reach the
  keyring only on Save; Cancel discards them with everything else.
- Save keeps the new sign-in, writes settings.toml, applies start at login and the hotkeys,
  and reports every failure inline; the dialog stays open until it succeeds.

The dialog is only the form: the work behind it (keyring, settings file, network, start at
login, hotkeys, activity probe) is done by the `SettingsServices` it is given
(app/settings/settings_service.py). Network work runs as tasks on the qasync loop; the dialog
is shown with `show()`, never `exec()`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.activity.base import ActivitySource
from app.api.errors import ApiError
from app.api.urls import normalize_base_url
from app.settings.account import Pairing, PairingFailed, SignInDraft
from app.settings.errors import QT_TRANSLATE_NOOP, SettingValueError
from app.settings.model import AuthMethod, Hotkeys, IdlePolicy, Settings
from app.settings.settings_service import SIGN_IN, SettingsServices
from app.ui.hotkey_recorder import HotkeyRecorder
from app.ui.hotkey_service import ACTIONS, HotkeyService, action_label
from app.ui.i18n import LANGUAGES, message_text

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
POLICY_LABELS: dict[IdlePolicy, str] = {  # translated where shown (SettingsDialog.tr)
    IdlePolicy.ASK: QT_TRANSLATE_NOOP("SettingsDialog", "Ask me what to do with it"),
    IdlePolicy.ALWAYS_KEEP: QT_TRANSLATE_NOOP("SettingsDialog", "Always keep it"),
    IdlePolicy.ALWAYS_DISCARD: QT_TRANSLATE_NOOP("SettingsDialog", "Always discard it"),
    IdlePolicy.STOP_WHEN_IDLE: QT_TRANSLATE_NOOP("SettingsDialog", "Stop tracking when I go idle"),
}
SENSING_SECONDS = 6.0  # how long "Test activity sensing" shows the live value


def _label(style: str = ERROR_STYLE) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _say(label: QLabel, text: str | None, style: str | None = None) -> None:
    if style is not None:
        label.setStyleSheet(style)
    label.setText(text or "")
    label.setVisible(bool(text))


class SettingsDialog(QDialog):
    """Edit the settings held by `services`; `saved(Settings)` after a successful Save.

    `hotkeys` is only shown (whether global hotkeys work here); the services apply them."""

    saved = Signal(object)  # Settings

    def __init__(
        self,
        services: SettingsServices,
        *,
        hotkeys: HotkeyService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pacetray settings"))
        self.setModal(False)
        self._services = services
        self._hotkeys = hotkeys
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pairing: asyncio.Task[None] | None = None
        self._paired: Pairing | None = None  # not saved until Save
        self._sensing_until = 0.0
        self.sensing_seconds = SENSING_SECONDS
        settings = services.settings

        self.tabs = QTabWidget()
        self.tabs.addTab(self._connection_tab(), self.tr("Connection"))
        self.tabs.addTab(self._tracking_tab(), self.tr("Tracking"))
        self.tabs.addTab(self._hotkeys_tab(), self.tr("Hotkeys && startup"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save_button is not None
        self.save_button = save_button
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.save_error = _label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)
        if services.load_problem:
            problem = services.load_error
            text = message_text(problem) if problem is not None else services.load_problem
            _say(self.save_error, self.tr("{problem} — showing the defaults.").format(problem=text))
        self._load(settings)

        self._sensing_timer = QTimer(self)
        self._sensing_timer.setInterval(200)
        self._sensing_timer.timeout.connect(self._sense)

    # --- building -------------------------------------------------------------------------

    def _connection_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText(
            self.tr("Organisation name (acme), https://acme.timehub.7pace.com or your server's URL")
        )
        self.server_edit.setToolTip(
            self.tr("Leave empty to use the local server on this computer (local mode)")
        )
        self.server_edit.setAccessibleName(self.tr("Server"))
        self.server_edit.setAccessibleDescription(self.server_edit.toolTip())
        self.server_edit.textChanged.connect(self._check_server)
        self.server_hint = _label(OK_STYLE)
        self.server_error = _label()
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self._on_test_connection)
        self.test_result = _label()
        server_box = QWidget()  # the hint and the error under the field, no empty rows
        server_column = QVBoxLayout(server_box)
        server_column.setContentsMargins(0, 0, 0, 0)
        server_column.addWidget(self.server_edit)
        server_column.addWidget(self.server_hint)
        server_column.addWidget(self.server_error)
        form.addRow(self.tr("Server:"), server_box)

        self.auth_status = QLabel()
        self.auth_status.setWordWrap(True)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setToolTip(
            self.tr(
                "A 7pace API token (Settings > Reporting & API in 7pace); kept in the OS keyring"
            )
        )
        self.token_edit.setAccessibleName(self.tr("API token"))
        self.token_edit.setAccessibleDescription(self.token_edit.toolTip())
        self.pair_button = QPushButton(self.tr("Pair with PIN…"))
        self.pair_button.setToolTip(
            self.tr("Sign in by confirming a PIN in 7pace (Apps > Pair app)")
        )
        self.pair_button.setAccessibleDescription(self.pair_button.toolTip())
        self.pair_button.clicked.connect(self._on_pair)
        form.addRow(self.tr("Signed in:"), self.auth_status)
        form.addRow(self.tr("API token:"), self.token_edit)
        pair_row = QHBoxLayout()
        pair_row.addWidget(self.pair_button)
        pair_row.addStretch(1)
        form.addRow(self.tr("Or:"), pair_row)

        # the pairing panel: the PIN, big, while we wait for it to be confirmed
        self.pairing_panel = QWidget()
        panel = QVBoxLayout(self.pairing_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.pin_label = QLabel()
        pin_font = QFont(self.pin_label.font())
        pin_font.setPointSizeF(max(24.0, pin_font.pointSizeF() * 2.5))
        pin_font.setBold(True)
        pin_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 4.0)
        self.pin_label.setFont(pin_font)
        self.pin_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pairing_status = QLabel()
        self.pairing_status.setWordWrap(True)
        self.cancel_pairing_button = QPushButton(self.tr("Cancel pairing"))
        self.cancel_pairing_button.clicked.connect(self.cancel_pairing)
        panel.addWidget(self.pin_label)
        panel.addWidget(self.pairing_status)
        panel.addWidget(self.cancel_pairing_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.pairing_panel.hide()
        self.auth_error = _label()
        form.addRow("", self.pairing_panel)
        form.addRow("", self.auth_error)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.test_result)
        self.live_updates = QCheckBox(self.tr("Live updates: follow changes at once (SignalR hub)"))
        self.live_updates.setToolTip(
            self.tr(
                "Off: the server is checked every few minutes instead (e.g. behind a proxy that "
                "breaks WebSockets)"
            )
        )
        self.live_updates.setAccessibleDescription(self.live_updates.toolTip())
        form.addRow("", self.live_updates)
        self.live_label = QLabel(self.tr("Live updates: —"))
        self.live_label.setWordWrap(True)
        self.live_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Status:"), self.live_label)
        return tab

    def show_live(self, text: str) -> None:
        """The running tray's live-updates line (`Live updates: connected (...)`)."""
        self.live_label.setText(text)

    def _tracking_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.idle_minutes.setToolTip(
            self.tr("No input for this long while tracking counts as idle")
        )
        self.idle_minutes.setAccessibleName(self.tr("Idle after (minutes)"))
        self.idle_minutes.setAccessibleDescription(self.idle_minutes.toolTip())
        self.idle_policy = QComboBox()
        for policy, label in POLICY_LABELS.items():
            self.idle_policy.addItem(self.tr(label), policy.value)
        self.idle_policy.setAccessibleName(self.tr("What happens to idle time"))
        self.activity_window = QSpinBox()
        self.activity_window.setRange(10, 3600)
        self.activity_window.setSuffix(self.tr(" s"))
        self.activity_window.setToolTip(
            self.tr(
                "An activity check is answered for you when you used the computer this recently"
            )
        )
        self.activity_window.setAccessibleName(self.tr("Answer checks if active within (seconds)"))
        self.activity_window.setAccessibleDescription(self.activity_window.toolTip())
        self.stop_on_lock = QCheckBox(self.tr("Stop tracking when the screen locks"))
        self.stop_on_sleep = QCheckBox(self.tr("Stop tracking when the computer sleeps"))
        form.addRow(self.tr("Idle after:"), self.idle_minutes)
        form.addRow(self.tr("Idle time:"), self.idle_policy)
        form.addRow(self.tr("Answer checks if active within:"), self.activity_window)
        form.addRow("", self.stop_on_lock)
        form.addRow("", self.stop_on_sleep)

        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.sensing_button = QPushButton(self.tr("Test activity sensing"))
        self.sensing_button.clicked.connect(self.test_activity_sensing)
        self.sensing_value = QLabel()
        self.sensing_value.setWordWrap(True)
        form.addRow(self.tr("Activity source:"), self.source_label)
        sensing_row = QHBoxLayout()
        sensing_row.addWidget(self.sensing_button)
        sensing_row.addStretch(1)
        form.addRow("", sensing_row)
        form.addRow("", self.sensing_value)
        self.clear_presence_button = QPushButton(self.tr("Clear presence history"))
        self.clear_presence_button.setToolTip(
            self.tr("Forget when you were at the computer (kept on this computer only)")
        )
        self.clear_presence_button.setEnabled(self._services.can_clear_presence)
        self.clear_presence_button.clicked.connect(self.clear_presence)
        self.presence_status = QLabel()
        self.presence_status.setWordWrap(True)
        presence_row = QHBoxLayout()
        presence_row.addWidget(self.clear_presence_button)
        presence_row.addStretch(1)
        form.addRow(self.tr("Presence:"), presence_row)
        form.addRow("", self.presence_status)
        self._show_source()
        return tab

    @Slot()
    def clear_presence(self) -> None:
        problem = self._services.clear_presence()
        if problem is None:
            self.presence_status.setText(self.tr("Presence history cleared."))
        else:
            self.presence_status.setText(self.tr("Not cleared: {problem}").format(problem=problem))

    def _hotkeys_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.hotkeys_status = _label()
        form.addRow(self.hotkeys_status)
        self.recorders: dict[str, HotkeyRecorder] = {}
        for action in ACTIONS:
            recorder = HotkeyRecorder()
            self.recorders[action] = recorder
            label = action_label(action)
            recorder.set_action_name(label)
            form.addRow(self.tr("{action}:").format(action=label), recorder)
        self.hotkeys_error = _label()
        form.addRow(self.hotkeys_error)
        self.start_at_login = QCheckBox(self.tr("Start Pacetray when I log in"))
        self.start_at_login.setToolTip(self._services.autostart_description)
        self.start_at_login.setAccessibleDescription(self._services.autostart_description)
        if not self._services.autostart_supported:
            self.start_at_login.setEnabled(False)
        form.addRow(self.start_at_login)
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setAccessibleName(self.tr("Language"))
        note = self.tr("Applies the next time Pacetray starts.")
        self.language.setAccessibleDescription(note)
        self.language_note = QLabel(note)
        self.language_note.setWordWrap(True)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow("", self.language_note)
        self._show_hotkeys_availability()
        if self._hotkeys is not None:
            self._hotkeys.availabilityChanged.connect(self._on_hotkeys_availability)
        return tab

    # --- loading --------------------------------------------------------------------------

    def _load(self, settings: Settings) -> None:
        self.server_edit.setText(settings.server_url or "")
        self.idle_minutes.setValue(max(1, round(settings.idle_threshold_seconds / 60)))
        self.idle_policy.setCurrentIndex(self.idle_policy.findData(settings.idle_policy.value))
        self.activity_window.setValue(settings.activity_window_seconds)
        self.stop_on_lock.setChecked(settings.stop_on_lock)
        self.stop_on_sleep.setChecked(settings.stop_on_sleep)
        for action, recorder in self.recorders.items():
            recorder.set_value(getattr(settings.hotkeys, action))
        self.start_at_login.setChecked(settings.start_at_login)
        self.live_updates.setChecked(settings.live_updates)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self._show_auth()

    def _draft(self) -> SignInDraft:
        """The sign-in typed or paired here, not saved yet."""
        return SignInDraft(self.token_edit.text().strip(), self._paired)

    def _show_auth(self) -> None:
        url = self.server_url()
        draft = self._draft()
        saved = self._services.saved_method(url)
        if draft.pairing_for(url) is not None:
            text = self.tr("Paired by PIN — Save to keep this sign-in")
        elif draft.token:
            text = self.tr("A new API token — Save to keep it in the keyring")
        elif saved is AuthMethod.TOKEN:
            text = self.tr("With an API token saved in the keyring")
        elif saved is AuthMethod.PIN:
            text = self.tr("Paired by PIN (saved in the keyring)")
        elif url is None and self.server_edit.text().strip():
            text = self.tr("— (fix the server address first)")
        elif url is None:
            text = self.tr("Local mode: the local server on this computer")
        else:
            text = self.tr("Not signed in to this server")
        self.auth_status.setText(text)
        self.token_edit.setPlaceholderText(
            self.tr("Saved — type a new token to replace it")
            if saved is AuthMethod.TOKEN
            else self.tr("Paste your 7pace API token")
        )

    def _show_source(self) -> None:
        found = self._services.activity
        if found is None:
            self.source_label.setText(self.tr("Checked when you test activity sensing."))
            return
        status = found.chosen.status()
        text = status.describe()
        if status.sees:
            text = self.tr("{source} — sees {what}").format(source=text, what=status.sees)
        self.source_label.setText(
            self.tr("{source} (session: {session})").format(source=text, session=found.session)
        )
        self.source_label.setToolTip("\n".join(found.describe()))

    def _show_hotkeys_availability(self) -> None:
        reason = None
        if self._hotkeys is not None and not self._hotkeys.available:
            reason = self._hotkeys.reason
        elif self._hotkeys is None or not self._hotkeys.bindings:
            reason = HotkeyService.session_problem()
        if reason:
            _say(self.hotkeys_status, self.tr("Global hotkeys are {reason}").format(reason=reason))
        else:
            _say(self.hotkeys_status, None)

    @Slot(bool, str)
    def _on_hotkeys_availability(self, available: bool, reason: str) -> None:
        self._show_hotkeys_availability()

    # --- server ---------------------------------------------------------------------------

    def server_url(self) -> str | None:
        """The normalised server URL typed, None when empty or invalid."""
        text = self.server_edit.text()
        if not text.strip():
            return None
        try:
            return normalize_base_url(text)
        except ApiError:
            return None

    @Slot(str)
    def _check_server(self, text: str) -> bool:
        self.test_result.hide()
        if not text.strip():
            _say(self.server_error, None)
            _say(self.server_hint, self.tr("Local mode: the local server on this computer."))
            self._show_auth_if_ready()
            return True
        try:
            url = normalize_base_url(text)
        except ApiError as exc:
            _say(self.server_hint, None)
            _say(self.server_error, exc.message)
            self._show_auth_if_ready()
            return False
        _say(self.server_error, None)
        _say(self.server_hint, f"→ {url}" if url != text.strip() else None)
        self._show_auth_if_ready()
        return True

    def _show_auth_if_ready(self) -> None:
        if hasattr(self, "auth_status"):
            self._show_auth()

    # --- test connection ------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @Slot()
    def _on_test_connection(self) -> None:
        self.test_connection()

    def test_connection(self) -> asyncio.Task[bool] | None:
        """Start the connection test; the result appears in `test_result`."""
        if not self._check_server(self.server_edit.text()):
            return None
        url = self.server_url()
        if url is None:
            _say(self.test_result, self.tr("Type the server address to test first."), ERROR_STYLE)
            return None
        self.test_button.setEnabled(False)
        _say(self.test_result, self.tr("Connecting to {url}…").format(url=url), "")
        return self._spawn(self._test_connection(url))

    async def _test_connection(self, url: str) -> bool:
        try:
            result = await self._services.test_connection(url, self._draft())
        finally:
            self.test_button.setEnabled(True)
        _say(self.test_result, result.message, OK_STYLE if result.ok else ERROR_STYLE)
        return result.ok

    # --- pairing --------------------------------------------------------------------------

    @Slot()
    def _on_pair(self) -> None:
        self.pair()

    def pair(self) -> asyncio.Task[None] | None:
        """Start PIN pairing with the server typed; the PIN appears in `pin_label`."""
        _say(self.auth_error, None)
        if not self._check_server(self.server_edit.text()) or self.server_url() is None:
            _say(self.auth_error, self.tr("Type the server address to pair with first."))
            return None
        url = self.server_url()
        assert url is not None
        problem = self._services.keyring_problem()  # no pairing for tokens that cannot be kept
        if problem:
            _say(self.auth_error, problem)
            return None
        self.cancel_pairing()
        self._paired = None
        self.pin_label.setText("…")
        self.pairing_status.setText(self.tr("Asking {url} for a PIN…").format(url=url))
        self.pairing_panel.show()
        self.cancel_pairing_button.show()
        self.pair_button.setEnabled(False)
        task = self._spawn(self._pair(url))
        self._pairing = task
        return task

    def _show_pin(self, pin: str) -> None:
        self.pin_label.setText(pin)
        self.pairing_status.setText(
            self.tr("Enter this PIN in 7pace Timetracker under Apps > Pair Desktop App. Waiting…")
        )

    async def _pair(self, url: str) -> None:
        try:
            paired = await self._services.pair(url, self._show_pin)
        except asyncio.CancelledError:
            self.pairing_panel.hide()
            raise
        except PairingFailed as exc:
            self.pairing_panel.hide()
            _say(self.auth_error, exc.message)
            return
        finally:
            self.pair_button.setEnabled(True)
            self._pairing = None
        self._paired = paired
        self.token_edit.clear()  # one way to sign in: the pairing replaces a typed token
        self.pairing_status.setText(self.tr("Paired. Save to keep this sign-in."))
        self.cancel_pairing_button.hide()
        self._show_auth()

    @property
    def sensing(self) -> bool:
        return self._sensing_timer.isActive()

    @property
    def pairing(self) -> bool:
        return self._pairing is not None and not self._pairing.done()

    @Slot()
    def cancel_pairing(self) -> None:
        if self._pairing is not None and not self._pairing.done():
            self._pairing.cancel()
        self._pairing = None
        self.pairing_panel.hide()
        self.pair_button.setEnabled(True)

    # --- activity sensing -----------------------------------------------------------------

    @Slot()
    def test_activity_sensing(self) -> None:
        """Show "seconds since input" live for a few seconds."""
        if self._services.activity is None:
            self._services.probe_activity()
            self._show_source()
        self._sensing_until = time.monotonic() + self.sensing_seconds
        self.sensing_button.setEnabled(False)
        self._sense()
        self._sensing_timer.start()

    @property
    def activity_source(self) -> ActivitySource | None:
        found = self._services.activity
        return found.chosen if found is not None else None

    @Slot()
    def _sense(self) -> None:
        source = self.activity_source
        seconds = source.seconds_since_input() if source is not None else None
        if seconds is None:
            reason = source.status().reason if source is not None else self.tr("no source")
            self.sensing_value.setText(
                self.tr("No input can be sensed here ({reason}).").format(reason=reason)
            )
        else:
            self.sensing_value.setText(
                self.tr(
                    "Last input {seconds} s ago — move the mouse or type to see it reset."
                ).format(seconds=QLocale().toString(seconds, "f", 1))
            )
        if time.monotonic() >= self._sensing_until:
            self._sensing_timer.stop()
            self.sensing_button.setEnabled(True)

    # --- saving ---------------------------------------------------------------------------

    def current_settings(self) -> Settings:
        """The settings as edited; raises SettingValueError (named key) or ApiError (URL)."""
        text = self.server_edit.text()
        url = normalize_base_url(text) if text.strip() else None
        base = self._services.settings
        minutes = self.idle_minutes.value()
        threshold = base.idle_threshold_seconds
        if minutes != max(1, round(threshold / 60)):  # keep odd seconds unless changed
            threshold = minutes * 60
        hotkeys = Hotkeys(**{action: r.value for action, r in self.recorders.items()})
        return dataclasses.replace(
            base,
            server_url=url,
            auth_method=self._auth_method(url),
            idle_threshold_seconds=threshold,
            idle_policy=IdlePolicy(self.idle_policy.currentData()),
            activity_window_seconds=self.activity_window.value(),
            stop_on_lock=self.stop_on_lock.isChecked(),
            stop_on_sleep=self.stop_on_sleep.isChecked(),
            hotkeys=hotkeys,
            start_at_login=self.start_at_login.isChecked(),
            live_updates=self.live_updates.isChecked(),
            language=self.language.currentData(),
        )

    def _auth_method(self, url: str | None) -> AuthMethod:
        if url is None:
            return AuthMethod.NONE
        new = self._draft().method(url)
        if new is not None:
            return new
        if url == self._services.settings.server_url:
            return self._services.settings.auth_method
        return self._services.saved_method(url)

    @Slot()
    def save(self) -> bool:
        """Validate, keep the secrets, write the file, apply; errors inline. True when
        saved (the dialog then closes)."""
        _say(self.save_error, None)
        _say(self.hotkeys_error, None)
        if not self._check_server(self.server_edit.text()):
            self.tabs.setCurrentIndex(0)
            _say(self.save_error, self.tr("Not saved: fix the server address first."))
            return False
        try:
            settings = self.current_settings()
        except SettingValueError as exc:
            if exc.key.startswith("hotkeys."):
                self.tabs.setCurrentIndex(2)
                _say(self.hotkeys_error, f"{exc.key}: {exc.describe()}")
            _say(self.save_error, self._not_saved(message_text(exc)))
            return False
        except ApiError as exc:  # the URL changed between the check and now: unlikely
            _say(self.save_error, self._not_saved(exc.message))
            return False
        outcome = self._services.save(settings, self._draft())
        if not outcome.saved:
            if outcome.failed_step == SIGN_IN:
                self.tabs.setCurrentIndex(0)
            error = outcome.error
            _say(
                self.save_error, self._not_saved(message_text(error)) if error else outcome.message
            )
            return False
        self.token_edit.clear()
        self._paired = None
        self.saved.emit(settings)
        if outcome.message:  # saved, but something could not be applied: stay open, say what
            self._show_auth()
            _say(
                self.save_error,
                self.tr("Saved, but: {problems}").format(
                    problems="; ".join(message_text(e) for e in outcome.problem_errors)
                ),
            )
            return True
        self.accept()
        return True

    def _not_saved(self, reason: str) -> str:
        return self.tr("Not saved: {reason}").format(reason=reason)

    # --- closing --------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.cancel_pairing()
        self._sensing_timer.stop()
        for task in list(self._tasks):
            task.cancel()
        if self._services.activity is not None:
            self._services.release_activity()
            self._show_source()
        super().done(result)
