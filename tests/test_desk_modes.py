"""Automatic modes over a real broker: peak grouping and the outage playbook."""

from __future__ import annotations

import aiomqtt

from dispatch.bus.codec import encode
from dispatch.bus.link import NODELAY
from dispatch.bus.payloads import CallMessage
from dispatch.clock import ManualClock
from dispatch.desk import Operator
from dispatch.desk.autopilot import Autopilot
from dispatch.model import new_id
from dispatch.timeline import Timeline

from .brokers import Mosquitto
from .buslib import Waiter, count
from .desklib import make_desk


def call(clock: ManualClock, says: str, where: str, **answers: object) -> CallMessage:
    return CallMessage.model_validate({
        "schema": "dispatch.call/1", "id": new_id(), "at": clock.now(), "center": "hubei",
        "drill": False, "caller": {"name": "caller", "phone": "13800000000"}, "says": says,
        "location": where, "answers": answers})


async def test_peak_groups_twenty_calls_about_one_pile_up(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    desk = make_desk(log, mosquitto.port, "console-peak")
    heard = Waiter()
    desk.listeners.append(heard)
    pilot = Autopilot(desk)
    await desk.start()
    await desk.bus.link.wait_up()
    pilot.start()
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as gateway:
        for n in range(20):
            km = 1024 + (n % 5) * 0.2  # callers give slightly different stakes
            msg = call(clock, "好几辆车追尾了，有人受伤", f"G4 K{km:.1f}".replace(".", "+") + "00",
                       injured=1, trapped=False, fire=False, hazmat=False, vehicles=6)
            await gateway.publish(desk.bus.topics.calls_in, encode(msg), qos=1)
            clock.advance(9)  # 20 calls within 3 minutes
    await heard.until(lambda evs: count(evs, "call_answered") == 20)
    await pilot.idle()
    await pilot.stop()
    await desk.stop()
    accidents = [i for i in desk.board.incidents.values() if i.kind == "accident"]
    survivors = [i for i in accidents if i.status == "open"]
    assert len(survivors) == 1 and len(survivors[0].calls) == 20
    assert sum(len(e.data["merged"]) for e in log.events(types=["incidents_merged"])) == 19
    assert log.incident(survivors[0].id).calls == 20  # the log's projection agrees
    modes = [e.data["mode"] for e in log.events(types=["mode_changed"])]
    assert modes[0] == "peak"
    kinds = {o.kind: o.to for i in desk.board.incidents.values() for o in i.orders.values()}
    assert kinds["extra_seats"] == "ops/duty"
    assert kinds["traffic_control"] == "section/g4-xianning"
    assert pilot.errors == []


async def test_outage_opens_and_resolves_itself_and_no_order_is_lost(
    log: Timeline, clock: ManualClock, own_mosquitto: Mosquitto
) -> None:
    desk = make_desk(log, own_mosquitto.port, "console-outage")
    heard = Waiter()
    desk.listeners.append(heard)
    await desk.start()
    await desk.bus.link.wait_up()
    op = Operator("op1")
    call_id = desk.receive_call(op, {"name": "Wang", "phone": "13900000002"}, "爆胎了")
    desk.answer(op, call_id)
    iid = desk.open_incident(op, call_id)
    desk.set_location(op, iid, "G50 K800+000")
    desk.apply_playbook(op, iid, "breakdown")
    own_mosquitto.kill()
    await heard.until(lambda evs: count(evs, "link_down") == 1)
    desk.dispatch(op, iid, ["section", "110"])  # waits in the outbox
    clock.advance(29)
    desk.tick()
    assert desk.board.mode == "normal"
    clock.advance(2)
    desk.tick()
    assert desk.board.mode == "outage"
    outage = desk.board.incidents[desk.board.mode_incident["outage"]]
    assert outage.kind == "outage" and outage.answers["system"] == "console_link"
    changed = list(log.events(types=["mode_changed"]))[-1]
    assert {w["to"] for w in changed.data["waiting"]} == {"section/g50-wuhan", "110/wuhan"}
    assert all(w["phone"] for w in changed.data["waiting"])  # the operator can phone them
    own_mosquitto.start()
    await heard.until(lambda evs: count(evs, "link_up") == 2)
    desk.tick()
    # The two waiting orders, the duty desk's outage order, and its cancellation: the
    # outage incident resolves itself once the link is back, and the duty desk is told.
    await heard.until(lambda evs: count(evs, "order_delivered") == 4)
    await desk.stop()
    assert desk.board.mode == "normal"
    assert log.incident(outage.id).status == "resolved"
    assert log.pending_orders() == []
    ops = sorted(outage.orders.values(), key=lambda o: o.kind == "cancel")
    assert [(o.to, o.state, o.kind) for o in ops] == [
        ("ops/duty", "cancelled", "outage"), ("ops/duty", "delivered", "cancel")]
