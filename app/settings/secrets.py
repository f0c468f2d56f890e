"""Secrets (API token, OAuth tokens) in the OS keyring only, never in a file we write —
unless the user explicitly opted in to the file fallback.

Entries are keyed by the server's base URL, so several servers (a real organisation and the
local server) can each keep their own credentials.

Where no keyring exists, every call raises `KeyringUnavailable`, whose message names the
opt-in: `secrets_file_fallback = true` in settings.toml. With it set, and ONLY then, secrets go
to `paths.secrets_path()` (mode 0600, see secrets_file.py). With a keyring present the keyring
is used even when opted in; reads then also look in the file, so secrets kept there before a
keyring appeared still work, and deletes remove both.
"""

from __future__ import annotations

import os

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import chainer, fail, null

from app.settings.errors import QT_TRANSLATE_NOOP, KeyringFailed, KeyringUnavailable
from app.settings.paths import secrets_path, settings_path
from app.settings.secrets_file import SecretsFile
from app.texts import Marked, marked

SERVICE = "pacetray"
API_TOKEN = "api-token"
OAUTH_TOKENS = "oauth-tokens"
FALLBACK_SETTING = "secrets_file_fallback"

_NO_BACKEND = QT_TRANSLATE_NOOP(
    "messages",
    "no usable OS keyring to keep the token in ({why}); install or unlock one (GNOME Keyring, "
    "KWallet, macOS Keychain, Windows Credential Manager), or pass --token / PACETRAY_TOKEN "
    "each time instead, or accept a less safe file readable only by you by setting "
    "`{setting} = true` in {settings}",
)


def account(server_url: str, kind: str) -> str:
    """The keyring user name of one secret: its kind plus the server it belongs to."""
    return f"{kind}@{server_url}"


def usable_backend() -> keyring.backend.KeyringBackend:
    """The keyring backend to use, or KeyringUnavailable saying why there is none."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyringrc or backend import raises anything
        raise _unavailable(
            marked(QT_TRANSLATE_NOOP("messages", "keyring set-up failed: {error}"), error=str(exc))
        ) from exc
    why = _unusable_reason(backend)
    if why is not None:
        raise _unavailable(why)
    return backend


def _unavailable(why: Marked) -> KeyringUnavailable:
    # {why}: a whole clause, translated on its own
    return KeyringUnavailable.marked(
        _NO_BACKEND, why=why, setting=FALLBACK_SETTING, settings=str(settings_path())
    )


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> Marked | None:
    none_found = marked(QT_TRANSLATE_NOOP("messages", "none was found"))
    if isinstance(backend, fail.Keyring):
        return none_found
    if isinstance(backend, null.Keyring):
        return marked(QT_TRANSLATE_NOOP("messages", "the null keyring is configured"))
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return none_found
    module = type(backend).__module__
    # keyrings.alt (plaintext/obfuscated files) is acceptable only when chosen on purpose,
    # e.g. by tests; picked automatically it would silently store tokens in a plain file.
    if module.startswith("keyrings.alt") and not _chosen_explicitly():
        return marked(
            QT_TRANSLATE_NOOP("messages", "only the file-based {backend} was found"),
            backend=type(backend).__name__,
        )
    return None


def _chosen_explicitly() -> bool:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    try:
        return keyring.core.load_config() is not None
    except Exception:
        return False


def _opted_in(file_fallback: bool | None) -> bool:
    if file_fallback is not None:
        return file_fallback
    from app.settings.store import load_settings  # the store imports nothing from here

    return load_settings().secrets_file_fallback


def _backend_or_file(
    file_fallback: bool | None,
) -> tuple[keyring.backend.KeyringBackend | None, SecretsFile | None]:
    """(keyring, None), (keyring, file) when opted in, or (None, file) when opted in without
    a keyring; KeyringUnavailable when there is no keyring and no opt-in."""
    try:
        backend = usable_backend()
    except KeyringUnavailable:
        if not _opted_in(file_fallback):
            raise
        return None, SecretsFile(secrets_path())
    if _opted_in(file_fallback):
        return backend, SecretsFile(secrets_path())
    return backend, None


def backend_name(*, file_fallback: bool | None = None) -> str:
    backend, file = _backend_or_file(file_fallback)
    if backend is None:
        assert file is not None
        return f"no OS keyring: the opted-in file {file.path}"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def get_secret(server_url: str, kind: str, *, file_fallback: bool | None = None) -> str | None:
    backend, file = _backend_or_file(file_fallback)
    name = account(server_url, kind)
    value: str | None = None
    if backend is not None:
        try:
            value = backend.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:
            raise KeyringFailed.marked(
                QT_TRANSLATE_NOOP("messages", "the keyring refused to read the {kind}: {error}"),
                kind=kind,
                error=str(exc),
            ) from exc
    if value is None and file is not None:
        value = file.get(name)
    return value


def set_secret(
    server_url: str, kind: str, value: str, *, file_fallback: bool | None = None
) -> None:
    backend, file = _backend_or_file(file_fallback)
    name = account(server_url, kind)
    if backend is None:
        assert file is not None
        file.set(name, value)
        return
    try:
        backend.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringFailed.marked(
            QT_TRANSLATE_NOOP("messages", "the keyring refused to store the {kind}: {error}"),
            kind=kind,
            error=str(exc),
        ) from exc
    if file is not None:
        file.delete(name)  # the keyring now holds it: no stale copy in the weaker file


def delete_secret(server_url: str, kind: str, *, file_fallback: bool | None = None) -> bool:
    """Remove one secret; False when there was none."""
    backend, file = _backend_or_file(file_fallback)
    name = account(server_url, kind)
    removed = False
    if backend is not None:
        try:
            backend.delete_password(SERVICE, name)
            removed = True
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise KeyringFailed.marked(
                QT_TRANSLATE_NOOP("messages", "the keyring refused to delete the {kind}: {error}"),
                kind=kind,
                error=str(exc),
            ) from exc
    if file is not None:
        removed = file.delete(name) or removed
    return removed
