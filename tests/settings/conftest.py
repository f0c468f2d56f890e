"""Fixtures of the settings tests: isolated config/data dirs and a chosen keyring per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from app.settings import paths


@dataclass
class Dirs:
    config: Path
    data: Path

    @property
    def settings_file(self) -> Path:
        return self.config / paths.SETTINGS_FILE

    @property
    def secrets_file(self) -> Path:
        return self.data / paths.SECRETS_FILE

    def opt_in(self, on: bool = True) -> None:
        """Write the opt-in the way a user would: a line in settings.toml."""
        self.config.mkdir(parents=True, exist_ok=True)
        self.settings_file.write_text(f"secrets_file_fallback = {str(on).lower()}\n")


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dirs:
    result = Dirs(tmp_path / "config", tmp_path / "data")
    monkeypatch.setenv(paths.CONFIG_DIR_ENV, str(result.config))
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(result.data))
    return result


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """Whatever a test sets with keyring.set_keyring is undone afterwards."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(dirs: Dirs, use_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def file_keyring(
    dirs: Dirs, use_keyring: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> keyring.backend.KeyringBackend:
    """A working keyring (keyrings.alt's plaintext file, chosen explicitly as tests may)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    return backend
