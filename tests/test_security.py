"""Security: who may do what (the desk enforces it), accounts on the command line, masking."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Operator, Refused, Role
from dispatch.desk.roles import EXPORT_PII, MANAGE_ACCOUNTS, PERMISSIONS
from dispatch.errors import DeskError
from dispatch.model import mask_name, mask_phone
from dispatch.operators import Accounts
from dispatch.timeline import Timeline

from .desklib import make_desk

OP = Operator("op7")
SUP = Operator("sup1", Role.SUPERVISOR)
CALLER = {"name": "李明", "phone": "13800000001"}
PACKAGE = Path(__file__).resolve().parents[1] / "dispatch"


def _incident(desk) -> str:  # type: ignore[no-untyped-def]
    call = desk.receive_call(OP, CALLER, "三辆车追尾，有人受伤")
    desk.answer(OP)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "accident")
    return iid


# -- the permission rules, one by one ------------------------------------------------

RULES = [  # (permission, roles that have it)
    ("cancel_order", {Role.SUPERVISOR}),
    ("reopen", {Role.SUPERVISOR, Role.TRAINER}),
    (EXPORT_PII, {Role.SUPERVISOR}),
    (MANAGE_ACCOUNTS, {Role.SUPERVISOR, Role.ADMIN}),
    ("dispatch", {Role.OPERATOR, Role.SUPERVISOR, Role.TRAINER}),
    ("close", {Role.OPERATOR, Role.SUPERVISOR, Role.TRAINER}),
]


@pytest.mark.parametrize(("permission", "allowed"), RULES, ids=[r[0] for r in RULES])
def test_permission_rules(permission: str, allowed: set[Role]) -> None:
    assert {r for r in Role if Operator("x", r).may(permission)} == allowed


def test_admins_do_no_incident_work() -> None:
    assert PERMISSIONS[Role.ADMIN] == {MANAGE_ACCOUNTS}


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.TRAINER, Role.ADMIN])
def test_only_a_supervisor_cancels_an_order(log: Timeline, role: Role) -> None:
    desk = make_desk(log)
    iid = _incident(desk)
    order = desk.dispatch(OP, iid, ["120"])[0]
    who = Operator(f"{role.value}-1", role)
    with pytest.raises(Refused, match=f"role {role.value} may not cancel order"):
        desk.cancel_order(who, iid, order, "duplicate")
    refused = list(log.events(types=["command_refused"]))[-1]
    assert (refused.actor, refused.incident, refused.data["command"]) == (who.id, iid,
                                                                         "cancel_order")
    assert not list(log.events(types=["order_cancelled"]))


def test_a_supervisor_cancels_a_sent_order(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    iid = _incident(desk)
    order = desk.dispatch(OP, iid, ["120"])[0]
    cancel_id = desk.cancel_order(SUP, iid, order, "caller reports nobody hurt")
    cancelled = list(log.events(types=["order_cancelled"]))
    assert [(e.actor, e.data["order"], e.data["to"]) for e in cancelled] == \
        [("sup1", order, "120/xianning")]
    sent = list(log.events(types=["order_sent"]))[-1]
    payload = json.loads(sent.data["payload"])
    assert (payload["kind"], payload["to"], payload["incident"], payload["id"]) == \
        ("cancel", "120/xianning", iid, cancel_id)
    assert order in payload["summary"] and sent.data["cancels"] == order
    inc = desk.board.incidents[iid]
    assert inc.orders[order].state == "cancelled"
    assert "120" not in inc.services_sent()  # a new ambulance could be sent again
    # The cancelled order is neither drained nor timed out; the cancellation is.
    assert [e.order for e in log.pending_orders()] == [cancel_id]
    clock.advance(60)
    timed_out = {e.data["order"] for e in desk.bus.check_acks()
                 if e.type == "order_timeout"}
    assert timed_out == {cancel_id}
    # The projections rebuilt from events alone agree.
    before = {o.order: (o.state, o.status) for o in log.pending_orders()}
    log.rebuild()
    assert {o.order: (o.state, o.status) for o in log.pending_orders()} == before
    assert log.outbox_entry(order).state == "cancelled"  # type: ignore[union-attr]
    with pytest.raises(DeskError, match="already cancelled"):
        desk.cancel_order(SUP, iid, order, "again")
    with pytest.raises(DeskError, match="no order"):
        desk.cancel_order(SUP, iid, "nope", "x")
    with pytest.raises(DeskError, match="say why"):
        desk.cancel_order(SUP, iid, cancel_id, " ")


def test_only_a_supervisor_reopens(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _incident(desk)
    desk.resolve(OP, iid)
    desk.close(OP, iid)
    with pytest.raises(Refused, match="role operator may not reopen"):
        desk.reopen(OP, iid)
    desk.reopen(SUP, iid)
    assert desk.board.incidents[iid].status == "open"


# -- accounts on the command line ---------------------------------------------------------


def run(args: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_operator_accounts_cli(log: Timeline, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(log.path)]
    # The first account needs no --by, but must be able to manage the others.
    assert run(["operators", "add", "root", "--role", "operator", "--password-stdin", *db],
               "rootpass1\n", monkeypatch) == 1
    assert "first account must be an admin" in capsys.readouterr().err
    assert run(["operators", "add", "root", "--role", "admin", "--password-stdin", *db],
               "rootpass1\n", monkeypatch) == 0
    assert run(["operators", "add", "li", "--role", "operator", "--password-stdin", *db],
               "x\n", monkeypatch) == 1
    assert "--by OPERATOR" in capsys.readouterr().err
    assert run(["operators", "add", "li", "--by", "root", "--password-stdin", *db],
               "rootpass1\nli-pass-1\n", monkeypatch) == 0
    assert run(["operators", "add", "wang", "--role", "supervisor", "--by", "root",
                "--password-stdin", *db], "rootpass1\nwangpass1\n", monkeypatch) == 0
    # An operator may not manage accounts: refused, and the refusal is an event.
    assert run(["operators", "add", "zhao", "--by", "li", "--password-stdin", *db],
               "li-pass-1\nzhaopass1\n", monkeypatch) == 1
    assert capsys.readouterr().err.strip().endswith("li: role operator may not manage accounts")
    # A wrong password is a failed login, logged.
    assert run(["operators", "disable", "li", "--by", "wang", "--password-stdin", *db],
               "wrong-pass\n", monkeypatch) == 1
    assert run(["operators", "disable", "li", "--by", "wang", "--password-stdin", *db],
               "wangpass1\n", monkeypatch) == 0
    assert run(["operators", "passwd", "wang", "--by", "root", "--password-stdin", *db],
               "rootpass1\nnew-pass-2\n", monkeypatch) == 0
    capsys.readouterr()
    assert main(["operators", "list", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["id"], a["role"], a["disabled"]) for a in listed] == [
        ("li", "operator", True), ("root", "admin", False), ("wang", "supervisor", False)]
    kinds = [e.type for e in log.events()]
    assert kinds.count("login_failed") == 1 and kinds.count("command_refused") == 1
    assert kinds.count("operator_login") == kinds.count("operator_logout") == 5
    changes = [(e.actor, e.data["operator"], e.data["change"])
               for e in log.events(types=["operator_changed"])]
    assert changes == [("setup", "root", "created (admin)"), ("root", "li", "created (operator)"),
                       ("root", "wang", "created (supervisor)"), ("wang", "li", "disabled"),
                       ("root", "wang", "password changed")]
    # Passwords are stored as scrypt hashes only.
    hashes = [h for (h,) in log.conn.execute("SELECT hash FROM operators")]
    assert all(h.startswith("scrypt$") for h in hashes)
    assert not any("pass" in h for h in hashes)
    assert Accounts(log).login("wang", "new-pass-2").role is Role.SUPERVISOR


# -- caller data: masked by default, unmasked only for a supervisor -------------------------


def test_masks() -> None:
    assert mask_phone("13800000001") == "138****0001"
    assert mask_name("李明") == "李*" and mask_name("Li Wei") == "L*****"
    assert mask_name("") == "" and mask_name("王") == "王*"


@pytest.fixture
def worked(make_log, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    log = make_log("pii.db")
    accounts = Accounts(log)
    accounts.add("setup", "wang", "wangpass1", Role.SUPERVISOR)
    accounts.add("wang", "li", "li-pass-1", Role.OPERATOR)
    desk = make_desk(log)
    iid = _incident(desk)
    desk.dispatch(OP, iid, ["120"])
    log.close()
    return log.path


def _secret_free(text: str) -> bool:
    return "13800000001" not in text and "李明" not in text


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "eido"])
def test_exports_mask_callers_by_default(worked: Path, fmt: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", fmt, "--db", str(worked)]) == 0
    out = capsys.readouterr().out
    assert _secret_free(out)
    assert "138****0001" in out and "李*" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        order = next(r for r in rows if r["type"] == "order_sent")
        payload = json.loads(json.loads(order["data"])["payload"])
        assert payload["caller"] == {"name": "李*", "phone": "138****0001"}
    # The log itself keeps the truth.
    with Timeline(worked, center=None, drill=None, create=False) as log:
        call = next(log.events(types=["call_received"]))
        assert call.data["caller"] == CALLER


@pytest.mark.parametrize("command", [
    ["export", "--format", "jsonl"], ["timeline", "20261122-0001"], ["replay", "--headless"]])
def test_pii_needs_a_supervisor(worked: Path, command: list[str], monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    where = [str(worked)] if command[0] == "replay" else ["--db", str(worked)]
    argv = [*command, *where, "--pii"]
    assert run(argv, "", monkeypatch) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--as OPERATOR" in err
    assert run([*argv, "--as", "li", "--password-stdin"], "li-pass-1\n", monkeypatch) == 1
    assert capsys.readouterr().err == "dispatch: li: role operator may not see caller data " \
                                      "unmasked\n"
    assert run([*argv, "--as", "wang", "--password-stdin"], "bad-pass\n", monkeypatch) == 1
    assert "wrong password" in capsys.readouterr().err
    assert run([*argv, "--as", "wang", "--password-stdin"], "wangpass1\n", monkeypatch) == 0
    out = capsys.readouterr().out
    assert "13800000001" in out and "李明" in out
    with Timeline(worked, center=None, drill=None, create=False) as log:
        refusals = [(e.actor, e.data["command"]) for e in log.events(types=["command_refused"])]
        assert refusals == [("unknown", "export_pii"), ("li", "export_pii")]
        assert [e.actor for e in log.events(types=["login_failed"])] == ["wang"]
        assert [e.actor for e in log.events(types=["operator_logout"])] == ["li", "wang"]
    # Without --pii, nothing is unmasked, and no one needs to log in.
    assert main([*command, *where]) == 0
    assert _secret_free(capsys.readouterr().out)


def test_no_logger_call_formats_caller_data() -> None:
    """Static check: no ``log.*(...)`` call in the package passes caller, phone or name data."""
    suspicious = ("caller", "phone", "says", "name")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in ("log", "logger", "logging")
                    and node.func.attr in ("debug", "info", "warning", "error", "exception",
                                           "critical")):
                for arg in node.args[1:]:
                    text = ast.unparse(arg)
                    if any(word in text for word in suspicious):
                        offenders.append(f"{path.name}:{node.lineno}: {text}")
    assert offenders == []
