"""The fuzzing figure of issue 16: schemathesis, every check, against the real `pacetray
serve` process (its served /api/openapi.json), with a longer budget than the suite's
(tests/server/test_openapi_fuzz.py: 15 examples per operation; here 200, another seed).
The admin routes run against a `pacetray serve` of their own (fuzzing the fault switch turns
faults on). Prints requests generated, failures (aim 0) and 5xx answers (aim 0)."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from tests.server.test_openapi_fuzz import ADMIN_PATHS, MAIN_PATHS, FuzzRun, fuzz
from tests.support.bigbody import ServeProcess

MAX_EXAMPLES = 200
SEED = 16


def run_against_own_server(paths: tuple[str, str], budget: int) -> tuple[FuzzRun, float]:
    with tempfile.TemporaryDirectory() as tmp:
        serve = ServeProcess(Path(tmp), "bench-openapi-token")
        try:
            started = time.monotonic()
            run = fuzz(
                serve.url,
                serve.token,
                max_examples=budget,
                seed=SEED,
                timeout=1800,
                paths=paths,
            )
            return run, time.monotonic() - started
        finally:
            serve.stop()


def main() -> None:
    for what, paths in (("API and hub", MAIN_PATHS), ("admin routes", ADMIN_PATHS)):
        run, spent = run_against_own_server(paths, MAX_EXAMPLES)
        print(
            f"schemathesis (all checks, {MAX_EXAMPLES} examples per operation, seed {SEED}), "
            f"{what}, against pacetray serve: {run.generated} requests generated, "
            f"{run.failures} failures (aim 0), {run.server_errors} 5xx (aim 0), in {spent:.0f} s"
        )
        if run.returncode != 0:
            failures = re.findall(r"^[_]{3,} (.+?) [_]{3,}$", run.output, re.M)
            print(f"  failing operations: {', '.join(failures) or '(see schemathesis output)'}")
            print("\n".join(run.output.splitlines()[-40:]))
