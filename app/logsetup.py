"""Logging set-up shared by every entry point: stderr, optionally a rotating file, and the
token redaction filter on every handler we install (handler filters see records from every
logger, httpx and httpcore included; logger filters would not)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.api.redact import RedactionFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_pacetray_handler"


def configure_logging(
    level: int = logging.INFO,
    log_file: Path | None = None,
    *,
    max_bytes: int = 1_000_000,
    backup_count: int = 3,
) -> None:
    """Idempotent: calling it again replaces the handlers it installed before."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
            )
        )
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactionFilter())
        root.addHandler(handler)
    root.setLevel(level)
