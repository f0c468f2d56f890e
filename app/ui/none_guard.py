"""A guard against a reference-count bug of the PySide6 6.12.0 binding on Python 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call of a Qt method that
returns void (`QPainter.setPen`, `QWidget.update`, `QLabel.setText`, a Python `paintEvent`
override…) hands back `None` without taking a reference of its own, so each call costs `None`
one reference. From Python 3.12 on `None` is immortal and nothing happens; on 3.11 its count
(about 5,000 after start-up) reaches 0 after a few thousand such calls and the interpreter
aborts ("Fatal Python error: none_dealloc"), at the latest when it exits. One paint of the
Today window's timeline makes dozens of them. `True`/`False` lose references too (seen as
"bool_dealloc" after the Today window's tests; the call responsible was not pinned down).

`keep_none_alive()` tops their counts up to a high floor; painting code calls it (a compare and
an add: cheap). Remove this module once the binding (or Python >= 3.12) is required.
"""

from __future__ import annotations

import ctypes
import sys

FLOOR = 1 << 30  # far above anything a session could use up between two top-ups
_AFFECTED = sys.version_info < (3, 12) and sys.implementation.name == "cpython"


def keep_none_alive() -> None:
    if not _AFFECTED:
        return
    for constant in (None, True, False):
        missing = FLOOR - sys.getrefcount(constant)
        if missing > 0:
            # ob_refcnt is the first field of every CPython < 3.12 object
            ctypes.c_ssize_t.from_address(id(constant)).value += missing
