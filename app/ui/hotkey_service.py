"""Global hotkeys for the tray: the configured combinations, delivered on the GUI thread.

`app.activity.hotkeys.GlobalHotkeys` calls back on pynput's listener thread (the process's one
keyboard listener, shared with the activity source). Nothing Qt may
happen there, so each callback only emits a signal of a small relay `QObject` living in the
GUI thread; the queued connection runs the `@Slot` receiver on the GUI thread (PySide6 ≥ 6.8
may crash when a foreign-thread signal reaches a receiver that is not a declared slot).

`HotkeyService.apply(hotkeys)` registers the set from the settings and may be called again
whenever the settings change; `available` / `reason` tell the settings dialog whether global
hotkeys work in this session ("unavailable in this session: …").
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from app.activity.hotkeys import GlobalHotkeys, HotkeysUnavailable
from app.settings.model import Hotkeys
from app.texts import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

# The actions, named as the settings' [hotkeys] keys.
TOGGLE_TRACKING = "toggle_tracking"
OPEN_POPUP = "open_popup"
RESTART_LAST = "restart_last"
OPEN_TODAY = "open_today"
ACTIONS = tuple(item.name for item in dataclasses.fields(Hotkeys))
ACTION_LABELS = {  # translated where shown, in this context: `action_label`
    TOGGLE_TRACKING: QT_TRANSLATE_NOOP("HotkeyService", "Start / stop tracking"),
    OPEN_POPUP: QT_TRANSLATE_NOOP("HotkeyService", "Open the popup"),
    RESTART_LAST: QT_TRANSLATE_NOOP("HotkeyService", "Restart the last work item"),
    OPEN_TODAY: QT_TRANSLATE_NOOP("HotkeyService", "Open the Today window"),
}


def action_label(action: str) -> str:
    """The action's label in the UI language (the action's name when it has none)."""
    return QCoreApplication.translate("HotkeyService", ACTION_LABELS.get(action, action))


_UNAVAILABLE = "unavailable in this session: "  # how app.activity.hotkeys words its reasons


def _unavailable(problem: str) -> str:
    """The reason in the UI language; `problem` comes from the activity layer, in English."""
    text = QCoreApplication.translate("HotkeyService", "unavailable in this session: {problem}")
    return text.format(problem=problem)


class _Relay(QObject):
    """Lives in the GUI thread; `fired` is emitted from pynput's thread."""

    fired = Signal(str, int)  # action, generation of the registration that fired


class HotkeyService(QObject):
    """Registers the settings' hotkeys; `activated(action)` arrives on the GUI thread."""

    activated = Signal(str)  # one of ACTIONS
    availabilityChanged = Signal(bool, str)  # available, reason ("" when available)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        backend: Callable[[], GlobalHotkeys] = GlobalHotkeys,
    ) -> None:
        super().__init__(parent)
        self._backend_factory = backend
        self._keys: GlobalHotkeys | None = None
        self._relay = _Relay(self)
        self._relay.fired.connect(self._on_fired, Qt.ConnectionType.QueuedConnection)
        self._applied: dict[str, str] = {}
        self._generation = 0  # a retired listener may still fire once: ignore it
        self.available = True
        self.reason = ""
        self.errors: dict[str, str] = {}  # action -> why its combination was not registered

    @staticmethod
    def session_problem() -> str | None:
        """Why global hotkeys cannot work here, checked without starting a listener."""
        problem = GlobalHotkeys.session_problem()
        return _unavailable(problem) if problem else None

    @property
    def bindings(self) -> dict[str, str]:
        """action -> combination, as registered now."""
        return dict(self._applied)

    def apply(self, hotkeys: Hotkeys) -> bool:
        """(Re-)register the combinations of `hotkeys` ("" = off). False when global hotkeys
        are unavailable in this session (`reason` says why) or a combination was refused
        (`errors`)."""
        wanted = {a: getattr(hotkeys, a) for a in ACTIONS if getattr(hotkeys, a)}
        if wanted == self._applied and self._keys is not None and self.available:
            return not self.errors
        self._applied = {}
        self.errors = {}
        self._generation += 1
        if not wanted:
            self._close_backend()
            self._set_available(True, "")
            return True
        # One backend for the service's life: a change swaps its matchers on the listener
        # that runs (the process's one keyboard listener), it starts none.
        keys = self._keys if self._keys is not None else self._backend_factory()
        self._keys = keys
        try:
            bindings: dict[str, Callable[[], None]] = {}
            for action, combo in wanted.items():
                try:
                    keys.check(combo)
                except ValueError as exc:  # pynput disagrees with the settings check
                    self.errors[action] = str(exc)
                    continue
                bindings[combo] = self._emitter(action)
                self._applied[action] = combo
            keys.replace(bindings)
        except HotkeysUnavailable as exc:
            self._close_backend()
            self._applied = {}
            self._set_available(False, _unavailable(str(exc).removeprefix(_UNAVAILABLE)))
            log.info("global hotkeys: %s", exc)
            return False
        self._set_available(True, "")
        return not self.errors

    def _emitter(self, action: str) -> Callable[[], None]:
        relay, generation = self._relay, self._generation

        def fire() -> None:  # pynput's thread: O(1), no Qt object created or touched
            relay.fired.emit(action, generation)

        return fire

    @Slot(str, int)
    def _on_fired(self, action: str, generation: int) -> None:
        if generation == self._generation and action in self._applied:
            self.activated.emit(action)

    def _set_available(self, available: bool, reason: str) -> None:
        changed = (available, reason) != (self.available, self.reason)
        self.available, self.reason = available, reason
        if changed:
            self.availabilityChanged.emit(available, reason)

    def _close_backend(self) -> None:
        keys, self._keys = self._keys, None
        if keys is not None:
            keys.close()

    def close(self) -> None:
        self._close_backend()
        self._applied = {}
        self._generation += 1
