"""The 7pace Tracking API client, and the wire models it shares with the local server."""

import sys

# httpx imports its command-line client whenever `click` is installed (uvicorn brings it):
# about 3.5 MiB and 25 ms that Pacetray never uses. A None entry in sys.modules makes that
# import fail, and httpx falls back to a stub `httpx.main` (its own ImportError branch).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
