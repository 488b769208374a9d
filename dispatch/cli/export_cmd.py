"""``dispatch export``: every event of a log as JSON lines or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from dispatch.cli.common import add_db_option, config_of, lang_of, open_log
from dispatch.clock import parse_rfc3339
from dispatch.errors import DispatchError
from dispatch.i18n import text
from dispatch.timeline.export import FORMATS, write_events


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` command."""
    parser = sub.add_parser("export", help="export the event log (jsonl or csv)")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    parser.add_argument("--out", metavar="FILE", type=Path, help="write here (default: stdout)")
    parser.add_argument("--since", metavar="WHEN",
                        help="only events at or after WHEN: a date (2026-11-22, the centre's "
                        "calendar) or an RFC 3339 time")
    add_db_option(parser)
    parser.set_defaults(func=run)


def parse_since(value: str, tz) -> datetime:  # type: ignore[no-untyped-def]
    """A date in the centre's time zone, or an RFC 3339 time, as UTC.

    Raises:
        DispatchError: Neither form.
    """
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    try:
        return parse_rfc3339(value)
    except ValueError:
        raise DispatchError(
            f"--since: expected a date (2026-11-22) or an RFC 3339 time "
            f"(2026-11-22T08:00:00Z), got {value!r}"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    tz = config_of(args).center.tz
    since = parse_since(args.since, tz) if args.since else None
    with open_log(args) as log:
        events = log.events(since=since)
        if args.out:
            with args.out.open("w", encoding="utf-8", newline="") as out:
                count = write_events(events, out, args.format)
            print(text("export.done", lang_of(args), count=count, out=args.out), file=sys.stderr)
        else:
            write_events(events, sys.stdout, args.format)
    return 0
