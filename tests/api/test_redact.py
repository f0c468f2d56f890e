"""The log redaction filter and configure_logging (real handlers, real records)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.redact import MASK, RedactionFilter, redact, register_secret
from app.logsetup import configure_logging


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.DEF-123_xyz", "abc.DEF-123_xyz"),
        ("headers={'authorization': 'Bearer s3cr3tvalue'}", "s3cr3tvalue"),
        ("[(b'Authorization', b'Bearer rawbytesTok')]", "rawbytesTok"),
        ("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("sent bearer tok_9876543210 upstream", "tok_9876543210"),
        ('{"access_token": "AT-123456", "token_type": "bearer"}', "AT-123456"),
        ('{"refresh_token":"RT-654321","expires_in":3600}', "RT-654321"),
        ("{'secret': 'pin-secret-1'}", "pin-secret-1"),
        ('{"accessToken": "camelTok99"}', "camelTok99"),
        ("client_id=OpenApi&grant_type=authorization_code&code=SECRET-CODE-1", "SECRET-CODE-1"),
        ("grant_type=refresh_token&refresh_token=RT-abcdef&x=1", "RT-abcdef"),
        ("url ...?token=querytok1&a=b", "querytok1"),
        ("GET /signalr/trackingHub/v3.2?id=c1&access_token=hubQueryTok1", "hubQueryTok1"),
        ("GET /signalr/x/start?transport=webSockets&connectionToken=cT%2Fab12", "cT%2Fab12"),
        ('{"ConnectionToken": "classicTok7", "KeepAliveTimeout": 20.0}', "classicTok7"),
    ],
)
def test_redact_masks_every_form(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert MASK in out


def test_redact_leaves_ordinary_text_alone() -> None:
    text = '{"errorCode": "UnauthorizedError", "statusCode": 401} grant_type=refresh_token'
    assert redact(text) == text


def test_registered_secrets_are_masked_anywhere() -> None:
    register_secret("zz-unusual-secret-value-42")
    assert redact("weird place zz-unusual-secret-value-42!") == f"weird place {MASK}!"
    register_secret("abc")  # too short to mask safely: ignored
    assert redact("abc") == "abc"


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactionFilter())
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger = logging.getLogger("tests.api.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def test_filter_redacts_args_exceptions_and_stacks(capture) -> None:
    logger, stream = capture
    logger.debug("headers %s", {"Authorization": "Bearer argTok1234"})
    try:
        raise RuntimeError("failed with Bearer excTok1234")
    except RuntimeError:
        logger.exception("boom")
    logger.warning("stack", stack_info=True, extra={"x": 1})
    logger.debug("broken %s %s", "only one")  # bad format string is still logged
    out = stream.getvalue()
    assert "argTok1234" not in out and "excTok1234" not in out
    assert out.count(MASK) >= 2
    assert "RuntimeError" in out
    assert "broken" in out


def test_configure_logging_installs_the_filter_and_a_rotating_file(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    log_file = tmp_path / "logs" / "pacetray.log"
    try:
        configure_logging(logging.DEBUG, log_file, max_bytes=2000, backup_count=2)
        configure_logging(logging.DEBUG, log_file, max_bytes=2000, backup_count=2)  # idempotent
        ours = [h for h in root.handlers if h not in before]
        assert len(ours) == 2
        assert all(any(isinstance(f, RedactionFilter) for f in h.filters) for h in ours)
        for i in range(100):
            logging.getLogger("httpx").debug("line %d Authorization: Bearer fileTok%04d", i, i)
        for handler in ours:
            handler.flush()
        files = sorted(p.name for p in log_file.parent.iterdir())
        assert files == ["pacetray.log", "pacetray.log.1", "pacetray.log.2"]
        text = "".join(p.read_text() for p in log_file.parent.iterdir())
        assert "fileTok" not in text and "line 99" in text
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
