"""The desk on a night shift: urgent calls first, safe closing, the playbook's priority,
the call's place, and no empty answer recorded (issue 13, the core's part)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dispatch.bus.console import ConsoleBus
from dispatch.bus.payloads import OrderMessage
from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Operator, Role
from dispatch.errors import DeskError, Outstanding, Refused
from dispatch.model import Address
from dispatch.operators import Accounts
from dispatch.playbook.load import PlaybookValidationError
from dispatch.playbook.urgency import load_urgency
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import orders_of, settings
from .consolelib import typed_call
from .desklib import make_desk, shipped

OP = Operator("op1")
SUP = Operator("sup1", Role.SUPERVISOR)


# -- urgency: the words of a ringing call -------------------------------------------------


@pytest.mark.parametrize(("says", "dangers", "urgency"), [
    ("危化品罐车侧翻，有液体泄漏", ("hazmat",), 1),
    ("A tanker rolled over and there's diesel leaking everywhere", ("hazmat",), 1),
    ("两车相撞，一辆车起火了", ("fire",), 1),
    ("the van is on fire and smoke is everywhere", ("fire", "smoke"), 1),
    ("司机被困在车里出不来", ("trapped",), 1),
    ("三辆车追尾，有人受伤", ("injured",), 2),
    ("my car broke down in the fast lane", ("live_lane",), 2),
    ("车子爆胎了，停在应急车道", (), 3),
    ("nobody is hurt, we just scraped the guardrail", (), 3),
    ("没有人受伤，也没有起火", (), 3),
    ("no fire, but the driver is trapped", ("trapped",), 1),
    ("我要投诉收费站工作人员态度恶劣", (), 4),
])
def test_the_words_of_a_call_mark_its_dangers(says: str, dangers: tuple[str, ...],
                                               urgency: int) -> None:
    playbooks = shipped()[0]
    triage = playbooks.triage(says)
    assert set(triage.dangers) == set(dangers)
    assert triage.urgency == urgency


def test_a_broken_urgency_file_names_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "urgency.toml").write_text(
        'version = 1\n[negators]\nen = ["no"]\n\n[[dangers]]\nid = "fire"\nlevel = 7\n'
        'label = { en = "FIRE", zh = "起火" }\nwords = { en = ["fire"] }\n', encoding="utf-8")
    with pytest.raises(PlaybookValidationError, match=r"urgency.toml:\d+: dangers\[0\]\.level"):
        load_urgency(tmp_path)


def test_the_queue_puts_the_urgent_call_first_then_the_oldest(log: Timeline,
                                                              clock: ManualClock) -> None:
    desk = make_desk(log)
    first = typed_call(desk, "我要投诉收费站工作人员态度恶劣", None)
    clock.advance(60)
    second = typed_call(desk, "ETC 扣费不对，我要投诉", None, phone="13900000002")
    clock.advance(60)
    tyre = typed_call(desk, "车子爆胎了，停在应急车道", "G50 K800+000", phone="13900000003")
    clock.advance(60)
    tanker = typed_call(desk, "危化品罐车侧翻，有液体泄漏", "G4 K1024+300", phone="13900000004")
    assert [c.id for c, _ in desk.queue()] == [tanker, tyre, first, second]
    assert [round(w) for _, w in desk.queue()] == [0, 60, 180, 120]
    # "Answer" with no call named takes the queue's first: the tanker.
    assert desk.answer(OP).id == tanker
    # Any ringing call can be answered by name.
    assert desk.answer(OP, second).id == second
    assert [c.id for c, _ in desk.queue()] == [tyre, first]


# -- closing safely --------------------------------------------------------------------------


def _accident(desk, where: str = "G4 K1024+300") -> str:  # type: ignore[no-untyped-def]
    call = typed_call(desk, "三辆车追尾，有人受伤", where)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.apply_playbook(OP, iid, "accident")
    desk.record_answer(OP, iid, "injured", 2)
    return iid


def test_resolving_with_orders_out_asks_then_cancels_them(log: Timeline,
                                                          clock: ManualClock) -> None:
    desk = make_desk(log)
    iid = _accident(desk)
    sent = desk.dispatch(OP, iid, ["110", "120"])
    with pytest.raises(Outstanding) as refused:
        desk.resolve(OP, iid)
    assert {o.id for o in refused.value.orders} == set(sent)
    assert "110/" in str(refused.value) and "confirm" in str(refused.value)
    assert desk.board.incidents[iid].status == "open"  # nothing recorded
    assert not list(log.events(types=["order_cancelled"]))
    desk.resolve(OP, iid, cancel_orders=True)
    inc = desk.board.incidents[iid]
    assert inc.status == "resolved"
    assert {o.id: o.state for o in inc.orders.values() if o.kind != "cancel"} == \
        dict.fromkeys(sent, "cancelled")
    cancels = [json.loads(e.data["payload"]) for e in log.events(types=["order_sent"])
               if e.data.get("cancels")]
    assert sorted((c["kind"], c["to"]) for c in cancels) == [
        ("cancel", "110/xianning"), ("cancel", "120/xianning")]
    assert {e.actor for e in log.events(types=["order_cancelled"])} == {"op1"}
    # Long after, nothing about the resolved incident times out, escalates or is resent.
    clock.advance(600)
    assert desk.bus.check_acks() == []
    desk.close(OP, iid)  # nothing outstanding any more: closes at once
    assert desk.board.incidents[iid].status == "closed"


def test_closing_with_a_unit_on_scene_cancels_it_too(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _accident(desk)
    desk.dispatch(OP, iid, ["120"])
    with pytest.raises(Outstanding):
        desk.close(OP, iid)
    desk.close(OP, iid, cancel_orders=True)
    assert desk.board.incidents[iid].status == "closed"


def test_orders_cleared_or_declined_need_no_confirmation(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _accident(desk)
    (order,) = desk.dispatch(OP, iid, ["110"])
    desk.cancel_order(SUP, iid, order, "sent twice")
    desk.resolve(OP, iid)
    assert desk.board.incidents[iid].status == "resolved"


async def test_a_closed_incident_stops_dispatching_over_the_broker(
        log: Timeline, clock: ManualClock, own_mosquitto: Mosquitto, tmp_path: Path) -> None:
    """The unit is told (a ``cancel`` order) and nothing is resent or escalated after."""
    desk = make_desk(log, own_mosquitto.port, "console-night")
    unit = UnitClient(Address.parse("120/xianning"), UnitStore(tmp_path / "unit.db"),
                      settings(own_mosquitto.port, "u-120-night"), center="hubei", clock=clock)
    arrived = orders_of(unit)
    await unit.start()
    await desk.start()
    try:
        await unit.link.wait_up()
        await desk.bus.link.wait_up()
        iid = _accident(desk)
        (order,) = desk.dispatch(OP, iid, ["120"])
        await arrived.until(lambda items: len(items) == 1)
        desk.close(OP, iid, cancel_orders=True)
        await arrived.until(lambda items: len(items) == 2)
        held = [h for h, _ in arrived.items]
        assert [(h.payload["kind"], h.incident) for h in held] == [
            ("accident", iid), ("cancel", iid)]
        assert order in held[1].payload["summary"]
        await _until_delivered(desk.bus, log)
        for _ in range(5):  # many acknowledgement deadlines later
            clock.advance(desk.sla.ack_s + 1)
            assert desk.bus.check_acks() == []
        assert not list(log.events(types=["order_resent", "order_escalated", "order_timeout"]))
        assert len(arrived.items) == 2
    finally:
        await desk.stop()
        await unit.stop()


async def _until_delivered(bus: ConsoleBus, log: Timeline) -> None:
    from .consolelib import until

    await until(lambda: not log.pending_orders())


# -- the playbook's priority ---------------------------------------------------------------


def test_the_playbook_sets_the_priority_and_a_digit_overrides_it(log: Timeline) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "三辆车追尾", "G4 K1024+300")
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.apply_playbook(OP, iid)
    inc = desk.board.incidents[iid]
    assert (inc.priority, inc.priority_source) == (3, "playbook")
    desk.record_answer(OP, iid, "injured", 1)
    assert desk.board.incidents[iid].priority == 2
    desk.record_answer(OP, iid, "trapped", "yes")
    assert desk.board.incidents[iid].priority == 1
    set_events = [(e.actor, e.data["priority"], e.data["source"], e.data["reason"])
                  for e in log.events(types=["priority_set"])]
    assert set_events == [
        ("op1", 3, "playbook", "Damage only, lanes clear"),
        ("op1", 2, "playbook", "Someone is hurt"),
        ("op1", 1, "playbook", "People trapped, fire or a leak: lives at risk")]
    desk.record_answer(OP, iid, "fire", False)  # the same priority: nothing new
    assert len(list(log.events(types=["priority_set"]))) == 3
    desk.set_priority(OP, iid, 2, "operator")
    desk.record_answer(OP, iid, "hazmat", True)
    inc = desk.board.incidents[iid]
    assert (inc.priority, inc.priority_source) == (2, "operator")
    assert log.incident(iid).priority == 2


# -- the call's place ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["G4 K1024+300", {"lat": 29.95, "lon": 114.25}])
def test_the_calls_place_places_the_incident_until_the_operator_confirms(
        log: Timeline, where: object) -> None:
    desk = make_desk(log)
    call = desk.receive_call(Operator("phone"), {"name": "Li", "phone": "13800000001"},
                             "爆胎了", where)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    inc = desk.board.incidents[iid]
    assert inc.location and inc.location_from_call
    assert inc.recipients  # orders can go out at once
    placed = list(log.events(types=["location_set"]))
    assert [(e.actor, e.data["from_call"]) for e in placed] == [("op1", True)]
    desk.set_location(OP, iid, "G4 K1024+500")
    assert not desk.board.incidents[iid].location_from_call
    assert desk.board.incidents[iid].location["km"] == pytest.approx(1024.5)


def test_a_place_the_map_does_not_know_is_left_for_the_operator(log: Timeline) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "爆胎了", "somewhere near the big bridge")
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    assert desk.board.incidents[iid].location == {}
    assert not list(log.events(types=["location_set"]))


# -- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_answer_is_never_recorded(log: Timeline, blank: str) -> None:
    desk = make_desk(log)
    iid = _accident(desk)
    with pytest.raises(DeskError, match="no answer typed"):
        desk.record_answer(OP, iid, "trapped", blank)
    assert "trapped" not in desk.board.incidents[iid].answers
    desk.record_answer(OP, iid, "trapped", "unknown")  # typed: the caller does not know
    assert desk.board.incidents[iid].answers["trapped"] is None


# -- dispatch orders list / cancel -----------------------------------------------------------


def test_orders_cli_lists_and_a_supervisor_cancels(log: Timeline, clock: ManualClock,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    accounts = Accounts(log)
    accounts.add("setup", "sup1", "sup-pass-1", "supervisor")
    accounts.add("sup1", "op1", "op1-pass-1", "operator")
    desk = make_desk(log)
    iid = _accident(desk)
    order, _ = desk.dispatch(OP, iid, ["110", "120"])
    db = ["--db", str(log.path)]
    assert main(["orders", "list", iid, "--json", *db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["to"], r["state"], r["outstanding"]) for r in rows} == {
        ("110/xianning", "sent", True), ("120/xianning", "sent", True)}
    monkeypatch.setattr("sys.stdin", io.StringIO("op1-pass-1\n"))
    assert main(["orders", "cancel", iid, order[:8], "--reason", "sent twice", "--by", "op1",
                 "--password-stdin", *db]) == 1
    assert "may not cancel order" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("sup-pass-1\n"))
    assert main(["orders", "cancel", iid, order[:8], "--reason", "sent twice", "--by", "sup1",
                 "--password-stdin", *db]) == 0
    out = capsys.readouterr().out
    assert f"order {order} to 110/xianning cancelled" in out and "outbox" in out
    cancelled = list(log.events(types=["order_cancelled"]))
    assert [(e.actor, e.data["order"], e.data["reason"]) for e in cancelled] == [
        ("sup1", order, "sent twice")]
    pending = log.pending_orders()
    # The ambulance's order (no broker here) and the cancellation; the cancelled one is out.
    assert sorted(e.address for e in pending) == ["110/xianning", "120/xianning"]
    assert order not in {e.order for e in pending}
    message = OrderMessage.model_validate_json(
        next(e for e in log.events(types=["order_sent"]) if e.data.get("cancels"))
        .data["payload"])
    assert message.kind == "cancel" and message.operator == "sup1"
    monkeypatch.setattr("sys.stdin", io.StringIO("sup-pass-1\n"))
    assert main(["orders", "cancel", iid, "zzz", "--reason", "x", "--by", "sup1",
                 "--password-stdin", *db]) == 1
    assert "matches no order" in capsys.readouterr().err
    with pytest.raises(Refused):
        desk.cancel_order(OP, iid, order, "again")


# -- refusals in the console's language -------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_desks_refusals_read_in_the_consoles_language(log: Timeline, lang: str) -> None:
    from dispatch.tui.refusals import refusal

    desk = make_desk(log)
    iid = _accident(desk)
    desk.dispatch(OP, iid, ["120"])
    said = []
    for attempt in (lambda: desk.answer(OP),
                    lambda: desk.record_answer(OP, iid, "trapped", " "),
                    lambda: desk.record_answer(OP, iid, "trapped", "d"),
                    lambda: desk.resolve(OP, iid),
                    lambda: desk.reopen(OP, iid),
                    lambda: desk.set_location(OP, iid, "G4 K9999+000")):
        with pytest.raises(DeskError) as refused:
            attempt()
        said.append(refusal(refused.value, desk, lang))
    if lang == "zh":
        assert said[:4] == [
            "没有来电", "未输入回答：请输入来电人的回答；来电人不清楚时输入“不知道”",
            "有没有人被困在车里出不来？：应为是或否，输入的是“d”",
            f"事件 {iid} 尚有 1 条派单未完成：确认后将取消这些派单并处置完毕"]
        assert said[4] == "op1：话务员无权执行此操作"
        assert said[5].startswith("无法定位“G4 K9999+000”")
    else:
        assert said[2] == "Is anyone trapped in a vehicle?: expected yes or no, got “d”"
        assert said[3] == (f"incident {iid} still has 1 order not cleared: confirm to cancel "
                           "them and resolve")
