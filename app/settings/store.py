"""settings.toml: read with tomllib, written atomically with tomli_w. No secrets, ever."""

from __future__ import annotations

import dataclasses
import os
import tempfile
import tomllib
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w

from app.settings.errors import SettingsFileError
from app.settings.model import Settings
from app.settings.paths import settings_path

_HINTS = typing.get_type_hints(Settings)


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, defaults for what is missing; a missing file means all defaults."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsFileError(f"cannot read the settings file {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsFileError(
            f"the settings file {path} is not valid TOML ({exc}); fix or delete it"
        ) from exc
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        if field.name in data:
            values[field.name] = _coerce(path, field.name, _HINTS[field.name], data[field.name])
    # Unknown keys (a newer version's settings) are ignored rather than fatal.
    return Settings(**values)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write every setting that has a value; atomic, so a crash never leaves half a file."""
    path = path or settings_path()
    data: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        value = getattr(settings, field.name)
        if value is None:  # TOML has no null: absent means "not set"
            continue
        data[field.name] = value.value if isinstance(value, Enum) else value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                tomli_w.dump(data, out)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsFileError(f"cannot write the settings file {path}: {exc.strerror}") from exc
    return path


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
    raise SettingsFileError(
        f"the settings file {path} has a bad value for {name!r}: {value!r} "
        f"(expected {_describe(options)}); fix or delete it"
    )


def _describe(options: tuple[Any, ...]) -> str:
    names: list[str] = []
    for option in options:
        if option is type(None):
            continue
        if isinstance(option, type) and issubclass(option, Enum):
            names.append("one of " + ", ".join(repr(m.value) for m in option))
        else:
            names.append(getattr(option, "__name__", str(option)))
    return " or ".join(names)
