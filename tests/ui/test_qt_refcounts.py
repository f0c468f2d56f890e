"""PySide6 must not leak references away from Python's singletons.

PySide6 6.12.0 on CPython 3.11 takes one reference from `None` on every Qt call that returns
nothing (and from True/False on others): after a few thousand calls the interpreter aborts with
"Fatal Python error: none_dealloc". pyproject.toml keeps that version out; this test fails if
such a build comes back (2,000 calls: far fewer than None's references, so it fails, not aborts).
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 2000


def test_qt_calls_leave_none_true_and_false_counted(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(CALLS):
        label.update()  # returns nothing
        label.setText("x")
        label.isVisible()  # returns a bool
        label.isHidden()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    # other threads may hold or drop a few; a leak per call would be thousands
    assert all(abs(a - b) < CALLS // 10 for a, b in zip(after, before, strict=True)), (
        before,
        after,
    )
