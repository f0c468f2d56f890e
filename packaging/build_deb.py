"""Build a Debian package of the Linux PyInstaller bundle with the Debian tools (dpkg-deb).

    python packaging/build_deb.py dist/pacetray --out dist

Layout: the bundle in /opt/pacetray, a /usr/bin/pacetray symlink to its executable, the
desktop entry in /usr/share/applications, the app icon in the hicolor theme, the AppStream
metainfo in /usr/share/metainfo. Depends lists the Debian packages that provide the shared
libraries the bundle links but does not carry (found with objdump, ldconfig and dpkg -S on the
build machine: build on the oldest Debian/Ubuntu you want to support).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "pacetray"
INSTALL_DIR = Path("opt") / PACKAGE
MAINTAINER = "Pacetray developers <pacetray@users.noreply.github.com>"
HOMEPAGE = "https://github.com/pacetray/pacetray"
SUMMARY = "7pace Timetracker in the system tray"
DESCRIPTION = """\
 Pacetray is a desktop tray client for 7pace Timetracker (time tracking on
 Azure DevOps work items), with real idle detection, global hotkeys, live
 updates, an offline journal, and a local Timetracker server so the app works
 without a 7pace account.
 .
 This package holds a self-contained build (PyInstaller) in /opt/pacetray."""
COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Pacetray
Source: {homepage}

Files: *
Copyright: The Pacetray developers
License: MIT

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
"""


class DebError(RuntimeError):
    pass


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise DebError(f"{' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed(path: Path) -> list[str]:
    """The DT_NEEDED libraries of one ELF file."""
    return re.findall(r"^\s*NEEDED\s+(\S+)", run("objdump", "-p", str(path)), re.M)


def system_libraries(bundle: Path) -> set[str]:
    """Sonames the bundle's binaries link but the bundle does not carry."""
    carried = {p.name for p in bundle.rglob("*")}
    return {name for path in elf_files(bundle) for name in needed(path)} - carried


def ldconfig_paths() -> dict[str, str]:
    """soname → path for this machine's architecture, from the dynamic linker's cache."""
    arch = "x86-64" if os.uname().machine == "x86_64" else os.uname().machine
    paths: dict[str, str] = {}
    for line in run("ldconfig", "-p").splitlines()[1:]:
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and (arch in m.group(2) or "," not in m.group(2)):
            paths.setdefault(m.group(1), m.group(3))
    return paths


def owning_package(path: str) -> str:
    """The Debian package that ships `path` (also under /usr-merge's other spelling)."""
    real = os.path.realpath(path)
    spellings = {path, real}
    for p in list(spellings):
        spellings.add(p.removeprefix("/usr") if p.startswith("/usr/lib") else "/usr" + p)
    for candidate in sorted(spellings):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    raise DebError(f"no Debian package ships {path}")


def depends(bundle: Path) -> str:
    libraries = system_libraries(bundle)
    paths = ldconfig_paths()
    missing = sorted(name for name in libraries if name not in paths)
    if missing:
        raise DebError(f"the bundle links libraries this machine lacks: {', '.join(missing)}")
    packages = {owning_package(paths[name]) for name in libraries}
    parts = []
    for pkg in sorted(packages):
        if pkg == "libc6":
            # the bootloader and libpython use the symbol versions of the glibc built against
            version = run("dpkg-query", "-W", "-f=${Version}", "libc6").split("-")[0]
            parts.append(f"libc6 (>= {version})")
        else:
            parts.append(pkg)
    return ", ".join(parts)


def installed_size_kib(root: Path) -> int:
    total = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir())
    return (total + 1023) // 1024


def stage(bundle: Path, root: Path, version: str) -> None:
    resources = bundle / "_internal" / "app" / "_resources"
    if not resources.is_dir():
        raise DebError(f"{bundle} is not a Pacetray bundle (no {resources})")
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(Path("/") / INSTALL_DIR / PACKAGE)
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(resources / "pacetray.desktop", share / "applications" / "pacetray.desktop")
    shutil.copytree(resources / "icons" / "hicolor", share / "icons" / "hicolor")
    (share / "metainfo").mkdir()
    for metainfo in resources.glob("*.metainfo.xml"):
        shutil.copy2(metainfo, share / "metainfo" / metainfo.name)
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT.format(homepage=HOMEPAGE))
    for path in root.rglob("*"):  # dpkg-deb keeps modes: the usual 0755/0644
        if path.is_symlink():
            continue
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)


def control(root: Path, version: str, bundle: Path) -> str:
    arch = run("dpkg", "--print-architecture").strip()
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_size_kib(root)}\n"
        f"Depends: {depends(bundle)}\n"
        "Section: utils\n"
        "Priority: optional\n"
        f"Homepage: {HOMEPAGE}\n"
        f"Description: {SUMMARY}\n{DESCRIPTION}\n"
    )


def bundle_version(bundle: Path) -> str:
    out = run(str(bundle / PACKAGE), "--version").split()
    if len(out) != 2 or out[0] != PACKAGE:
        raise DebError(f"unexpected `{PACKAGE} --version` output: {' '.join(out)}")
    return out[1]


def build(bundle: Path, out_dir: Path, compression: str = "xz") -> Path:
    version = bundle_version(bundle)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pacetray-deb-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir(mode=0o755)
        stage(bundle, root, version)
        (root / "DEBIAN").mkdir(mode=0o755)
        (root / "DEBIAN" / "control").write_text(control(root, version, bundle))
        arch = run("dpkg", "--print-architecture").strip()
        deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
        run("dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb))
    return deb


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller one-folder bundle")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder")
    parser.add_argument(
        "--compression", default="xz", choices=("xz", "gzip", "zstd", "none"), help="dpkg-deb -Z"
    )
    args = parser.parse_args(argv)
    try:
        print(build(args.bundle, args.out, args.compression))
    except DebError as exc:
        print(f"build_deb: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
