"""No order is lost: broker crashes, a killed sender, a silent recipient."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from dispatch.bus.console import ConsoleBus
from dispatch.clock import ManualClock
from dispatch.model import Address
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import count, events_of, new_orders, order, orders_of, settings


def _unit(tmp_path: Path, port: int, clock: ManualClock, name: str = "120/xianning") -> UnitClient:
    store = UnitStore(tmp_path / f"{name.replace('/', '-')}.db")
    return UnitClient(Address.parse(name), store, settings(port, f"u-{name}"), center="hubei",
                      clock=clock)


async def test_broker_killed_with_orders_in_flight_and_back_5_s_later(
    log: Timeline, clock: ManualClock, own_mosquitto: Mosquitto, tmp_path: Path
) -> None:
    unit = _unit(tmp_path, own_mosquitto.port, clock)
    bus = ConsoleBus(log, settings(own_mosquitto.port, "console-1"), clock=clock, tick_s=None)
    heard, arrived = events_of(bus), orders_of(unit)
    await unit.start()
    await bus.start()
    await unit.link.wait_up()
    await bus.link.wait_up()
    iid = log.open_incident("op1").incident
    sent = [bus.send_order(order(clock, iid), "op1").data["order"] for _ in range(40)]
    await heard.until(lambda evs: count(evs, "order_delivered") >= 3)
    own_mosquitto.kill()  # mid-stream: some orders published, some not, some unacknowledged
    await asyncio.sleep(5)  # the broker stays down for 5 s, as the outage does
    assert not bus.link.up and not unit.link.up
    own_mosquitto.start()
    await bus.link.wait_up()
    await unit.link.wait_up()
    # Orders the dead broker had taken but never passed on get no "received":
    # the acknowledgement deadline resends them.
    clock.advance(31)
    bus.check_acks()
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 40)
    await bus.stop()
    await unit.stop()
    shown = new_orders(arrived.items)
    assert sorted(shown) == sorted(sent)  # every order arrived, each shown exactly once
    assert len(unit.store.orders()) == 40
    assert log.pending_orders() == []
    types = [e.type for e in log.events()]
    down, up = types.index("link_down"), types.index("link_up", types.index("link_down"))
    assert types.index("link_up") < down < up  # up, then down with the broker, then up again
    received = [e.data["order"] for e in log.events(types=["order_status"])]
    assert sorted(received) == sorted(sent)  # one "received" per order in the log


CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from dispatch.bus.console import ConsoleBus
    from dispatch.timeline import Timeline
    sys.path.insert(0, sys.argv[3])
    from tests.buslib import order, settings

    async def main():
        log = Timeline(sys.argv[1], center="hubei")
        bus = ConsoleBus(log, settings(int(sys.argv[2]), "console-child"), tick_s=None)
        await bus.start()
        await bus.link.wait_up()
        iid = log.open_incident("op1").incident
        sent = bus.send_order(order(log.clock, iid), "op1")
        print(sent.data["order"], flush=True)
        # Killed after order_sent is durable, before the drain could publish it.
        os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


async def test_sender_killed_between_order_sent_and_puback(
    tmp_path: Path, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    db = tmp_path / "live.db"
    repo = Path(__file__).resolve().parents[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, str(db), str(mosquitto.port), str(repo),
        stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    order_id = out.decode().strip()
    log = Timeline(db, center="hubei", clock=clock)
    assert [e.order for e in log.pending_orders()] == [order_id]
    unit = _unit(tmp_path, mosquitto.port, clock)
    arrived = orders_of(unit)
    await unit.start()
    await unit.link.wait_up()
    bus = ConsoleBus(log, settings(mosquitto.port, "console-restarted"), clock=clock,
                     tick_s=None)
    heard = events_of(bus)
    await bus.start()  # the restart drains what the log still holds
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    await bus.stop()
    await unit.stop()
    assert new_orders(arrived.items) == [order_id]
    assert log.pending_orders() == []
    log.close()


async def test_silent_recipient_times_out_escalates_and_is_resent(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    phones = {"120/xianning": "0715-0000120"}
    bus = ConsoleBus(log, settings(mosquitto.port, "console-silent"), clock=clock,
                     tick_s=None, ack_s=30, max_resends=2, phone_of=phones.get)
    heard = events_of(bus)
    await bus.start()
    iid = log.open_incident("op1").incident
    oid = bus.send_order(order(clock, iid), "op1").data["order"]
    await heard.until(lambda evs: count(evs, "order_delivered") == 1)
    clock.advance(29)
    assert bus.check_acks() == []  # not yet
    clock.advance(2)
    first = bus.check_acks()
    assert [e.type for e in first] == ["order_timeout", "order_escalated", "order_resent"]
    assert first[1].data == {"order": oid, "to": "120/xianning", "phone": "0715-0000120"}
    await heard.until(lambda evs: count(evs, "order_delivered") == 2)  # resent and delivered
    clock.advance(31)
    assert [e.type for e in bus.check_acks()] == ["order_timeout", "order_resent"]
    await heard.until(lambda evs: count(evs, "order_delivered") == 3)
    clock.advance(31)
    assert [e.type for e in bus.check_acks()] == ["order_timeout"]  # resends used up
    clock.advance(31)
    assert bus.check_acks() == []  # the operator phones; no endless alarms
    await bus.stop()
    entry = log.outbox_entry(oid)
    assert (entry.attempts, entry.timeouts, entry.status) == (3, 3, None)


async def test_a_late_received_stops_the_timer(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto, tmp_path: Path
) -> None:
    bus = ConsoleBus(log, settings(mosquitto.port, "console-late"), clock=clock, tick_s=None)
    heard = events_of(bus)
    await bus.start()
    iid = log.open_incident("op1").incident
    oid = bus.send_order(order(clock, iid), "op1").data["order"]
    await heard.until(lambda evs: count(evs, "order_delivered") == 1)
    unit = _unit(tmp_path, mosquitto.port, clock)  # comes online after the order went out
    await unit.start()
    clock.advance(31)
    bus.check_acks()  # the resend reaches the unit that is now listening
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    clock.advance(31)
    assert bus.check_acks() == []
    await unit.stop()
    await bus.stop()
    assert log.outbox_entry(oid).status == "received"

