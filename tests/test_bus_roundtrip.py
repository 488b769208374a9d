"""Orders out and reports back over a real mosquitto and the embedded amqtt broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.bus.broker import EmbeddedBroker, PortTaken, check_port_free
from dispatch.bus.console import ConsoleBus
from dispatch.clock import ManualClock
from dispatch.model import Address
from dispatch.timeline import Timeline
from dispatch.unit.client import ReportRefused, UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto, free_port
from .buslib import count, events_of, new_orders, order, orders_of, settings


async def _work_an_order(log: Timeline, clock: ManualClock, port: int, tmp_path: Path) -> None:
    iid = log.open_incident("op1").incident
    store = UnitStore(tmp_path / "unit.db")
    unit = UnitClient(Address.parse("120/xianning"), store, settings(port, "u-120-xn"),
                      center="hubei", clock=clock)
    bus = ConsoleBus(log, settings(port, "console-1"), clock=clock, tick_s=None)
    heard, arrived = events_of(bus), orders_of(unit)
    await unit.start()
    await bus.start()
    await unit.link.wait_up()
    await bus.link.wait_up()
    sent = bus.send_order(order(clock, iid), "op1")
    oid = sent.data["order"]
    await arrived.until(lambda items: len(items) == 1)
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    for status in ("accepted", "on_scene", "cleared"):
        unit.report(oid, status, eta_s=600 if status == "accepted" else None)
        await heard.until(lambda evs, s=status: count(evs, "order_status", status=s) == 1)
    with pytest.raises(ReportRefused, match="it may be followed by nothing"):
        unit.report(oid, "en_route")
    await bus.stop()
    await unit.stop()
    statuses = [(e.data["status"], e.actor) for e in log.events(iid)
                if e.type == "order_status"]
    assert statuses == [("received", "120/xianning"), ("accepted", "120/xianning"),
                        ("on_scene", "120/xianning"), ("cleared", "120/xianning")]
    types = [e.type for e in log.events(iid)]
    assert types.index("order_sent") < types.index("order_delivered") < \
        types.index("order_status")
    assert log.pending_orders() == []
    assert log.outbox_entry(oid).status == "cleared"
    assert new_orders(arrived.items) == [oid]
    held = store.order(oid)
    assert held.payload["caller"]["phone"] == "13800000001"
    assert held.payload["advice_given"] == ["leave_lanes"]
    store.close()


async def test_order_round_trip_over_mosquitto(log: Timeline, clock: ManualClock,
                                               mosquitto: Mosquitto, tmp_path: Path) -> None:
    await _work_an_order(log, clock, mosquitto.port, tmp_path)


async def test_order_round_trip_over_the_embedded_broker(log: Timeline, clock: ManualClock,
                                                         tmp_path: Path) -> None:
    async with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        await _work_an_order(log, clock, broker.port, tmp_path)


async def test_a_taken_port_is_a_clear_message(mosquitto: Mosquitto) -> None:
    with pytest.raises(PortTaken) as caught:
        check_port_free("127.0.0.1", mosquitto.port)
    assert str(caught.value) == (
        f"port {mosquitto.port} on 127.0.0.1 is taken (another broker or a second console?). "
        "Set [mqtt] embedded_port to a free port in the configuration, or set "
        f'[mqtt] url = "mqtt://127.0.0.1:{mosquitto.port}" to use the broker that holds it.')
    with pytest.raises(PortTaken):
        await EmbeddedBroker("127.0.0.1", mosquitto.port).start()
