"""Simulated recipients answer over the real broker, at speed, or stay silent."""

from __future__ import annotations

import pytest

from dispatch.bus.console import ConsoleBus
from dispatch.clock import ManualClock
from dispatch.errors import BusError
from dispatch.model import Address, new_id
from dispatch.timeline import Timeline
from dispatch.unit.simulate import TYPICAL, Behaviour, Simulator, parse_delays

from .brokers import Mosquitto
from .buslib import count, events_of, order, settings


async def test_simulated_recipients_answer_every_step_and_the_silent_one_does_not(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    fast = Behaviour(received=0, accepted=1, en_route=2, on_scene=3, cleared=4)
    tag = new_id()[:8]
    sim = Simulator(
        [Address.parse("120/xianning"), Address.parse("110/xianning")],
        # Ids of this test's own: ``dispatch simulate`` (test_bus_cli) leaves a persistent
        # ``sim-120-xianning`` session on the session broker, which queues every order
        # later tests send to 120/xianning; reusing it would hand this test that backlog.
        lambda a: settings(mosquitto.port, f"sim-{a.service.value}-{a.unit}-{tag}"),
        center="hubei", speed=200, clock=clock,
        behaviours={"120/xianning": fast, "110/xianning": Behaviour(silent=True)},
    )
    bus = ConsoleBus(log, settings(mosquitto.port, f"console-sim-{tag}"), clock=clock,
                     tick_s=None)
    heard = events_of(bus)
    await sim.start()
    await sim.wait_up()
    await bus.start()
    iid = log.open_incident("op1").incident
    to_120 = bus.send_order(order(clock, iid, "120/xianning"), "op1").data["order"]
    to_110 = bus.send_order(order(clock, iid, "110/xianning"), "op1").data["order"]
    try:
        await heard.until(lambda evs: count(evs, "order_status", status="cleared") == 1)
    except TimeoutError:
        rejected = sorted({str(e.data.get("reason"))[:60] for e in heard.items
                           if e.type == "message_rejected"})
        pytest.fail(f"no cleared report; heard {len(heard.items)} events, rejections "
                    f"{rejected[:5]}; pending {[o.order for o in log.pending_orders()]}")
    await sim.stop()
    await bus.stop()
    steps = [e.data["status"] for e in log.events(types=["order_status"])]
    assert steps == ["received", "accepted", "en_route", "on_scene", "cleared"]
    assert log.outbox_entry(to_120).status == "cleared"
    assert log.outbox_entry(to_110).status is None  # the silent desk never answered


def test_typical_behaviour_and_delay_overrides() -> None:
    assert TYPICAL[Address.parse("120/x").service].on_scene < \
        TYPICAL[Address.parse("section/x").service].on_scene
    assert [s for _, s in TYPICAL[Address.parse("ops/duty").service].steps()] == \
        ["received", "accepted", "cleared"]
    assert parse_delays(["received=1", "on_scene=300"]) == {"received": 1.0, "on_scene": 300.0}
    with pytest.raises(BusError, match="the step must be one of"):
        parse_delays(["arrived=3"])
    with pytest.raises(BusError, match="expected seconds >= 0"):
        parse_delays(["received=soon"])
