"""``dispatch console``: the operator console (Textual, imported only when it runs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dispatch.cli.common import config_of, lang_of, logging_to_file
from dispatch.errors import DispatchError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``console`` command."""
    parser = sub.add_parser(
        "console", help="the operator console (the floor: calls, incidents, orders)",
        description="Answer calls, follow the playbooks, send orders and follow them to the "
        "end. Starts the embedded broker when [mqtt] url is \"embedded\". --demo shows a live "
        "floor at once: simulated recipients and a stream of demo calls, in a demo log.")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: ui.lang)")
    parser.add_argument("--operator", metavar="ID", help="operator id to log in as")
    parser.add_argument("--demo", action="store_true",
                        help="demo floor: simulated recipients, demo calls, its own log")
    parser.add_argument("--seat", metavar="ID", type=_seat,
                        help="this seat's id on the floor (default: console.seat, else host "
                        "name plus terminal)")
    parser.add_argument("--db", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def _seat(text: str) -> str:
    from dispatch.config.schema import SEAT_ID

    if not SEAT_ID.match(text):
        raise argparse.ArgumentTypeError(
            f"bad seat id {text!r}: 1-40 lowercase letters, digits, '-' or '_'")
    return text


def run(args: argparse.Namespace) -> int:
    """Open the console until the operator quits."""
    config = config_of(args)
    lang = lang_of(args)
    from dispatch.tui.app import ConsoleApp
    from dispatch.tui.session import DEMO_OPERATOR, Session

    session = Session(config, demo=args.demo, db=args.db, lang=lang,
                      seat=getattr(args, "seat", None))  # PortTaken: one line
    try:
        app = ConsoleApp(session.desk, lang=lang, tz=config.center.tz,
                         centre=session.centre_name,
                         operator=DEMO_OPERATOR if args.demo else None,
                         accounts=session.accounts, operator_hint=args.operator,
                         session=session)
        with logging_to_file("console"):
            app.run()
    finally:
        session.close()
    return _outcome(app)


def _outcome(app: Any) -> int:
    if app.failure:
        raise DispatchError(app.failure)
    return 0


def _pii(args: argparse.Namespace, log: Any) -> bool:
    """Callers' numbers in full only when ``--pii`` is authorised (as the headless replay)."""
    try:
        from dispatch.cli.auth import authorize_pii
    except ImportError:  # no access layer: mask, as the default is
        return False
    return authorize_pii(args, log, "replay")


def run_replay(args: argparse.Namespace, lang: str) -> int:
    """``dispatch replay DB`` with a screen: the floor driven by the replay (read only)."""
    from dispatch.drill.replay import Replay
    from dispatch.geo import load_map
    from dispatch.playbook import load_playbooks, load_service_language
    from dispatch.timeline import open_timeline
    from dispatch.tui.app import ConsoleApp
    from dispatch.tui.drive import ReplayDesk

    config = config_of(args)
    with open_timeline(args.db, center=None, drill=None, create=False) as log:
        pii = _pii(args, log)
        replay = Replay.of(log, args.incident)
    if args.incident and not replay.events:
        raise DispatchError(f"{args.db}: no events for incident {args.incident}")
    desk = ReplayDesk(replay, load_playbooks(config.data.playbooks),
                      load_map(config.data.maps, config.data.off_network_m), sla=config.sla,
                      service=load_service_language(config.data.playbooks), lang=lang,
                      speed=args.speed)
    app = ConsoleApp(desk, lang=lang, tz=config.center.tz,
                     centre=config.center.display_name(lang), read_only=True, pii=pii)
    with logging_to_file("replay"):
        app.run()
    return _outcome(app)


def run_drill(args: argparse.Namespace, scenario: Any, db: Path, lang: str, *,
              pii: bool = False) -> int:
    """``dispatch drill FILE`` with a screen: the trainee works the calls; the score at the end."""
    from dispatch.tui.app import ConsoleApp

    config = config_of(args)
    app = ConsoleApp(lang=lang, tz=config.center.tz, centre=config.center.display_name(lang))
    app.drill(scenario, config, db, speed=args.speed, autopilot=args.autopilot,
              grace_s=args.grace, pii=pii)
    with logging_to_file("drill"):
        app.run()
    code = _outcome(app)
    if app.drill_report is not None:
        from dispatch.cli.common import labels_of
        from dispatch.cli.drill_cmd import summary

        if args.report:
            import json

            args.report.parent.mkdir(parents=True, exist_ok=True)
            args.report.write_text(json.dumps(app.drill_report, ensure_ascii=False, indent=2),
                                   "utf-8")
        print(summary(app.drill_report, lang, labels_of(args)))
    return code
