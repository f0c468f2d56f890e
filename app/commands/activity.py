"""`pacetray activity`: a self-test of activity sensing ("move your mouse now")."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from app.commands.errors import UserError


def register(subparsers: Any) -> None:
    from app.activity.probe import FACTORIES

    parser = subparsers.add_parser(
        "activity",
        help="show which activity source works here and the seconds since the last input",
        description=(
            "Probe the activity sources, print the chosen one and why the others were not "
            "chosen, then print the seconds since the last input every second."
        ),
    )
    parser.add_argument(
        "--duration", type=float, metavar="S", help="stop after S seconds (default: Ctrl+C)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--source",
        choices=sorted(FACTORIES),
        action="append",
        help="try only this source (repeatable)",
    )
    parser.set_defaults(handler=run)


def _status_json(status: Any) -> dict[str, Any]:
    return {
        "name": status.name,
        "available": status.available,
        "tried": status.tried,
        "reason": status.reason,
        "sees": status.sees,
    }


def run(args: argparse.Namespace) -> int:
    from app.activity.probe import probe

    duration: float | None = args.duration
    if duration is not None and not duration > 0:
        raise UserError(f"--duration must be a positive number of seconds, not {duration:g}")
    result = probe(only=args.source)
    source = result.chosen
    if args.json:
        line = {
            "type": "probe",
            "session": result.session,
            "chosen": _status_json(source.status()),
            "sources": [_status_json(s) for s in result.considered],
        }
        print(json.dumps(line), flush=True)
    else:
        print("\n".join(result.describe()), flush=True)
    if not source.status().available:
        return 1
    if not args.json:
        print("Move the mouse or press a key: the seconds below should drop to 0.", flush=True)
    try:
        return _report(source, duration, as_json=args.json)
    finally:
        source.close()


def _report(source: Any, duration: float | None, *, as_json: bool) -> int:
    started = time.monotonic()
    tick = 0
    while True:
        elapsed = time.monotonic() - started
        seconds = source.seconds_since_input()
        if as_json:
            line = {
                "type": "sample",
                "t": round(elapsed, 3),
                "source": source.name,
                "seconds_since_input": None if seconds is None else round(seconds, 3),
            }
            if seconds is None:
                line["reason"] = source.status().reason
            print(json.dumps(line), flush=True)
        elif seconds is None:
            print(f"{elapsed:6.1f}s  source stopped: {source.status().reason}", flush=True)
        else:
            print(f"{elapsed:6.1f}s  seconds since last input: {seconds:7.2f}", flush=True)
        if seconds is None:
            return 1
        tick += 1
        next_at = started + tick
        if duration is not None and next_at > started + duration + 1e-6:
            return 0
        time.sleep(max(0.0, next_at - time.monotonic()))
