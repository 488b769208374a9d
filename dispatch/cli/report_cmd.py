"""``dispatch report``: response times against the SLA, folded from the event log."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dispatch.cli.common import add_db_option, config_of, lang_of, open_log
from dispatch.cli.export_cmd import parse_since
from dispatch.report import build_report, render_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` command."""
    parser = sub.add_parser(
        "report",
        help="response-time report: answer, dispatch, acknowledgement, on-scene, resolve",
        description="Fold the event log into response times (count, p50, p90, max and the "
        "share within each SLA deadline), deadline breaches, complaints past their deadlines "
        "and drill scores. Percentiles are nearest-rank.",
    )
    parser.add_argument("--since", metavar="WHEN",
                        help="only events at or after WHEN: a date (2026-11-22, the centre's "
                        "calendar) or an RFC 3339 time; a pair that starts before WHEN (a call "
                        "rung before it, answered after) is left out")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--html", metavar="FILE", type=Path,
                        help="also write a self-contained HTML page with charts (viewable "
                        "offline: no script, no external file)")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: ui.lang)")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the report."""
    config = config_of(args)
    tz = config.center.tz
    since = parse_since(args.since, tz) if args.since else None
    with open_log(args) as log:
        report = build_report(log.events(since=since), config.sla, since=since)
    if args.html:
        from dispatch.report.html import render_html

        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(report, lang_of(args), tz), encoding="utf-8")
        print(f"dispatch: report written to {args.html}", file=sys.stderr)
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report, lang_of(args), tz))
    return 0
