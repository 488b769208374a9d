"""Operator accounts: who may log in, with which role; scrypt password hashes.

Accounts live in the log's database (table ``operators``), so a console and
its records travel together.  Every login, logout, failed login and account
change is an event with the operator as actor: every action is traceable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from dispatch.clock import rfc3339
from dispatch.desk.roles import Operator, Role
from dispatch.errors import DispatchError
from dispatch.model import EventType
from dispatch.timeline import Timeline

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
# scrypt cost: n=2**14, r=8, p=1 takes ~50 ms here: slow for guessing, quick for a login.
_N, _R, _P = 2**14, 8, 1


class AccountError(DispatchError):
    """An account cannot be created, changed or used."""


@dataclass(frozen=True)
class Account:
    """An operator account (without its hash)."""

    id: str
    name: str
    role: Role
    disabled: bool


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` for a password."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a stored hash (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class Accounts:
    """The operator accounts of one log.

    Args:
        log: The log whose database holds the accounts.
    """

    def __init__(self, log: Timeline) -> None:
        self.log = log

    def _row(self, operator_id: str) -> tuple | None:
        return self.log.conn.execute(
            "SELECT id, name, role, hash, disabled FROM operators WHERE id = ?", [operator_id]
        ).fetchone()

    def list(self) -> list[Account]:
        """Every account, by id."""
        rows = self.log.conn.execute(
            "SELECT id, name, role, disabled FROM operators ORDER BY id").fetchall()
        return [Account(i, n, Role(r), bool(d)) for i, n, r, d in rows]

    def add(self, by: str, operator_id: str, password: str, role: Role | str,
            name: str = "") -> Account:
        """Create an account.

        Raises:
            AccountError: Bad id, weak password, unknown role, or the id is taken.
        """
        if not _ID.match(operator_id):
            raise AccountError(f"operator id {operator_id!r}: 1-32 lowercase letters, digits, "
                               "'.', '_' or '-'")
        _strong(password)
        try:
            role = Role(role)
        except ValueError:
            raise AccountError(f"unknown role {role!r} (one of "
                               f"{', '.join(r.value for r in Role)})") from None
        if self._row(operator_id):
            raise AccountError(f"operator {operator_id} exists already")
        now = rfc3339(self.log.clock.now())
        with self.log.transaction() as tx:
            self.log.conn.execute(
                "INSERT INTO operators (id, name, role, hash, created_at, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [operator_id, name, role.value, hash_password(password), now, now])
            tx.append(self.log.event(EventType.OPERATOR_CHANGED, by, data={
                "operator": operator_id, "change": f"created ({role.value})"}))
        return Account(operator_id, name, role, False)

    def _change(self, by: str, operator_id: str, sql: str, params: list, change: str) -> None:
        if not self._row(operator_id):
            raise AccountError(f"no operator {operator_id}")
        with self.log.transaction() as tx:
            self.log.conn.execute(sql, [*params, rfc3339(self.log.clock.now()), operator_id])
            tx.append(self.log.event(EventType.OPERATOR_CHANGED, by,
                                     data={"operator": operator_id, "change": change}))

    def disable(self, by: str, operator_id: str) -> None:
        """Stop an account from logging in (its history stays)."""
        self._change(by, operator_id, "UPDATE operators SET disabled = 1, changed_at = ? "
                     "WHERE id = ?", [], "disabled")

    def passwd(self, by: str, operator_id: str, password: str) -> None:
        """Set a new password."""
        _strong(password)
        self._change(by, operator_id, "UPDATE operators SET hash = ?, changed_at = ? WHERE id = ?",
                     [hash_password(password)], "password changed")

    def login(self, operator_id: str, password: str, console: str = "console") -> Operator:
        """Check a password and log the operator in.

        Raises:
            AccountError: Unknown account, disabled, or wrong password (all logged).
        """
        row = self._row(operator_id)
        reason = None
        if row is None:
            reason = "unknown operator"
        elif row[4]:
            reason = "account disabled"
        elif not verify_password(password, row[3]):
            reason = "wrong password"
        if reason or row is None:
            self.log.record(EventType.LOGIN_FAILED, operator_id[:32] or "?",
                            operator=operator_id[:32], reason=reason, console=console)
            raise AccountError(f"login refused: {reason}")
        who = Operator(row[0], Role(row[2]))
        self.log.record(EventType.OPERATOR_LOGIN, who.id, operator=who.id, role=who.role.value,
                        console=console)
        return who

    def logout(self, who: Operator, console: str = "console") -> None:
        """Log the operator out."""
        self.log.record(EventType.OPERATOR_LOGOUT, who.id, operator=who.id, console=console)


def _strong(password: str) -> None:
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
