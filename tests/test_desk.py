"""The desk's commands, roles and deadlines, on a real log (no broker needed here)."""

from __future__ import annotations

import pytest

from dispatch.clock import ManualClock
from dispatch.desk import Operator, Refused, Role
from dispatch.errors import DeskError, Outstanding
from dispatch.timeline import Timeline

from .desklib import make_desk

OP = Operator("op7")
CALLER = {"name": "李明", "phone": "13800000001"}


def _work(desk, says="三辆车追尾，有人受伤", where="G4 K1024+300", answers=None):  # type: ignore[no-untyped-def]
    call = desk.receive_call(OP, CALLER, says)
    desk.answer(OP)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, where)
    desk.apply_playbook(OP, iid)
    for question, value in (answers or {}).items():
        desk.record_answer(OP, iid, question, value)
    return iid


def test_a_call_worked_by_commands_is_logged_with_the_operator(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _work(desk, answers={"injured": 2, "trapped": False, "fire": False, "hazmat": False,
                               "vehicles": 3, "lane_blocked": True})
    guide = desk.guidance(iid)
    assert [r.service.value for r in guide.services] == ["110", "120", "section"]
    for advice in guide.advice:
        if advice.required:
            desk.give_advice(OP, iid, advice.id)
    desk.set_priority(OP, iid, guide.priority)
    orders = desk.dispatch(OP, iid)
    assert len(orders) == 3
    assert desk.dispatch(OP, iid) == []  # nothing recommended is left unsent
    inc = desk.board.incidents[iid]
    assert sorted(o.to for o in inc.orders.values()) == \
        ["110/xianning", "120/xianning", "section/g4-xianning"]
    assert [o.order for o in log.pending_orders()] == orders  # waiting for the broker
    events = list(log.incident_events(iid))
    assert {e.actor for e in events if e.type != "call_received"} == {"op7"}
    types = [e.type for e in events]
    for kind in ("call_received", "incident_opened", "location_set", "playbook_applied",
                 "answer_recorded", "advice_given", "priority_set", "order_sent"):
        assert kind in types
    assert log.incident(iid).kind == "accident" and log.incident(iid).jurisdiction == "xianning"
    order_event = next(e for e in events if e.type == "order_sent")
    assert order_event.data["reason"]  # the playbook's reason travels with the order


@pytest.mark.parametrize(
    ("who", "command"),
    [(Operator("op1"), lambda d, i: d.reopen(Operator("op1"), i)),
     (Operator("root", Role.ADMIN), lambda d, i: d.dispatch(Operator("root", Role.ADMIN), i)),
     (Operator("root", Role.ADMIN), lambda d, i: d.note(Operator("root", Role.ADMIN), i, "x"))],
)
def test_commands_refused_by_role_are_audited(log: Timeline, who, command) -> None:  # type: ignore[no-untyped-def]
    desk = make_desk(log)
    iid = _work(desk)
    desk.resolve(OP, iid)
    desk.close(OP, iid)
    with pytest.raises(Refused, match=f"{who.id}: role {who.role.value} may not"):
        command(desk, iid)
    refused = list(log.events(types=["command_refused"]))
    assert len(refused) == 1 and refused[0].actor == who.id
    assert refused[0].data["role"] == who.role.value
    desk.reopen(Operator("sup", Role.SUPERVISOR), iid)
    assert log.incident(iid).status == "open"


def test_a_complaint_closes_only_after_its_callback(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _work(desk, says="我要投诉收费站工作人员态度恶劣", where="G50 K800+000")
    assert desk.board.incidents[iid].kind == "complaint"
    desk.dispatch(OP, iid)
    with pytest.raises(DeskError, match="only after the callback is recorded"):
        desk.close(OP, iid)
    desk.record_investigation(OP, iid, "staff member warned")
    desk.record_callback(OP, iid, satisfied=True)
    with pytest.raises(Outstanding, match="section/g50-wuhan"):
        desk.close(OP, iid)  # the toll-section centre has not reported back yet
    desk.close(OP, iid, cancel_orders=True)
    assert log.incident(iid).status == "closed"


def test_bad_input_is_a_clear_desk_error(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _work(desk)
    with pytest.raises(DeskError, match="G4 K2000"):
        desk.set_location(OP, iid, "G4 K2000+000")
    with pytest.raises(DeskError, match="no playbook 'flood'"):
        desk.apply_playbook(OP, iid, "flood")
    with pytest.raises(DeskError):
        desk.record_answer(OP, iid, "injured", "many")
    with pytest.raises(DeskError, match="priority must be 1"):
        desk.set_priority(OP, iid, 9)
    with pytest.raises(DeskError, match="no call is ringing"):
        desk.answer(OP)


def test_forbidden_phrases_are_flagged_in_notes(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _work(desk)
    hits = desk.note(OP, iid, "告诉他不归我们管")
    assert [h.id for h in hits] == ["not_my_business"]
    note = list(log.events(types=["note_added"]))[-1]
    assert note.data["flagged"] == ["not_my_business"]


def _breaches(events):  # type: ignore[no-untyped-def]
    return [e.data["deadline"] for e in events if e.type == "deadline_breached"]


def test_deadlines_breach_once_on_the_clock(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    desk.receive_call(OP, CALLER, "tyre burst")
    clock.advance(16)
    assert _breaches(desk.tick()) == ["answer"]
    assert desk.tick() == []  # once only
    call = desk.answer(OP)
    iid = desk.open_incident(OP, call.id)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "breakdown")
    clock.advance(61)
    assert _breaches(desk.tick()) == ["dispatch"]
    desk.dispatch(OP, iid, ["section"])
    clock.advance(1801)
    assert _breaches(desk.tick()) == ["on_scene"]
    assert "on_scene" in desk.board.incidents[iid].breached
    assert any(a.kind == "breach" for a in desk.board.alerts)


def test_complaint_deadlines(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    iid = _work(desk, says="I want to complain about the rescue crew", where="G4 K1024+300")
    clock.advance(86401)
    assert _breaches(desk.tick()) == ["investigate"]
    desk.record_investigation(OP, iid, "done late")
    clock.advance(86400)
    assert _breaches(desk.tick()) == ["callback"]


def test_a_restart_recovers_every_open_incident(make_log, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    log = make_log()
    desk = make_desk(log)
    iid = _work(desk)
    desk.dispatch(OP, iid, ["110"])
    ringing = desk.receive_call(OP, CALLER, "another call")
    log.close()
    again = make_desk(make_log())
    assert [i.id for i in again.board.open_incidents()] == [iid]
    assert [c.id for c, _ in again.queue()] == [ringing]
    assert len(again.log.pending_orders()) == 1
    assert again.board.incidents[iid].location["road"] == "G4"


COMMANDS = {
    "receive_call": lambda d, by, i: d.receive_call(by, CALLER, "x"),
    "answer": lambda d, by, i: d.answer(by),
    "open_incident": lambda d, by, i: d.open_incident(by),
    "set_location": lambda d, by, i: d.set_location(by, i, "G4 K1024+300"),
    "apply_playbook": lambda d, by, i: d.apply_playbook(by, i, "accident"),
    "record_answer": lambda d, by, i: d.record_answer(by, i, "injured", 1),
    "give_advice": lambda d, by, i: d.give_advice(by, i, "leave_lanes"),
    "set_priority": lambda d, by, i: d.set_priority(by, i, 2),
    "dispatch": lambda d, by, i: d.dispatch(by, i, ["110"]),
    "note": lambda d, by, i: d.note(by, i, "n"),
    "merge": lambda d, by, i: d.merge(by, i, []),
    "resolve": lambda d, by, i: d.resolve(by, i),
    "close": lambda d, by, i: d.close(by, i),
    "record_investigation": lambda d, by, i: d.record_investigation(by, i, "f"),
    "record_callback": lambda d, by, i: d.record_callback(by, i, True),
    "reopen": lambda d, by, i: d.reopen(by, i),
}


@pytest.mark.parametrize("role", list(Role))
def test_every_command_is_checked_against_every_role(log: Timeline, role: Role) -> None:
    from dispatch.desk.roles import PERMISSIONS

    desk = make_desk(log)
    iid = _work(desk)
    who = Operator(f"{role.value}-1", role)
    refused = 0
    for name, command in COMMANDS.items():
        if name in PERMISSIONS[role]:
            continue
        with pytest.raises(Refused, match=f"{who.id}: role {role.value} may not "
                                          f"{name.replace('_', ' ')}"):
            command(desk, who, iid)
        refused += 1
        audit = list(log.events(types=["command_refused"]))[-1]
        assert (audit.actor, audit.data["command"], audit.data["role"]) == \
            (who.id, name, role.value)
    assert len(list(log.events(types=["command_refused"]))) == refused
    expected = {Role.OPERATOR: 1, Role.SUPERVISOR: 0, Role.TRAINER: 0, Role.ADMIN: 16}[role]
    assert refused == expected
