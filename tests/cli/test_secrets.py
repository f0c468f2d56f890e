from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null
from keyrings.alt.file import PlaintextKeyring

from app.settings import KeyringUnavailable, secrets
from tests.cli.conftest import keyring_values

URL = "http://127.0.0.1:8765"


def test_secrets_round_trip_in_the_configured_keyring(in_process_home) -> None:
    secrets.set_secret(URL, secrets.API_TOKEN, "tok-123")
    assert secrets.get_secret(URL, secrets.API_TOKEN) == "tok-123"
    assert secrets.get_secret("http://127.0.0.1:9", secrets.API_TOKEN) is None
    assert keyring_values(in_process_home) == ["tok-123"]
    assert secrets.delete_secret(URL, secrets.API_TOKEN) is True
    assert secrets.get_secret(URL, secrets.API_TOKEN) is None
    assert secrets.delete_secret(URL, secrets.API_TOKEN) is False


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_keyring_backend_is_a_clear_error(in_process_home, backend) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(KeyringUnavailable) as info:
        secrets.set_secret(URL, secrets.API_TOKEN, "tok")
    message = info.value.message
    assert "no usable OS keyring" in message
    assert "--token" in message


def test_a_plaintext_keyring_picked_automatically_is_refused(
    in_process_home, monkeypatch: pytest.MonkeyPatch
) -> None:
    # keyrings.alt is a test dependency; where it is merely installed, it must not be used
    # silently: only an explicit choice (env or keyringrc) allows it.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    keyring.set_keyring(PlaintextKeyring())
    with pytest.raises(KeyringUnavailable, match="file-based PlaintextKeyring"):
        secrets.get_secret(URL, secrets.API_TOKEN)
