"""`make bench`: runs every `tests/bench/bench_*.py` module's `main()` and prints its figures.

`python -m tests.bench NAME...` runs only the named ones (e.g. `server`, `activity`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import tests.bench as bench_pkg


def main(argv: list[str]) -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench_pkg.__path__) if m.name.startswith("bench_")
    )
    wanted = {f"bench_{a.removeprefix('bench_')}" for a in argv}
    failures = 0
    for name in names:
        if wanted and name not in wanted:
            continue
        print(f"=== {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"tests.bench.{name}")
        try:
            module.main()
        except Exception as exc:  # one failing benchmark must not hide the others' figures
            failures += 1
            print(f"{name} FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"--- {name}: {time.perf_counter() - started:.1f} s\n", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
