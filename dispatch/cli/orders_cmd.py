"""``dispatch orders``: list an incident's orders, and cancel one (supervisors).

Cancelling records ``order_cancelled`` and queues the recipient's ``cancel``
order in the shared outbox, with the supervisor as actor, exactly as the
console's cancel does.  This command does not hold a broker session of its
own: a console of the floor publishes the cancellation (another seat's order
left in the outbox is taken over after a third of ``sla.ack_s``), and a console
started later recovers it from the log.  Nothing recorded is lost.
"""

from __future__ import annotations

import argparse
import json
import sys

from dispatch.bus.link import LinkSettings
from dispatch.cli.auth import read_password
from dispatch.cli.common import add_db_option, config_of, open_log
from dispatch.desk import Desk
from dispatch.desk.factory import build_desk
from dispatch.desk.orders import outstanding
from dispatch.desk.views import IncidentView
from dispatch.errors import DeskError
from dispatch.geo import load_map
from dispatch.operators import Accounts
from dispatch.playbook import load_playbooks

#: The client id the command's desk would have on the bus (its bus is never started).
CLI_CONSOLE = "cli-orders"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``orders`` command."""
    parser = sub.add_parser("orders", help="an incident's orders: list, cancel (supervisors)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the orders of an incident (or every open one)")
    listing.add_argument("incident", nargs="?", help="incident id (default: every open one)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    cancel = actions.add_parser("cancel", help="cancel a sent order: its recipient is told")
    cancel.add_argument("incident", help="incident id, e.g. 20261201-0001")
    cancel.add_argument("order", help="order id, or a unique start of it (orders list)")
    cancel.add_argument("--reason", required=True, help="why (the recipient reads it)")
    cancel.add_argument("--by", required=True, metavar="OPERATOR",
                        help="the supervisor cancelling (logged in with their password)")
    cancel.add_argument("--password-stdin", action="store_true",
                        help="read the password from stdin (default: prompts)")
    for child in (listing, cancel):
        add_db_option(child)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List or cancel."""
    config = config_of(args)
    with open_log(args, write=args.action == "cancel") as log:
        desk = build_desk(log, LinkSettings.from_config(config, CLI_CONSOLE),
                          load_playbooks(config.data.playbooks),
                          load_map(config.data.maps, config.data.off_network_m),
                          sla=config.sla, tick_s=None, follow_s=None, bus_tick_s=None)
        if args.action == "list":
            return _list(args, desk)
        accounts = Accounts(log)
        who = accounts.login(args.by, read_password(args, f"Password for {args.by}: "),
                             console="cli orders cancel")
        try:
            inc = desk.incident(args.incident, open_only=False)
            order = _order(inc, args.order)
            cancel_id = desk.cancel_order(who, inc.id, order, args.reason)
        finally:
            accounts.logout(who, console="cli orders cancel")
        print(f"order {order} to {inc.orders[order].to} cancelled; the cancellation "
              f"{cancel_id} waits in the outbox: a console of the floor sends it within "
              f"{desk.bus.takeover_s:g} s, or the next to start")
    return 0


def _order(inc: IncidentView, wanted: str) -> str:
    found = [o for o in inc.orders if o == wanted or o.startswith(wanted)]
    if len(found) != 1:
        known = ", ".join(o[:8] for o in inc.orders) or "none"
        what = "matches several orders" if found else "matches no order"
        raise DeskError(f"{wanted!r} {what} of incident {inc.id} (its orders: {known})")
    return found[0]


def _list(args: argparse.Namespace, desk: Desk) -> int:
    if args.incident:
        incidents = [desk.incident(args.incident, open_only=False)]
    else:
        incidents = desk.board.open_incidents()
    rows = [{"incident": inc.id, "order": o.id, "to": o.to, "kind": o.kind, "state": o.state,
             "outstanding": o in outstanding(inc)}
            for inc in incidents for o in inc.orders.values()]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("no orders")
    for r in rows:
        mark = "*" if r["outstanding"] else " "
        print(f"{r['incident']}  {r['order'][:8]} {mark} {r['to']:<24} {r['kind']:<12} "
              f"{r['state']}")
    return 0
