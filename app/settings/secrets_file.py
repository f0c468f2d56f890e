"""The opt-in secrets file: used ONLY where no OS keyring exists AND the user set
`secrets_file_fallback = true`. A JSON object {account: secret}, mode 0600, written atomically
(a temporary file created 0600 from the start, then renamed: never a moment with wider bits).

A file whose mode lets anyone but the owner read it is refused, like ssh does with keys.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from app.settings.atomic import write_atomic
from app.settings.errors import SecretsFileError

FILE_MODE = 0o600


class SecretsFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, account: str) -> str | None:
        return self._load().get(account)

    def set(self, account: str, value: str) -> None:
        data = self._load()
        data[account] = value
        self._write(data)

    def delete(self, account: str) -> bool:
        data = self._load()
        if account not in data:
            return False
        del data[account]
        self._write(data)
        return True

    def _load(self) -> dict[str, str]:
        try:
            mode = self.path.stat().st_mode
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretsFileError(
                f"cannot read the secrets file {self.path}: {exc.strerror}"
            ) from exc
        if sys.platform != "win32" and stat.S_IMODE(mode) & 0o077:
            raise SecretsFileError(
                f"the secrets file {self.path} can be read by other users "
                f"(mode {stat.S_IMODE(mode):04o}); run `chmod 600 {self.path}`"
            )
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise SecretsFileError(
                f"the secrets file {self.path} is damaged; delete it and sign in again"
            )
        return data

    def _write(self, data: dict[str, str]) -> None:
        try:
            write_atomic(
                self.path, json.dumps(data).encode("utf-8"), mode=FILE_MODE, dir_mode=0o700
            )
        except OSError as exc:
            raise SecretsFileError(
                f"cannot write the secrets file {self.path}: {exc.strerror}"
            ) from exc
