"""Secrets (API token, OAuth tokens) in the OS keyring only, never in a file we write.

Entries are keyed by the server's base URL, so several servers (a real organisation and the
local server) can each keep their own credentials.
"""

from __future__ import annotations

import os

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import chainer, fail, null

from app.settings.errors import KeyringFailed, KeyringUnavailable

SERVICE = "pacetray"
API_TOKEN = "api-token"
OAUTH_TOKENS = "oauth-tokens"

_NO_BACKEND = (
    "no usable OS keyring to keep the token in ({why}); install or unlock one (GNOME Keyring, "
    "KWallet, macOS Keychain, Windows Credential Manager), or pass --token / PACETRAY_TOKEN "
    "each time instead"
)


def account(server_url: str, kind: str) -> str:
    """The keyring user name of one secret: its kind plus the server it belongs to."""
    return f"{kind}@{server_url}"


def usable_backend() -> keyring.backend.KeyringBackend:
    """The keyring backend to use, or KeyringUnavailable saying why there is none."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyringrc or backend import raises anything
        raise KeyringUnavailable(_NO_BACKEND.format(why=f"keyring set-up failed: {exc}")) from exc
    why = _unusable_reason(backend)
    if why is not None:
        raise KeyringUnavailable(_NO_BACKEND.format(why=why))
    return backend


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    if isinstance(backend, fail.Keyring):
        return "none was found"
    if isinstance(backend, null.Keyring):
        return "the null keyring is configured"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "none was found"
    module = type(backend).__module__
    # keyrings.alt (plaintext/obfuscated files) is acceptable only when chosen on purpose,
    # e.g. by tests; picked automatically it would silently store tokens in a plain file.
    if module.startswith("keyrings.alt") and not _chosen_explicitly():
        return f"only the file-based {type(backend).__name__} was found"
    return None


def _chosen_explicitly() -> bool:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    try:
        return keyring.core.load_config() is not None
    except Exception:
        return False


def backend_name() -> str:
    backend = usable_backend()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def get_secret(server_url: str, kind: str) -> str | None:
    backend = usable_backend()
    try:
        return backend.get_password(SERVICE, account(server_url, kind))
    except keyring.errors.KeyringError as exc:
        raise KeyringFailed(f"the keyring refused to read the {kind}: {exc}") from exc


def set_secret(server_url: str, kind: str, value: str) -> None:
    backend = usable_backend()
    try:
        backend.set_password(SERVICE, account(server_url, kind), value)
    except keyring.errors.KeyringError as exc:
        raise KeyringFailed(f"the keyring refused to store the {kind}: {exc}") from exc


def delete_secret(server_url: str, kind: str) -> bool:
    """Remove one secret; False when there was none."""
    backend = usable_backend()
    try:
        backend.delete_password(SERVICE, account(server_url, kind))
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise KeyringFailed(f"the keyring refused to delete the {kind}: {exc}") from exc
    return True
