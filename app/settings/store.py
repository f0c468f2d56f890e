"""settings.toml: read with tomllib, written atomically with tomli_w. No secrets, ever.

The defaults live only in `model.py`; a missing key takes its default. Saving writes every
setting (except unset ones: TOML has no null), so the file shows the user each setting there
is, with its value: comments could not document them, since a save cannot keep comments.
Keys this version does not know (written by a newer version, or a typo) are kept on save,
top-level and inside tables, so switching versions back and forth loses nothing.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w

from app.settings.atomic import write_atomic
from app.settings.errors import QT_TRANSLATE_NOOP, SettingsFileError, SettingValueError
from app.settings.model import Settings
from app.settings.paths import settings_path

HEADER = (
    "# Pacetray settings. A missing key takes its default; keys Pacetray does not know\n"
    "# are kept when it saves, comments are not.\n"
)


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, defaults for what is missing; a missing file means all defaults."""
    path = path or settings_path()
    data = _read(path)
    if data is None:
        return Settings()
    try:
        return _build(Settings, data, path, prefix="")
    except SettingValueError as exc:  # a value of the right type, out of range or malformed
        raise _bad_value(path, exc) from None


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write every setting, keeping unknown keys; atomic, so a crash never leaves half a
    file."""
    path = path or settings_path()
    existing = _read(path) or {}
    data = _merge(_to_toml(settings), existing, Settings)
    try:
        write_atomic(path, HEADER.encode("utf-8") + tomli_w.dumps(data).encode("utf-8"))
    except OSError as exc:
        raise SettingsFileError.marked(
            QT_TRANSLATE_NOOP("messages", "cannot write the settings file {path}: {reason}"),
            path=path,
            reason=exc.strerror,
        ) from exc
    return path


# --- reading ---------------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsFileError.marked(
            QT_TRANSLATE_NOOP("messages", "cannot read the settings file {path}: {reason}"),
            path=path,
            reason=exc.strerror,
        ) from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsFileError.marked(
            QT_TRANSLATE_NOOP(
                "messages", "the settings file {path} is not valid TOML ({error}); fix or delete it"
            ),
            path=path,
            error=exc,
        ) from exc


_T = typing.TypeVar("_T")


def _build(cls: type[_T], data: dict[str, Any], path: Path, prefix: str) -> _T:
    """An instance of the dataclass `cls` from its TOML table; unknown keys are skipped."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]
        if item.name not in data:
            continue
        key = prefix + item.name
        hint, value = hints[item.name], data[item.name]
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            if not isinstance(value, dict):
                raise _bad_value(path, SettingValueError(key, value, f"a table [{key}]"))
            values[item.name] = _build(hint, value, path, prefix=f"{key}.")
        else:
            values[item.name] = _coerce(path, key, hint, value)
    return cls(**values)


def _bad_value(path: Path, exc: SettingValueError) -> SettingsFileError:
    return SettingsFileError.marked(
        QT_TRANSLATE_NOOP(
            "messages",
            "the settings file {path} has a bad value for '{key}': {detail}; fix or delete it",
        ),
        path=path,
        key=exc.key,
        detail=exc.describe(),
    )


def _coerce(path: Path, name: str, hint: Any, value: Any) -> Any:
    """Check one TOML value against the field's type; a clear error names file, key and type."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None):
            continue
        if isinstance(option, type) and issubclass(option, Enum):
            try:
                return option(value)
            except ValueError:
                continue
        if option is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if option is int and isinstance(value, bool):
            continue
        if isinstance(option, type) and isinstance(value, option):
            return value
    raise _bad_value(path, SettingValueError(name, value, _describe(options)))


def _describe(options: tuple[Any, ...]) -> str:
    names: list[str] = []
    for option in options:
        if option is type(None):
            continue
        if isinstance(option, type) and issubclass(option, Enum):
            names.append("one of " + ", ".join(repr(m.value) for m in option))
        elif option is bool:
            names.append("true or false")
        elif option is int:
            names.append("a whole number")
        else:
            names.append(getattr(option, "__name__", str(option)))
    return " or ".join(names)


# --- writing ---------------------------------------------------------------------------------


def _to_toml(instance: Any) -> dict[str, Any]:
    """The fields of a settings dataclass as TOML values (tables for nested dataclasses)."""
    data: dict[str, Any] = {}
    for item in dataclasses.fields(instance):
        value = getattr(instance, item.name)
        if value is None:  # TOML has no null: absent means "not set"
            continue
        if dataclasses.is_dataclass(value):
            data[item.name] = _to_toml(value)
        else:
            data[item.name] = value.value if isinstance(value, Enum) else value
    return data


def _merge(ours: dict[str, Any], existing: dict[str, Any], cls: type[Any]) -> dict[str, Any]:
    """`ours`, plus every key of the existing file that `cls` does not declare."""
    hints = typing.get_type_hints(cls)
    known = {item.name for item in dataclasses.fields(cls)}
    merged = dict(ours)
    for key, value in existing.items():
        if key not in known:
            merged[key] = value
            continue
        hint = hints[key]
        if isinstance(hint, type) and dataclasses.is_dataclass(hint) and isinstance(value, dict):
            table = _merge(ours.get(key, {}), value, hint)  # unknown keys inside a table
            if table:
                merged[key] = table
    return merged
