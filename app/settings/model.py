"""The settings model: every setting and its default, declared once, here.

Values are checked when a `Settings` is built (from the file or from code): a bad value raises
`SettingValueError` naming the key and what it accepts. The store adds the file's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

from app.settings.errors import SettingValueError


class AuthMethod(StrEnum):
    """How the client proves who it is; the secret itself lives only in the OS keyring."""

    NONE = "none"  # nothing saved: --token / PACETRAY_TOKEN must be given
    TOKEN = "token"  # a 7pace API token (Settings > Reporting & API)
    PIN = "pin"  # OAuth tokens obtained by PIN pairing, refreshed automatically


class IdlePolicy(StrEnum):
    """What happens to idle time while tracking. The values are those of
    `app.tracking.idle.IdlePolicy` (settings sit below tracking, so the enum is repeated; a
    test keeps the two equal)."""

    ASK = "ask"
    ALWAYS_KEEP = "always_keep"
    ALWAYS_DISCARD = "always_discard"
    STOP_WHEN_IDLE = "stop_when_idle"


# --- hotkeys (pynput syntax, checked here without importing pynput: it needs a display) -----

MODIFIERS = frozenset(
    {
        "alt", "alt_l", "alt_r", "alt_gr", "cmd", "cmd_l", "cmd_r",
        "ctrl", "ctrl_l", "ctrl_r", "shift", "shift_l", "shift_r",
    }
)  # fmt: skip
_STRONG_MODIFIERS = MODIFIERS - {"shift", "shift_l", "shift_r"}
FUNCTION_KEYS = frozenset(f"f{n}" for n in range(1, 21))
# pynput's `Key` names that exist on every platform, plus a few common to X11 and Windows.
SPECIAL_KEYS = FUNCTION_KEYS | {
    "backspace", "caps_lock", "delete", "down", "end", "enter", "esc", "home", "left",
    "page_down", "page_up", "right", "space", "tab", "up", "insert", "menu", "num_lock",
    "pause", "print_screen", "scroll_lock", "media_play_pause", "media_volume_mute",
    "media_volume_down", "media_volume_up", "media_previous", "media_next",
}  # fmt: skip
HOTKEY_FORMAT = (
    'modifiers and one key joined by "+", e.g. "<ctrl>+<alt>+t" or "<ctrl>+<shift>+<f9>"; '
    "modifiers: <ctrl>, <alt>, <shift>, <cmd>; a key is one character or a name like <f9>, "
    '<space>, <home>; "" turns the hotkey off'
)


def parse_hotkey(text: str) -> tuple[frozenset[str], str]:
    """(modifiers, key) of a hotkey in pynput's syntax; ValueError says what is wrong.

    Stricter than pynput: exactly one non-modifier key, and a character key needs <ctrl>,
    <alt> or <cmd> (a global "<shift>+a" would swallow every capital A typed anywhere)."""
    if not text or text != text.strip():
        raise ValueError("empty or padded with spaces")
    parts: list[str] = []
    start = 0
    for i, char in enumerate(text):  # "+" right after a separator is the "+" key itself
        if char == "+" and i != start:
            parts.append(text[start:i])
            start = i + 1
    if start == len(text):
        raise ValueError("ends with '+'")
    parts.append(text[start:])
    modifiers: set[str] = set()
    keys: list[str] = []
    for part in parts:
        if len(part) == 1:
            if part.isspace():
                raise ValueError("a space key is written <space>")
            keys.append(part.lower())
        elif len(part) > 2 and part[0] == "<" and part[-1] == ">":
            name = part[1:-1].lower()
            if name in MODIFIERS:
                if name in modifiers:
                    raise ValueError(f"{part} appears twice")
                modifiers.add(name)
            elif name in SPECIAL_KEYS or name.isdigit():  # <65> is a virtual key code
                keys.append(name)
            else:
                raise ValueError(f"unknown key name {part}")
        else:
            raise ValueError(f"{part!r} is neither one character nor a <name>")
    if len(keys) != 1:
        raise ValueError("needs exactly one key besides the modifiers" if keys else "no key")
    key = keys[0]
    if key not in FUNCTION_KEYS and not modifiers & _STRONG_MODIFIERS:
        raise ValueError("needs <ctrl>, <alt> or <cmd> (only function keys may stand alone)")
    return frozenset(modifiers), key


@dataclass(frozen=True)
class Hotkeys:
    """Global hotkeys ([hotkeys] in settings.toml); "" turns one off."""

    toggle_tracking: str = "<ctrl>+<alt>+t"  # start the selected item, or stop
    open_popup: str = "<ctrl>+<alt>+p"
    restart_last: str = "<ctrl>+<alt>+r"  # restart the most recent work log
    open_today: str = "<ctrl>+<alt>+d"  # the Today window (the day at a glance)

    def __post_init__(self) -> None:
        seen: dict[tuple[frozenset[str], str], str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            key = f"hotkeys.{item.name}"
            if not isinstance(value, str):
                raise SettingValueError(key, value, "a string: " + HOTKEY_FORMAT)
            if value == "":
                continue
            try:
                combo = parse_hotkey(value)
            except ValueError as exc:
                raise SettingValueError(key, value, HOTKEY_FORMAT, why=str(exc)) from None
            if combo in seen:
                raise SettingValueError(
                    key, value, "a hotkey no other action uses", why=f"hotkeys.{seen[combo]} too"
                )
            seen[combo] = item.name


# --- the settings -------------------------------------------------------------------------

LANGUAGES = ("en", "de")  # the UI languages shipped (resources/translations)


@dataclass(frozen=True)
class Settings:
    """User settings as stored in settings.toml. Never holds a secret."""

    server_url: str | None = None  # normalised base URL of the Timetracker
    auth_method: AuthMethod = AuthMethod.NONE
    # Idle longer than this (seconds) while tracking leads to the idle policy.
    idle_threshold_seconds: int = 300
    idle_policy: IdlePolicy = IdlePolicy.ASK
    # A running activity check is answered without asking when input was seen this recently.
    activity_window_seconds: int = 120
    stop_on_lock: bool = False  # stop tracking (reason machine) when the session locks
    stop_on_sleep: bool = False  # ... and when the machine goes to sleep
    hotkeys: Hotkeys = field(default_factory=Hotkeys)
    start_at_login: bool = False  # an XDG autostart entry on Linux (see autostart.py)
    # Changes reach the tray at once over the server's SignalR hub; off: polling only (e.g.
    # behind a proxy that breaks WebSockets).
    live_updates: bool = True
    # Where no OS keyring exists, keep secrets in a 0600 file in the data dir instead of
    # failing. Off unless the user turns it on: a file is weaker than a keyring.
    secrets_file_fallback: bool = False
    # One request to the server may take this long in all, connect to last byte; past it the
    # request fails like a broken connection (the tray goes offline and journals commands).
    request_deadline_seconds: int = 30
    # The UI language: "" follows the system locale; one of LANGUAGES overrides it (from the
    # next start). The CLI speaks English whatever this says.
    language: str = ""
    # The presence log (Today at a glance) keeps this many days, on this machine only.
    presence_days: int = 14
    # At the machine with nothing tracked for at least this long shows as slipped time.
    slip_threshold_seconds: int = 300

    def __post_init__(self) -> None:
        _check_range(self, "idle_threshold_seconds", 60, 4 * 3600)
        _check_range(self, "activity_window_seconds", 10, 3600)
        _check_range(self, "request_deadline_seconds", 1, 600)
        _check_range(self, "slip_threshold_seconds", 60, 4 * 3600)
        _check_range(self, "presence_days", 1, 366, unit="days")
        if self.language not in ("", *LANGUAGES):
            codes = ", ".join(f'"{code}"' for code in LANGUAGES)
            raise SettingValueError(
                "language", self.language, f'"" to follow the system, or one of {codes}'
            )
        if self.server_url is not None and not self.server_url.strip():
            raise SettingValueError("server_url", self.server_url, "a Timetracker address")


def _check_range(settings: Settings, name: str, low: int, high: int, unit: str = "seconds") -> None:
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingValueError(name, value, f"a whole number of {unit} from {low} to {high}")
