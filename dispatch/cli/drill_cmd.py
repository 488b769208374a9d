"""``dispatch drill``: play a drill file and score it."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from dispatch.cli.auth import add_pii_options, authorize_pii
from dispatch.cli.common import config_of, labels_of, lang_of
from dispatch.config import database_path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``drill`` command."""
    parser = sub.add_parser("drill", help="play a drill scenario and score it")
    parser.add_argument("file", type=Path, metavar="FILE", help="a drill file (playbooks/drills/)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="drill seconds per real second (default 1)")
    parser.add_argument("--autopilot", action="store_true",
                        help="the reference operator works the calls")
    parser.add_argument("--headless", action="store_true",
                        help="no screen: play the drill and print the summary")
    parser.add_argument("--seats", type=int, default=1, metavar="N",
                        help="with --autopilot --headless: N autopilot seats, each a process "
                             "of its own, on one drill log (a floor)")
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="drill log (default: a new file in [storage] drill_dir)")
    parser.add_argument("--report", type=Path, metavar="PATH", help="write the JSON report here")
    parser.add_argument("--grace", type=float, default=900, metavar="S",
                        help="drill seconds after the script for recipients to clear")
    add_pii_options(parser)
    parser.add_argument("--lang", choices=("en", "zh"), help="language of the summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the drill and print its summary."""
    from dispatch.drill.runner import DrillRunner
    from dispatch.drill.scenario import load_scenario
    from dispatch.errors import DispatchError

    if args.speed <= 0:
        raise DispatchError("--speed must be positive")
    config = config_of(args)
    scenario = load_scenario(args.file)
    pii = authorize_pii(args, None, "drill")  # the centre's accounts are in the live log
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    db = args.db or database_path(config, drill=True, name=f"{scenario.drill.id}-{stamp}")
    if not args.headless:
        from dispatch.cli.console_cmd import run_drill

        return run_drill(args, scenario, db, lang_of(args), pii=pii)
    if args.seats < 1:
        raise DispatchError("--seats must be at least 1")
    runner = DrillRunner(scenario, config, db, speed=args.speed, autopilot=args.autopilot,
                         grace_s=args.grace, pii=pii, seats=args.seats)
    result = asyncio.run(runner.run())
    report = result.report
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    print(summary(report, lang_of(args), labels_of(args)))
    return 0


def summary(report: dict[str, Any], lang: str = "en", labels: Any = None) -> str:
    """A readable summary of a drill report (ids as names when ``labels`` knows them)."""
    from dispatch.drill.summary import summary as words

    return words(report, lang, labels)
