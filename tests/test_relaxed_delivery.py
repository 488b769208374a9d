"""``order_delivered`` commits without an fsync: what a power cut can cost is one resend.

The order (``order_sent``, with its payload) and the recipient's reports stay
durable; the delivery mark does not wait for the disk.  A power cut right after
the PUBACK can leave the log as it was before the mark: the order is pending
again, the restarted console publishes it once more, and the recipient shows it
once and repeats its report, which the console records once.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dispatch.bus.console import ConsoleBus
from dispatch.bus.drain import Outgoing
from dispatch.clock import ManualClock
from dispatch.model import Address
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import count, events_of, new_orders, order, orders_of, settings


def test_a_relaxed_append_is_recorded_and_leaves_later_commits_durable(log: Timeline) -> None:
    iid = log.open_incident("op1").incident
    (event,) = log.append(log.event("note_added", "op1", iid, {"text": "x"}), durable=False)
    assert event.seq is not None
    assert log.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL again
    assert [e.id for e in log.events(iid)][-1] == event.id


async def test_a_lost_delivery_mark_costs_one_resend_shown_once(
        make_log: Callable[..., Timeline], clock: ManualClock, mosquitto: Mosquitto,
        tmp_path: Path) -> None:
    log = make_log()
    iid = log.open_incident("op1").incident
    store = UnitStore(tmp_path / "unit.db")
    unit = UnitClient(Address.parse("120/xianning"), store, settings(mosquitto.port, "u-rlx"),
                      center="hubei", clock=clock)
    bus = ConsoleBus(log, settings(mosquitto.port, "console-rlx"), clock=clock, tick_s=None)
    saved = tmp_path / "power-cut"
    saved.mkdir()
    delivered = bus._delivered

    def power_cut_image(item: Outgoing) -> None:
        # What the disk may hold if the power goes now: the log up to the
        # durable order_sent, without the delivery mark about to be written.
        for path in log.path.parent.glob(log.path.name + "*"):
            shutil.copy(path, saved / path.name)
        delivered(item)

    bus._delivered = power_cut_image  # type: ignore[method-assign]
    bus.drain._delivered = power_cut_image
    heard, arrived = events_of(bus), orders_of(unit)
    await unit.start()
    await bus.start()
    await unit.link.wait_up()
    await bus.link.wait_up()
    oid = bus.send_order(order(clock, iid), "op1").data["order"]
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    await bus.stop()
    log.close()

    # The console restarts on what the power cut left: the order is pending again.
    after = Timeline(saved / log.path.name, center="hubei", clock=clock)
    assert [e.order for e in after.pending_orders()] == [oid]
    again = ConsoleBus(after, settings(mosquitto.port, "console-rlx"), clock=clock, tick_s=None)
    heard_again = events_of(again)
    await again.start()
    await heard_again.until(lambda evs: count(evs, "order_status", status="received") == 1)
    await again.stop()
    await unit.stop()
    types = [e.type for e in after.events(iid)]
    assert types.count("order_sent") == 1
    assert types.count("order_delivered") == 1
    assert [e.data["status"] for e in after.events(iid) if e.type == "order_status"] == \
        ["received"]
    assert after.pending_orders() == []
    # The recipient got it twice and showed it once.
    assert len(arrived.items) == 2
    assert new_orders(arrived.items) == [oid]
    after.close()
    store.close()
