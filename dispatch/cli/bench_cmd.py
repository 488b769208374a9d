"""``dispatch bench``: the real code paths timed next to bare baselines, in one run."""

from __future__ import annotations

import argparse
import asyncio
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` command."""
    parser = sub.add_parser(
        "bench", help="measure round trip, appends, locating, intake, replay and the board "
        "next to bare baselines (ratios are the figures)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="smaller sizes; within 60 s")
    parser.add_argument("--mosquitto", metavar="PATH",
                        help="the mosquitto binary (default: the installed one)")
    parser.add_argument("--postgres", metavar="URL",
                        help="a PostgreSQL database the floor figures may empty "
                             "(without it they are not measured)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print the table (or JSON); 0 even when a target is missed."""
    from dispatch.bench.run import FULL, QUICK, run_bench

    def progress(name: str) -> None:
        if not args.json:
            print(f"… {name}", file=sys.stderr, flush=True)

    report = asyncio.run(run_bench(QUICK if args.quick else FULL, quick=args.quick,
                                   mosquitto=args.mosquitto, progress=progress,
                                   postgres=args.postgres))
    print(report.json() if args.json else report.table())
    return 0
