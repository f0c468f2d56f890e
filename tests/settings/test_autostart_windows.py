"""Start at login on Windows: the Run key value, on a fake registry that behaves as winreg
does (values read back as (data, type); a missing key or value raises FileNotFoundError)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pytest

from app.settings import AutostartError, Settings, autostart
from app.settings.autostart_windows import (
    REG_SZ,
    RUN_KEY,
    WindowsRunKey,
    command_line,
)

REG_EXPAND_SZ = 2
REG_DWORD = 4
REG_BINARY = 3


@dataclass
class FakeRegistry:
    """HKEY_CURRENT_USER as nested dicts: key path -> value name -> (data, type)."""

    keys: dict[str, dict[str, tuple[object, int]]] = field(default_factory=dict)
    denied: bool = False  # writes and deletes fail as with ERROR_ACCESS_DENIED

    def run_key(self) -> FakeKey:
        return FakeKey(self, RUN_KEY)


@dataclass
class FakeKey:
    registry: FakeRegistry
    path: str

    def _values(self) -> dict[str, tuple[object, int]]:
        try:
            return self.registry.keys[self.path]
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def read(self, name: str) -> tuple[object, int]:
        try:
            return self._values()[name]
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def write_string(self, name: str, data: str) -> None:
        if self.registry.denied:
            raise PermissionError(5, "Access is denied")
        self.registry.keys.setdefault(self.path, {})[name] = (data, REG_SZ)

    def delete(self, name: str) -> None:
        if self.registry.denied:
            raise PermissionError(5, "Access is denied")
        values = self._values()
        if name not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del values[name]


def parse_command_line(line: str) -> list[str]:
    """How Windows splits a command line: the program name as CreateProcess reads it (quotes,
    no escapes), the arguments by the C runtime's rules (2n backslashes + quote -> n and a
    quote toggle, 2n+1 -> n and a literal quote, "" inside quotes -> a literal quote)."""
    if line.startswith('"'):
        end = line.index('"', 1)
        args, i = [line[1:end]], end + 1
    else:
        end = next((j for j, c in enumerate(line) if c in " \t"), len(line))
        args, i = [line[:end]], end
    n = len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg: list[str] = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                count, i = j - i, j
                if i < n and line[i] == '"':
                    arg.append("\\" * (count // 2))
                    if count % 2:
                        arg.append('"')
                        i += 1
                else:
                    arg.append("\\" * count)
            elif line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                else:
                    quoted = not quoted
                    i += 1
            else:
                arg.append(line[i])
                i += 1
        args.append("".join(arg))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Microsoft's own examples ("Parsing C++ command-line arguments"), after a program name
        ('p "a b c" d e', ["a b c", "d", "e"]),
        ('p "ab\\"c" "\\\\" d', ['ab"c', "\\", "d"]),
        ('p a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"]),
        ('p a\\\\\\"b c d', ['a\\"b', "c", "d"]),
        ('p a\\\\\\\\"b c" d e', ["a\\\\b c", "d", "e"]),
        ('p a"b"" c d', ['ab" c d']),
        ('"C:\\Program Files\\p.exe" x', ["C:\\Program Files\\p.exe", "x"]),
    ],
)
def test_the_reference_parser_follows_microsofts_examples(line: str, expected: list[str]) -> None:
    program, *args = parse_command_line(line)
    assert (args if program == "p" else [program, *args]) == expected


@pytest.mark.parametrize(
    "command",
    [
        ["C:\\Program Files\\Pacetray\\Pacetray.exe"],
        ["C:\\Pacetray\\pacetray.exe"],
        ["C:\\Python 3.12\\python.exe", "-m", "app", "tray"],
        ["C:\\py\\python.exe", "C:\\My Scripts\\", 'say "hi"', 'a\\\\"b', "", "50%", "tab\there"],
    ],
)
def test_the_command_line_splits_back_into_the_command(command: list[str]) -> None:
    assert parse_command_line(command_line(command)) == command


def test_simple_commands_stay_unquoted_and_spaces_are_quoted() -> None:
    assert command_line(["C:\\Pacetray\\pacetray.exe"]) == "C:\\Pacetray\\pacetray.exe"
    assert command_line(["C:\\Program Files\\P\\p.exe", "tray"]) == (
        '"C:\\Program Files\\P\\p.exe" tray'
    )
    # a trailing backslash in a quoted argument is doubled, or it would escape the quote
    assert command_line(["p.exe", "C:\\My Dir\\"]) == 'p.exe "C:\\My Dir\\\\"'
    with pytest.raises(ValueError):
        command_line([])


def test_enable_writes_the_run_value_and_disable_removes_it() -> None:
    registry = FakeRegistry()  # not even the Run key exists yet
    item = WindowsRunKey(registry.run_key())
    assert not item.is_enabled()
    assert item.disable() is False
    item.enable(["C:\\Program Files\\Pacetray\\Pacetray.exe"])
    assert registry.keys[RUN_KEY]["Pacetray"] == (
        '"C:\\Program Files\\Pacetray\\Pacetray.exe"',
        REG_SZ,
    )
    assert item.is_enabled()
    item.enable(["C:\\Pacetray\\pacetray.exe"])  # replaced, not added
    assert registry.keys[RUN_KEY] == {"Pacetray": ("C:\\Pacetray\\pacetray.exe", REG_SZ)}
    assert item.disable() is True
    assert registry.keys[RUN_KEY] == {}
    assert not item.is_enabled()


def test_other_run_values_are_left_alone() -> None:
    registry = FakeRegistry({RUN_KEY: {"OneDrive": ("C:\\od.exe /background", REG_SZ)}})
    item = WindowsRunKey(registry.run_key())
    item.enable(["C:\\p.exe"])
    item.disable()
    assert registry.keys[RUN_KEY] == {"OneDrive": ("C:\\od.exe /background", REG_SZ)}


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        (("%LOCALAPPDATA%\\Pacetray\\p.exe", REG_EXPAND_SZ), True),
        (("", REG_SZ), False),
        ((1, REG_DWORD), False),
        ((b"C:\\p.exe", REG_BINARY), False),
    ],
)
def test_only_a_command_counts_as_enabled(value: tuple[object, int], enabled: bool) -> None:
    registry = FakeRegistry({RUN_KEY: {"Pacetray": value}})
    assert WindowsRunKey(registry.run_key()).is_enabled() is enabled


def test_a_denied_registry_is_a_clear_error() -> None:
    registry = FakeRegistry({RUN_KEY: {"Pacetray": ("C:\\p.exe", REG_SZ)}}, denied=True)
    item = WindowsRunKey(registry.run_key())
    with pytest.raises(AutostartError, match="cannot write the Run key value 'Pacetray'"):
        item.enable(["C:\\p.exe"])
    with pytest.raises(AutostartError, match="Access is denied"):
        item.disable()
    assert item.is_enabled()  # reading still works, and the value is untouched


def test_the_settings_facade_drives_the_run_key() -> None:
    """apply/is_enabled through the module functions: what the Settings dialog does on Windows."""
    registry = FakeRegistry()
    item = autostart.login_item("win32", store=registry.run_key())
    assert not autostart.is_enabled(item=item)
    autostart.apply(Settings(start_at_login=True), ["C:\\Pacetray\\pacetray.exe"], item=item)
    assert autostart.is_enabled(item=item)
    assert registry.keys[RUN_KEY]["Pacetray"] == ("C:\\Pacetray\\pacetray.exe", REG_SZ)
    autostart.apply(Settings(), item=item)
    assert not autostart.is_enabled(item=item)
    assert "Pacetray" not in registry.keys[RUN_KEY]


@pytest.mark.skipif(sys.platform == "win32", reason="there is a registry here")
def test_without_a_registry_the_backend_says_so_and_still_describes_itself() -> None:
    item = WindowsRunKey()
    assert "Run key" in item.describe()
    assert not item.is_enabled()
    with pytest.raises(AutostartError, match="registry is not available"):
        item.enable(["C:\\p.exe"])
