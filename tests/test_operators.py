"""Operator accounts: scrypt hashes, roles, and every login traced in the log."""

from __future__ import annotations

import pytest

from dispatch.desk import Role
from dispatch.operators import AccountError, Accounts, hash_password, verify_password
from dispatch.timeline import Timeline


def test_hashes_are_salted_scrypt_and_verify() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$16384$8$1$") and first != second
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("wrong horse", first)
    assert not verify_password("x", "md5$abc")


def test_accounts_and_the_audit_trail(log: Timeline) -> None:
    accounts = Accounts(log)
    accounts.add("admin", "op1", "secret-123", "operator", "李明")
    accounts.add("admin", "sup1", "secret-456", Role.SUPERVISOR)
    assert [(a.id, a.role) for a in accounts.list()] == [("op1", Role.OPERATOR),
                                                         ("sup1", Role.SUPERVISOR)]
    who = accounts.login("op1", "secret-123")
    assert (who.id, who.role) == ("op1", Role.OPERATOR)
    accounts.logout(who)
    with pytest.raises(AccountError, match="login refused: wrong password"):
        accounts.login("op1", "nope-nope")
    accounts.passwd("sup1", "op1", "new-secret-1")
    accounts.login("op1", "new-secret-1")
    accounts.disable("sup1", "op1")
    with pytest.raises(AccountError, match="account disabled"):
        accounts.login("op1", "new-secret-1")
    with pytest.raises(AccountError, match="unknown operator"):
        accounts.login("ghost", "whatever1")
    trail = [(e.type, e.actor) for e in log.events()]
    assert trail == [
        ("operator_changed", "admin"), ("operator_changed", "admin"),
        ("operator_login", "op1"), ("operator_logout", "op1"), ("login_failed", "op1"),
        ("operator_changed", "sup1"), ("operator_login", "op1"), ("operator_changed", "sup1"),
        ("login_failed", "op1"), ("login_failed", "ghost")]
    stored = log.conn.execute("SELECT hash FROM operators WHERE id = 'op1'").fetchone()[0]
    assert "new-secret-1" not in stored and stored.startswith("scrypt$")


@pytest.mark.parametrize(("args", "message"), [
    (("Bad Id", "secret-123", "operator"), "operator id 'Bad Id'"),
    (("op2", "short", "operator"), "at least 8 characters"),
    (("op2", "secret-123", "boss"), "unknown role 'boss'"),
])
def test_bad_accounts_are_refused(log: Timeline, args: tuple, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        Accounts(log).add("admin", *args)
    Accounts(log).add("admin", "op2", "secret-123", "operator")
    with pytest.raises(AccountError, match="exists already"):
        Accounts(log).add("admin", "op2", "secret-123", "operator")
