"""What the start-at-login entry runs: the installed form of Pacetray, found from injected facts
(frozen flag, interpreter path, started script, which()) over files under tmp."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.settings.autostart_command import RunningFacts, current_facts, launch_command


def nowhere(name: str) -> str | None:
    return None


def on_path(script: Path) -> Callable[[str], str | None]:
    return lambda name: str(script) if name == script.name else None


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path


def facts(
    root: Path,
    *,
    frozen: bool = False,
    executable: Path | None = None,
    script: Path | None = None,
    package_dir: Path | None = None,
    windows: bool = False,
    scripts_dir: Path | None = None,
    which: Callable[[str], str | None] = nowhere,
) -> RunningFacts:
    return RunningFacts(
        frozen=frozen,
        executable=executable or root / "usr" / "bin" / "python3",
        script=script or root / "src" / "app" / "__main__.py",
        package_dir=package_dir or root / "src" / "app",
        windows=windows,
        scripts_dir=scripts_dir,
        which=which,
    )


def command(root: Path, f: RunningFacts) -> list[str]:
    return launch_command(
        f, debian_script=root / "usr" / "bin" / "pacetray", debian_root=root / "opt" / "pacetray"
    )


def test_a_frozen_bundle_starts_itself(root: Path) -> None:
    bundle = root / "Apps" / "Pacetray" / "Pacetray"
    # even with a console script around: the bundle is what the user installed
    touch(root / "Apps" / "Pacetray" / "pacetray")
    assert command(root, facts(root, frozen=True, executable=bundle)) == [str(bundle)]


@pytest.mark.parametrize("started_from", ["executable", "package", "script"])
def test_the_debian_package_starts_its_script(root: Path, started_from: str) -> None:
    script = touch(root / "usr" / "bin" / "pacetray", "#!/bin/sh\n")
    venv = root / "opt" / "pacetray" / "venv"
    touch(venv / "bin" / "pacetray")  # the package's own console script is not the entry
    given = {
        "executable": facts(root, executable=venv / "bin" / "python3"),
        "package": facts(root, package_dir=venv / "lib" / "python3.12" / "site-packages" / "app"),
        "script": facts(root, script=script),
    }[started_from]
    assert command(root, given) == [str(script)]


def test_without_usr_bin_pacetray_it_is_no_debian_install(root: Path) -> None:
    venv = root / "opt" / "pacetray" / "venv"
    python = venv / "bin" / "python3"
    console = touch(venv / "bin" / "pacetray")
    assert command(root, facts(root, executable=python)) == [str(console)]


def test_a_pipx_install_starts_the_script_beside_its_interpreter(root: Path) -> None:
    venv = root / "home" / ".local" / "share" / "pipx" / "venvs" / "pacetray"
    console = touch(venv / "bin" / "pacetray")
    f = facts(root, executable=venv / "bin" / "python", which=on_path(root / "other" / "pacetray"))
    assert command(root, f) == [str(console)]


def test_on_windows_the_script_is_an_exe_in_the_scripts_folder(root: Path) -> None:
    python = root / "Python312" / "python.exe"
    touch(root / "Python312" / "Scripts" / "pacetray")  # not a Windows launcher
    console = touch(root / "Python312" / "Scripts" / "pacetray.exe")
    f = facts(root, executable=python, windows=True, scripts_dir=console.parent)
    assert command(root, f) == [str(console)]


def test_a_script_on_path_counts_when_its_shebang_names_this_interpreter(root: Path) -> None:
    python = root / "usr" / "bin" / "python3"
    user_script = touch(root / "home" / ".local" / "bin" / "pacetray", f"#!{python}\nimport x\n")
    f = facts(root, executable=python, which=on_path(user_script))
    assert command(root, f) == [str(user_script)]


@pytest.mark.parametrize("first_line", ["#!/other/venv/bin/python\n", "#!/bin/sh\n", "MZ\x90"])
def test_a_script_on_path_of_another_environment_is_not_ours(root: Path, first_line: str) -> None:
    python = root / "usr" / "bin" / "python3"
    stranger = touch(root / "home" / ".local" / "bin" / "pacetray", first_line)
    f = facts(root, executable=python, which=on_path(stranger))
    assert command(root, f) == [str(python), "-m", "app", "tray"]


def test_the_source_tree_runs_this_python_on_the_app_package(root: Path) -> None:
    python = root / "src" / ".venv" / "bin" / "python"
    assert command(root, facts(root, executable=python)) == [str(python), "-m", "app", "tray"]


def test_the_facts_of_this_process() -> None:
    here = current_facts()
    assert here.executable == Path(sys.executable)
    assert not here.frozen
    assert (here.package_dir / "settings" / "autostart_command.py").is_file()
    assert here.windows == (sys.platform == "win32")


def test_on_windows_the_source_tree_runs_without_a_console(root: Path) -> None:
    python = touch(root / "Python312" / "python.exe")
    f = facts(root, executable=python, windows=True)
    assert command(root, f)[0] == str(python)  # no pythonw.exe: python.exe it is
    pythonw = touch(root / "Python312" / "pythonw.exe")
    assert command(root, f) == [str(pythonw), "-m", "app", "tray"]
