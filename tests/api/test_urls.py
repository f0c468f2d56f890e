"""Server address rules: org names, path prefixes, https everywhere but loopback."""

from __future__ import annotations

import pytest

from app.api.client import TrackingClient
from app.api.errors import InsecureUrlError, InvalidUrlError
from app.api.urls import is_loopback_host, normalize_base_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme", "https://acme.timehub.7pace.com"),
        ("  Acme-Corp  ", "https://acme-corp.timehub.7pace.com"),
        ("https://acme.timehub.7pace.com/", "https://acme.timehub.7pace.com"),
        ("acme.timehub.7pace.com", "https://acme.timehub.7pace.com"),
        (
            "https://tt.example.com:8443/api/DefaultCollection/",
            "https://tt.example.com:8443/api/DefaultCollection",
        ),
        ("HTTPS://TT.Example.com//api//Coll", "https://tt.example.com/api/Coll"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.5.6.7:1/prefix/", "http://127.5.6.7:1/prefix"),
        ("http://localhost:8765", "http://localhost:8765"),
        ("http://[::1]:8765/x", "http://[::1]:8765/x"),
        ("localhost:8765", "http://localhost:8765"),
        ("127.0.0.1:8765/tt", "http://127.0.0.1:8765/tt"),
        ("https://10.0.0.5", "https://10.0.0.5"),
    ],
)
def test_normalize_base_url(text: str, expected: str) -> None:
    assert normalize_base_url(text) == expected


@pytest.mark.parametrize(
    "text",
    ["http://acme.timehub.7pace.com", "http://10.0.0.5:8765", "http://192.168.1.2/api/Coll"],
)
def test_plain_http_to_another_host_asks_for_https(text: str) -> None:
    with pytest.raises(InsecureUrlError) as info:
        normalize_base_url(text)
    assert "https://" in info.value.message
    assert "clear text" in info.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "No server address"),
        ("   ", "No server address"),
        ("ftp://acme.example.com", "https://"),
        ("https://user:secret@acme.example.com", "user name or password"),
        ("https://acme.example.com/?token=x", "'?' or '#'"),
        ("https://acme.example.com/#frag", "'?' or '#'"),
        ("https://", "no valid host"),
        ("https://acme.example.com:99999", "not a valid URL"),
    ],
)
def test_unusable_addresses_are_named(text: str, words: str) -> None:
    with pytest.raises(InvalidUrlError) as info:
        normalize_base_url(text)
    assert words in info.value.message
    assert "secret" not in info.value.message


def test_loopback_detection() -> None:
    assert is_loopback_host("localhost")
    assert is_loopback_host("app.localhost")
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("[::1]")
    assert not is_loopback_host("localhost.example.com")
    assert not is_loopback_host("10.0.0.1")


def test_client_refuses_plain_http_to_remote_host() -> None:
    with pytest.raises(InsecureUrlError):
        TrackingClient("http://tt.example.com", token="t0ken-value")


async def test_client_keeps_the_path_prefix() -> None:
    async with TrackingClient("https://tt.example.com/api/Coll/", token="t0ken-value") as client:
        assert client.base_url == "https://tt.example.com/api/Coll"
