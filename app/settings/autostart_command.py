"""What the start-at-login entry runs: whichever form of Pacetray is installed, checked in
this order:

1. a frozen PyInstaller bundle: its own executable;
2. the Debian package: /usr/bin/pacetray (the package keeps its environment in /opt/pacetray);
3. a pipx or pip install: the `pacetray` console script of this interpreter's environment,
   next to the interpreter, in its scripts folder, or on PATH when its #! names this
   interpreter (a `pacetray` of some other environment may be another version);
4. else the source tree: this interpreter with `-m app tray` (pythonw.exe on Windows).

The facts are gathered once (`current_facts`) and passed in, so every case is testable.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCRIPT = "pacetray"
DEBIAN_SCRIPT = Path("/usr/bin/pacetray")
DEBIAN_ROOT = Path("/opt/pacetray")


@dataclass(frozen=True)
class RunningFacts:
    frozen: bool  # sys.frozen: a PyInstaller bundle
    executable: Path  # sys.executable, not resolved (a venv's python is a symlink)
    script: Path  # sys.argv[0]: what was started
    package_dir: Path  # the `app` package's own folder (under site-packages when installed)
    windows: bool
    scripts_dir: Path | None  # this environment's console-script folder (sysconfig)
    which: Callable[[str], str | None] = shutil.which


def current_facts() -> RunningFacts:
    scripts = sysconfig.get_path("scripts")
    return RunningFacts(
        frozen=bool(getattr(sys, "frozen", False)),
        executable=Path(sys.executable),
        script=Path(os.path.abspath(sys.argv[0])) if sys.argv and sys.argv[0] else Path(),
        package_dir=Path(__file__).resolve().parent.parent,
        windows=sys.platform == "win32",
        scripts_dir=Path(scripts) if scripts else None,
    )


def launch_command(
    facts: RunningFacts,
    *,
    debian_script: Path = DEBIAN_SCRIPT,
    debian_root: Path = DEBIAN_ROOT,
) -> list[str]:
    if facts.frozen:
        return [str(facts.executable)]
    if _is_debian_install(facts, debian_script, debian_root):
        return [str(debian_script)]
    script = _console_script(facts)
    if script is not None:
        return [str(script)]
    return [str(_windowless(facts)), "-m", "app", "tray"]


def _windowless(facts: RunningFacts) -> Path:
    """On Windows, pythonw.exe beside python.exe: python.exe would open a console at login."""
    if facts.windows and facts.executable.name.lower() == "python.exe":
        pythonw = facts.executable.with_name("pythonw.exe")
        if pythonw.is_file():
            return pythonw
    return facts.executable


def _is_debian_install(facts: RunningFacts, script: Path, root: Path) -> bool:
    if not script.is_file():
        return False
    return facts.script == script or any(
        p.is_relative_to(root) for p in (facts.executable, facts.package_dir)
    )


def _console_script(facts: RunningFacts) -> Path | None:
    name = SCRIPT + (".exe" if facts.windows else "")
    beside = [facts.executable.parent]
    if facts.scripts_dir is not None:
        beside.append(facts.scripts_dir)
    for folder in beside:
        if (folder / name).is_file():
            return folder / name
    found = facts.which(SCRIPT)
    if found is None:
        return None
    path = Path(found)
    return path if _shebang_names(path, facts.executable) else None


def _shebang_names(script: Path, interpreter: Path) -> bool:
    """True when `script` starts with `#!<interpreter>` (how pip writes console scripts)."""
    try:
        with script.open("rb") as f:
            first = f.readline(4096)
    except OSError:
        return False
    if not first.startswith(b"#!"):
        return False
    words = first[2:].strip().split()
    return bool(words) and os.fsdecode(words[0]) == str(interpreter)
