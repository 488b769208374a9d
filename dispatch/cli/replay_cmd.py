"""``dispatch replay``: step through a recorded log with its time offsets."""

from __future__ import annotations

import argparse
import asyncio

from dispatch.cli.auth import add_pii_options, authorize_pii
from dispatch.cli.common import config_of, labels_of, lang_of, log_where
from dispatch.errors import DispatchError
from dispatch.i18n import word
from dispatch.report.text import pad
from dispatch.safe import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``replay`` command."""
    parser = sub.add_parser("replay", help="replay a recorded log (after-action review)")
    parser.add_argument("db", type=log_where, metavar="DB",
                        help="a live or drill log: a file, sqlite:///PATH or postgresql://…")
    parser.add_argument("--incident", metavar="ID", help="only this incident")
    parser.add_argument("--speed", type=float, default=0.0,
                        help="replay at this many times the recorded pace (0: at once)")
    parser.add_argument("--headless", action="store_true",
                        help="no screen: print each step")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of descriptions")
    add_pii_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print each step, then the final state of every incident."""
    from dispatch.drill.replay import Replay, Step
    from dispatch.timeline import open_timeline
    from dispatch.timeline.describe import actor_label, describe, offset, type_label

    if args.speed < 0:
        raise DispatchError("--speed must not be negative")
    lang = lang_of(args)
    if not args.headless:
        from dispatch.cli.console_cmd import run_replay

        return run_replay(args, lang)
    with open_timeline(args.db, center=None, drill=None, create=False) as log:
        pii = authorize_pii(args, log, "replay")
        replay = Replay.of(log, args.incident)
        if args.incident and not replay.events:
            raise DispatchError(f"{args.db}: no events for incident {args.incident}")
    if not replay.events:
        print("（空日志）" if lang == "zh" else "(empty log)")
        return 0
    start = replay.events[0].at
    labels = labels_of(args)
    tz = config_of(args).center.tz

    def show(step: Step) -> None:
        e = step.event
        actor = actor_label(safe_text(e.actor), lang, labels)
        print(f"{offset(e.at, start):>9}  {e.incident or '-':<13} "
              f"{pad(type_label(e.type, lang), 18)} {pad(actor, 14)} "
              f"{describe(e, lang, pii=pii, labels=labels, tz=tz)}", flush=True)

    asyncio.run(replay.play(args.speed, show))
    print()
    zh = lang == "zh"
    for inc in sorted(replay.projection.incidents.values(), key=lambda i: i.id if i else ""):
        if inc is not None:
            kind = labels.playbook(inc.kind, lang) if inc.kind else "?"
            where = f"{inc.road or ''} {inc.km if inc.km is not None else ''}"
            print(f"{inc.id}  {pad(kind, 10)} {pad(word('status', inc.status, lang), 9)} "
                  f"{'优先级' if zh else 'priority'} {inc.priority or '?'}  "
                  f"{'来电' if zh else 'calls'} {inc.calls}  {where}")
    return 0
