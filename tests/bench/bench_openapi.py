"""The fuzzing figure of issue 16: schemathesis, every check, against the real `pacetray
serve` process (its served /api/openapi.json), with a longer budget than the suite's
(tests/server/test_openapi_fuzz.py: 15 examples per operation; here 200, another seed).
Prints requests generated, failures (aim 0) and 5xx answers (aim 0)."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from tests.server.test_openapi_fuzz import fuzz
from tests.support.bigbody import ServeProcess

MAX_EXAMPLES = 200
SEED = 16


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        serve = ServeProcess(Path(tmp), "bench-openapi-token")
        try:
            started = time.monotonic()
            run = fuzz(serve.url, serve.token, max_examples=MAX_EXAMPLES, seed=SEED, timeout=1800)
            spent = time.monotonic() - started
        finally:
            serve.stop()
    print(
        f"schemathesis (all checks, {MAX_EXAMPLES} examples per operation, seed {SEED}) "
        f"against pacetray serve: {run.generated} requests generated, {run.failures} failures "
        f"(aim 0), {run.server_errors} 5xx (aim 0), in {spent:.0f} s"
    )
    if run.returncode != 0:
        failures = re.findall(r"^[_]{3,} (.+?) [_]{3,}$", run.output, re.M)
        print(f"  failing operations: {', '.join(failures) or '(see schemathesis output)'}")
        print("\n".join(run.output.splitlines()[-40:]))
