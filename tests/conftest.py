"""Root fixtures shared by every test folder. Folder-specific fixtures live in their conftest."""

from __future__ import annotations

import os

# Qt must never try to reach a display unless a test starts one (the e2e fixtures do).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
