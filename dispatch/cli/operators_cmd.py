"""``dispatch operators``: operator accounts (add, list, disable, passwd).

Passwords never appear on the command line: they are read from the first
line(s) of stdin (``--password-stdin``) or prompted for.  Changes name the
acting administrator or supervisor with ``--by`` (logged in with their own
password); only the very first account of a log may be created without one.
Every change is an ``operator_changed`` event; a refusal is a
``command_refused`` event.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatch.cli.auth import read_password
from dispatch.cli.common import add_db_option, config_of, open_log
from dispatch.config import log_location
from dispatch.desk.roles import MANAGE_ACCOUNTS, Operator, Role
from dispatch.model import EventType
from dispatch.operators import AccountError, Accounts
from dispatch.timeline import Timeline, open_timeline


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``operators`` command."""
    parser = sub.add_parser("operators", help="operator accounts: add, list, disable, passwd")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("id", metavar="OPERATOR", help="account id, e.g. op-li")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OPERATOR.value)
    add.add_argument("--name", default="", help="the person's name")
    listing = actions.add_parser("list", help="every account")
    listing.add_argument("--json", action="store_true", help="print JSON")
    disable = actions.add_parser("disable", help="stop an account from logging in")
    disable.add_argument("id", metavar="OPERATOR")
    passwd = actions.add_parser("passwd", help="set a new password")
    passwd.add_argument("id", metavar="OPERATOR")
    for child in (add, disable, passwd, listing):
        child.add_argument("--by", metavar="OPERATOR",
                           help="the administrator or supervisor making the change")
        child.add_argument("--password-stdin", action="store_true",
                           help="read passwords from stdin, one per line: --by's first, "
                           "then the new one (default: prompts)")
        add_db_option(child)
    parser.set_defaults(func=run)


def _open(args: argparse.Namespace) -> Timeline:
    config = config_of(args)
    where = args.db or log_location(config)
    if not isinstance(where, Path) or where.is_file():
        # Listing reads; every other action (and a supervisor's login) records.
        return open_log(args, write=args.action != "list" or bool(args.by))
    # The first account of a centre may come before its first call.
    return open_timeline(where, center=config.center.id, drill=False, tz=config.center.tz)


def _acting(args: argparse.Namespace, accounts: Accounts, action: str) -> str:
    """Who makes the change (logged in and allowed), or ``setup`` for the first account."""
    if not accounts.list() and action == "add" and not args.by:
        return "setup"
    if not args.by:
        raise AccountError(f"operators {action}: name the administrator or supervisor "
                           "making the change with --by OPERATOR")
    who = accounts.login(args.by, read_password(args, f"Password for {args.by}: "),
                         console=f"cli operators {action}")
    try:
        _check(accounts, who, action)
    finally:
        accounts.logout(who, console=f"cli operators {action}")
    return who.id


def _check(accounts: Accounts, who: Operator, action: str) -> None:
    if not who.may(MANAGE_ACCOUNTS):
        reason = f"role {who.role.value} may not manage accounts"
        accounts.log.record(EventType.COMMAND_REFUSED, who.id, command=f"operators_{action}",
                            role=who.role.value, reason=reason)
        raise AccountError(f"{who.id}: {reason}")


def _new_password(args: argparse.Namespace, operator_id: str) -> str:
    first = read_password(args, f"New password for {operator_id}: ")
    if not args.password_stdin and read_password(args, "Again: ") != first:
        raise AccountError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    """Carry out one account action."""
    with _open(args) as log:
        accounts = Accounts(log)
        if args.action == "list":
            if args.by:
                _acting(args, accounts, "list")
            return _list(args, accounts)
        by = _acting(args, accounts, args.action)
        if args.action == "add":
            if by == "setup" and args.role not in (Role.ADMIN.value, Role.SUPERVISOR.value):
                raise AccountError("the first account must be an admin or a supervisor "
                                   "(--role admin): someone has to manage the others")
            account = accounts.add(by, args.id, _new_password(args, args.id), args.role,
                                   name=args.name)
            print(f"operator {account.id} added ({account.role.value})")
        elif args.action == "disable":
            if args.id == by:
                raise AccountError("an account cannot disable itself")
            accounts.disable(by, args.id)
            print(f"operator {args.id} disabled")
        else:
            accounts.passwd(by, args.id, _new_password(args, args.id))
            print(f"password of {args.id} changed")
    return 0


def _list(args: argparse.Namespace, accounts: Accounts) -> int:
    rows = accounts.list()
    if args.json:
        import json

        json.dump([{"id": a.id, "name": a.name, "role": a.role.value, "disabled": a.disabled}
                   for a in rows], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("no accounts yet: dispatch operators add OPERATOR --role admin")
    for a in rows:
        print(f"{a.id:<20} {a.role.value:<11} {'disabled' if a.disabled else 'active':<9} "
              f"{a.name}")
    return 0



