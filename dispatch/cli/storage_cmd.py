"""``dispatch storage copy SRC DST``: move a centre's log between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse

from dispatch.cli.common import config_of, log_where


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``storage`` command."""
    parser = sub.add_parser("storage", help="move a centre's log between engines")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy", help="copy every event (and account) of a log into an empty one",
        description="Copy a log event by event, e.g. from sqlite:///dispatch.db to "
                    "postgresql://dispatch@db-host/hubei; the destination folds its own "
                    "projections and is checked to hold the same incidents.")
    copy.add_argument("src", type=log_where, metavar="SRC", help="a file, sqlite:///PATH or "
                      "postgresql://USER@HOST:PORT/DB")
    copy.add_argument("dst", type=log_where, metavar="DST", help="an empty log (created)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Copy SRC into DST and say whether both fold to the same incidents."""
    from dispatch.timeline import open_timeline
    from dispatch.timeline.copy import copy_log

    config = config_of(args)
    with open_timeline(args.src, center=None, drill=None, tz=config.center.tz, create=False,
                       read_only=True) as src, \
            open_timeline(args.dst, center=src.center, drill=src.drill,
                          tz=config.center.tz) as dst:
        done = copy_log(src, dst)
        print(f"Copied {done.events} events and {done.operators} accounts of centre "
              f"{src.center} from {src.path} to {dst.path}: {done.incidents} incidents, "
              f"{'the same at both ends' if done.same else 'NOT the same at both ends'}.")
    return 0 if done.same else 1
