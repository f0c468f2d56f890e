"""The dependency rule (architecture.md): nothing below `ui` imports Qt, the server shares
only the wire models, and the import graph of `app/` runs downward only, without circles."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

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
    assert set(filter(None, api.split(","))) <= {"app.api.models", "app.api.wire"}


# --- the whole import graph (parsed, so function-local and TYPE_CHECKING imports count) -------
#
# The test fails on an import from a lower layer to a higher one, on an import between the
# front ends (`ui` and `commands`), on `commands` → `cli`, on any import circle between
# modules, and on `importlib.import_module`/`__import__` of one of our modules (a hidden edge
# neither mypy nor a reader sees).

APP = Path(__file__).resolve().parents[2] / "app"

# Higher numbers may import lower (and equal) ones, never the other way round.
LAYERS: dict[str, int] = {
    "app": 0,  # the package itself: __version__
    "app.resources": 0,  # finds the shipped files (icons, desktop entry): Qt-free, no imports
    "app.texts": 0,  # Qt-free translation marks for messages built below the UI
    "app.api": 0,
    "app.activity": 0,
    "app.settings": 1,  # credentials.py builds API clients from what is saved
    "app.logsetup": 1,  # redacts the secrets app.api registers
    "app.tracking": 2,
    "app.server": 2,
    "app.local_server": 2,  # the embedded server: settings' data dir + app.server
    "app.ui": 3,
    "app.commands": 3,
    "app.cli": 4,
    "app.__main__": 5,
}

# Pairs that may not import each other although the layers would allow it.
FORBIDDEN = {
    ("app.ui", "app.commands"),  # the two front ends sit side by side
    ("app.commands", "app.ui"),
    ("app.api", "app.activity"),  # activity knows nothing of the API, and the reverse
    ("app.activity", "app.api"),
    ("app.tracking", "app.server"),  # the client core and the server share only api.models
    ("app.server", "app.tracking"),
}

# Known exceptions, each with its reason; shrink this list, never grow it quietly.
ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(APP.rglob("*.py"))}


def area(module: str) -> str:
    """The layer key of a module: `app.ui.popup` → `app.ui`."""
    return ".".join(module.split(".")[:2])


def _imported(node: ast.AST, package: str) -> Iterator[str]:
    """The `app` modules one import statement names (a `from X import name` counts as
    `X.name` where that is a module, else as `X`)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parent, base] if base else parent)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            yield full if full in modules() else base


@cache
def graph() -> dict[str, frozenset[str]]:
    edges: dict[str, frozenset[str]] = {}
    for name, path in modules().items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, package):
                if target.split(".")[0] != "app":
                    continue
                # `import app.ui.popup` names a module; anything else: its nearest module
                while target not in modules() and "." in target:
                    target = target.rpartition(".")[0]
                if target != name:
                    found.add(target)
        edges[name] = frozenset(found)
    return edges


def test_every_module_has_a_layer() -> None:
    missing = sorted(m for m in modules() if area(m) not in LAYERS)
    assert missing == [], f"add these to LAYERS: {missing}"


def test_no_import_runs_up_or_across() -> None:
    bad = []
    for source, targets in graph().items():
        for target in targets:
            src, dst = area(source), area(target)
            if src == dst:
                continue
            if LAYERS[dst] > LAYERS[src]:
                bad.append(f"{source} → {target} (up: layer {LAYERS[src]} → {LAYERS[dst]})")
            elif (src, dst) in FORBIDDEN and (source, target) not in ALLOWED:
                bad.append(f"{source} → {target} (across)")
    assert not bad, "imports against the layers:\n" + "\n".join(sorted(bad))


def strongly_connected(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_circles() -> None:
    # A package importing its own submodules (app.settings → app.settings.store) is how a
    # package exposes its parts, not a circle; drop those edges.
    edges = {
        source: frozenset(t for t in targets if not t.startswith(source + "."))
        for source, targets in graph().items()
    }
    circles = strongly_connected(edges)
    assert not circles, "import circles:\n" + "\n".join(" ↔ ".join(c) for c in circles)


def test_strongly_connected_finds_a_circle() -> None:
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert strongly_connected(edges) == [["a", "b", "c"]]


def _dynamic_imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in ("import_module", "__import__"):
            continue
        arg = node.args[0] if node.args else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value.split(".")[0] == "app":
                yield f"{path.name}:{node.lineno} {arg.value}"
        else:  # a name computed at run time may well be ours: say so
            yield f"{path.name}:{node.lineno} (a computed module name)"


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_hidden_loading_of_our_modules(module: str) -> None:
    found = list(_dynamic_imports(modules()[module]))
    if module == "app.ui.launch":
        # import_all() warms sys.modules by name in a worker thread while the icon shows;
        # the edges themselves are plain imports (test_preloaded_modules_are_imported_plainly).
        found = [f for f in found if "computed" not in f]
    assert not found, "our modules loaded by name: " + ", ".join(found)


def test_preloaded_modules_are_imported_plainly() -> None:
    """What launch.py preloads by name is only a warm-up: each of our modules on its lists is
    also imported by an import statement where it is used, so no edge is hidden."""
    tree = ast.parse(modules()["app.ui.launch"].read_text(encoding="utf-8"))
    named = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("app.")
    }
    assert named, "launch.py names no module of ours any more: drop this test"
    imported = set().union(*graph().values())
    assert sorted(named - imported) == []
