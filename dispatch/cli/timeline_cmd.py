"""``dispatch timeline``: an incident's events, and rebuilding the projections."""

from __future__ import annotations

import argparse

from dispatch.cli.auth import add_pii_options, authorize_pii
from dispatch.cli.common import add_db_option, config_of, labels_of, lang_of, open_log
from dispatch.errors import DispatchError
from dispatch.i18n import text, word
from dispatch.report.text import pad
from dispatch.safe import safe_text
from dispatch.timeline.describe import actor_label, describe, offset, type_label


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``timeline`` command."""
    parser = sub.add_parser(
        "timeline",
        help="show an incident's timeline, or rebuild the projections",
        description="Show INCIDENT's events with times relative to its call, the actor "
        "and a one-line description; or --rebuild the projections from the events.",
    )
    parser.add_argument("incident", nargs="?", metavar="INCIDENT", help="incident id, e.g. "
                        "20261122-0001")
    parser.add_argument("--rebuild", action="store_true",
                        help="recompute incidents, outbox and id counters from the events")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: ui.lang)")
    add_pii_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print a timeline or rebuild."""
    if not args.incident and not args.rebuild:
        raise DispatchError("timeline: name an INCIDENT, or give --rebuild")
    lang = lang_of(args)
    with open_log(args, write=bool(args.rebuild)) as log:
        pii = authorize_pii(args, log, "timeline")
        if args.rebuild:
            count = log.rebuild()
            print(text("timeline.rebuilt", lang, events=count, incidents=len(log.incidents()),
                       pending=len(log.pending_orders())))
        if args.incident:
            inc = log.incident(args.incident)
            events = log.incident_events(inc.id)
            labels = labels_of(args)
            tz = config_of(args).center.tz
            kind = labels.playbook(inc.kind, lang) if inc.kind else "?"
            print(text("timeline.header", lang, id=inc.id, kind=kind,
                       priority=inc.priority or "?", status=word("status", inc.status, lang)))
            start = events[0].at if events else None
            for event in events:
                assert start is not None
                line = describe(event, lang, pii=pii, labels=labels, tz=tz)
                actor = actor_label(safe_text(event.actor), lang, labels)
                print(f"{offset(event.at, start):>9}  {pad(type_label(event.type, lang), 18)} "
                      f"{pad(actor, 16)} {line}")
    return 0
