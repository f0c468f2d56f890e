"""The frozen bundle's entry point: the same `main` the `pacetray` script runs."""

from app.cli import main

raise SystemExit(main())
