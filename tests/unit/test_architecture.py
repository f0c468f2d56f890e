"""The dependency rule: nothing below `ui` imports Qt (architecture.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_PACKAGES = ["app.api", "app.activity", "app.tracking", "app.settings", "app.server"]


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_package_does_not_import_qt(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "qt = ('PySide6', 'qasync', 'PyQt5', 'PyQt6')\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    env = {"PYNPUT_BACKEND": "dummy", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "", f"{package} pulled in Qt: {out.stdout}"


def test_server_uses_only_the_wire_models_of_api() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import app.server as pkg\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith('app.')\n"
        "    and n.split('.')[1] not in ('server', 'api'))))\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith('app.api.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    others, api = out.stdout.splitlines()
    assert others == ""
    assert set(filter(None, api.split(","))) <= {"app.api.models"}
