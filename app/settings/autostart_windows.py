"""Start at login on Windows: a value "Pacetray" under
HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run, the command line as REG_SZ.

The registry is reached through a small store (`RunKeyStore`) with winreg's semantics: a
value reads back as (data, type), a missing value or key raises FileNotFoundError. The real
store imports winreg and exists only on Windows; tests on any system use a fake of it.

Task Manager's "Startup apps" switch keeps its own flag under ...\\Explorer\\StartupApproved\\Run;
we neither read nor clear it: a user who turned us off there meant it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Protocol

from app.settings.errors import AutostartError

log = logging.getLogger(__name__)

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "Pacetray"
REG_SZ = 1  # winreg.REG_SZ, written out so this module imports on every system
# Characters that make an argument need quotes (Microsoft C runtime argument parsing).
_NEEDS_QUOTES = set(' \t\n\v"')


class RunKeyStore(Protocol):
    def read(self, name: str) -> tuple[object, int]:
        """(data, type) of the value; FileNotFoundError when it (or the key) is missing."""
        ...

    def write_string(self, name: str, data: str) -> None:
        """Create the key if needed and set the value as REG_SZ."""
        ...

    def delete(self, name: str) -> None:
        """FileNotFoundError when the value (or the key) is missing."""
        ...


def quote_argument(arg: str) -> str:
    """One argument quoted so the C runtime's parser gives it back unchanged: backslashes are
    literal unless they precede a quote, then they are doubled (and the quote escaped)."""
    if arg and not any(c in _NEEDS_QUOTES for c in arg):
        return arg
    out = ['"']
    backslashes = 0
    for c in arg:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)


def command_line(command: Sequence[str]) -> str:
    """`command` as one Windows command line. The program name follows CreateProcess's own
    rule (quoted when it holds a space, no backslash escapes: a path cannot contain `"`)."""
    if not command:
        raise ValueError("empty command")
    program, *args = command
    if '"' in program or not program:
        raise ValueError(f"not a program path: {program!r}")
    if any(c in " \t" for c in program):
        program = f'"{program}"'
    return " ".join([program, *(quote_argument(a) for a in args)])


if sys.platform == "win32":
    import winreg

    class WinregRunKey:
        """The current user's Run key through winreg (not type-checked off Windows)."""

        def read(self, name: str) -> tuple[object, int]:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                data, kind = winreg.QueryValueEx(key, name)
                return data, kind

        def write_string(self, name: str, data: str) -> None:
            with winreg.CreateKeyEx(
                winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
            ) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, data)

        def delete(self, name: str) -> None:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)


def registry_run_key() -> RunKeyStore:
    if sys.platform == "win32":
        return WinregRunKey()
    raise AutostartError("the Windows registry is not available on this system")


class WindowsRunKey:
    def __init__(self, store: RunKeyStore | None = None, name: str = VALUE_NAME) -> None:
        self._store = store
        self.name = name

    @property
    def store(self) -> RunKeyStore:
        # made on first use: describe() must work without touching the registry
        if self._store is None:
            self._store = registry_run_key()
        return self._store

    def is_enabled(self) -> bool:
        try:
            data, _kind = self.store.read(self.name)
        except FileNotFoundError:
            return False
        except (OSError, AutostartError) as exc:
            log.warning("cannot read the Run key value %s: %s", self.name, exc)
            return False
        # REG_SZ or REG_EXPAND_SZ come back as str; a number or bytes is nothing we wrote
        return isinstance(data, str) and bool(data.strip())

    def enable(self, command: Sequence[str]) -> None:
        line = command_line(command)
        try:
            self.store.write_string(self.name, line)
        except OSError as exc:
            raise AutostartError(
                f"cannot write the Run key value {self.name!r}: {exc.strerror or exc}"
            ) from exc

    def disable(self) -> bool:
        try:
            self.store.delete(self.name)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(
                f"cannot remove the Run key value {self.name!r}: {exc.strerror or exc}"
            ) from exc
        return True

    def describe(self) -> str:
        return f"Windows: Run key in the registry (HKCU\\{RUN_KEY}, value {self.name!r})"
