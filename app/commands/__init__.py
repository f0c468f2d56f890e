"""Sub-commands of `pacetray`, one module per group; each exposes `register(subparsers)`."""
