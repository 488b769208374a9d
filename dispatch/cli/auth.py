"""Who is asking: ``--pii`` needs an operator whose role may see caller data unmasked.

``--pii --as OPERATOR`` logs the operator in (password from ``--password-stdin``
or a prompt, never the command line), checks the role's ``export_pii``
permission and logs out again.  The login, a failed login, a refusal and the
logout are events in the log whose accounts were used: the log being read
when it holds accounts, else the configured live log (drill logs have none).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from dispatch.cli.common import config_of
from dispatch.config import log_location
from dispatch.desk.roles import EXPORT_PII
from dispatch.errors import DispatchError
from dispatch.model import EventType
from dispatch.operators import AccountError, Accounts
from dispatch.timeline import Timeline, open_timeline


class PiiRefused(DispatchError):
    """Caller data was asked for unmasked by someone not allowed to see it."""


def add_pii_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--pii``, ``--as OPERATOR`` and ``--password-stdin``."""
    parser.add_argument("--pii", action="store_true",
                        help="show callers' names and phone numbers unmasked (needs --as a "
                        "supervisor)")
    add_identity_options(parser, "--pii")


def add_identity_options(parser: argparse.ArgumentParser, needed_by: str) -> None:
    """Add ``--as OPERATOR`` and ``--password-stdin``."""
    parser.add_argument("--as", dest="as_operator", metavar="OPERATOR",
                        help=f"the operator account asking ({needed_by})")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin (default: prompt)")


def read_password(args: argparse.Namespace, prompt: str = "Password: ") -> str:
    """The password from stdin's first line (``--password-stdin``) or a prompt.

    Raises:
        DispatchError: Nothing on stdin.
    """
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise DispatchError("--password-stdin: no password on stdin")
        return line.rstrip("\r\n")
    return getpass.getpass(prompt)


def accounts_log(args: argparse.Namespace, log: Timeline | None) -> tuple[Timeline, bool]:
    """The log holding the accounts: ``log`` if it has any, else the live log.

    Returns:
        The log, and whether it was opened here (and must be closed by the caller).
    """
    if log is not None and log.read_only and Accounts(log).list():
        # Logging in is recorded: the reading tool's log is reopened for writing.
        config = config_of(args)
        return open_timeline(getattr(log, "url", log.path), center=None, drill=None,
                             tz=config.center.tz, create=False), True
    if log is not None and Accounts(log).list():
        return log, False
    config = config_of(args)
    where = log_location(config)
    if isinstance(where, Path):
        if log is not None and Path(log.path).resolve() == where.resolve():
            return log, False
        if not where.is_file():
            raise PiiRefused(f"--pii: no operator accounts (the live log {where} does not "
                             "exist)")
    return open_timeline(where, center=None, drill=None, tz=config.center.tz,
                         create=False), True


def authorize_pii(args: argparse.Namespace, log: Timeline | None, command: str) -> bool:
    """Whether to show caller data unmasked; checks who asks when ``--pii`` is given.

    Raises:
        PiiRefused: No ``--as``, a failed login, or a role without ``export_pii``.
    """
    if not getattr(args, "pii", False):
        return False
    who_id = getattr(args, "as_operator", None)
    book, opened = accounts_log(args, log)
    try:
        console = f"cli {command}"
        if not who_id:
            book.record(EventType.COMMAND_REFUSED, "unknown", command=EXPORT_PII, role=None,
                        reason=f"{command} --pii without --as OPERATOR", console=console)
            raise PiiRefused(f"{command} --pii: say who asks with --as OPERATOR (a supervisor)")
        accounts = Accounts(book)
        try:
            who = accounts.login(who_id, read_password(args), console=console)
        except AccountError as exc:
            raise PiiRefused(f"{command} --pii: {exc}") from None
        try:
            if not who.may(EXPORT_PII):
                reason = f"role {who.role.value} may not see caller data unmasked"
                book.record(EventType.COMMAND_REFUSED, who.id, command=EXPORT_PII,
                            role=who.role.value, reason=reason, console=console)
                raise PiiRefused(f"{who.id}: {reason}")
        finally:
            accounts.logout(who, console=console)
    finally:
        if opened:
            book.close()
    return True
