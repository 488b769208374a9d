"""The field unit's logic without a screen or a broker: arrivals, reports, restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.bus.codec import encode
from dispatch.bus.topics import Topics
from dispatch.clock import ManualClock
from dispatch.model import Address
from dispatch.unit.client import ReportRefused, UnitClient
from dispatch.unit.store import UnitStore

from .buslib import order, settings

ADDR = Address.parse("120/xianning")
TOPIC = Topics("hubei").to(ADDR)


def _client(path: Path, clock: ManualClock) -> UnitClient:
    # Never started: handle() and report() are driven directly, the link stays down.
    return UnitClient(ADDR, UnitStore(path), settings(1, "u"), center="hubei", clock=clock)


async def test_new_order_is_kept_once_and_received_is_owed(tmp_path: Path,
                                                            clock: ManualClock) -> None:
    unit = _client(tmp_path / "u.db", clock)
    seen: list[tuple[str, bool]] = []
    unit.listeners.append(lambda held, new: seen.append((held.id, new)))
    msg = order(clock, "20261122-0001")
    await unit.handle(TOPIC, encode(msg))
    await unit.handle(TOPIC, encode(msg))  # duplicate delivery or a resend
    assert seen == [(msg.id, True), (msg.id, False)]
    assert [o.id for o in unit.store.orders()] == [msg.id]
    assert unit.store.order(msg.id).arrivals == 2
    unsent = unit.store.unsent()
    assert len(unsent) == 1 and '"status":"received"' in unsent[0][1]
    unit.store.mark_sent(unsent[0][0])
    await unit.handle(TOPIC, encode(msg))  # asked again: the same report goes out again
    assert unit.store.unsent() == unsent


async def test_reports_follow_the_order_and_survive_a_restart(tmp_path: Path,
                                                              clock: ManualClock) -> None:
    unit = _client(tmp_path / "u.db", clock)
    msg = order(clock, "20261122-0001")
    await unit.handle(TOPIC, encode(msg))
    assert unit.allowed(msg.id) == {"accepted", "declined"}
    with pytest.raises(ReportRefused, match="a decline needs a reason"):
        unit.report(msg.id, "declined", note="  ")
    with pytest.raises(ReportRefused, match="order is received: it may be followed by "
                                            "accepted, declined, not on_scene"):
        unit.report(msg.id, "on_scene")
    with pytest.raises(ReportRefused, match="eta_s"):
        unit.report(msg.id, "accepted", eta_s=-5)
    unit.report(msg.id, "accepted", eta_s=600)
    unit.report(msg.id, "en_route")
    unit.store.close()
    again = _client(tmp_path / "u.db", clock)  # a restart
    assert [(o.id, o.status) for o in again.store.orders()] == [(msg.id, "en_route")]
    statuses = [p for _, p in again.store.unsent()]
    assert [s.split('"status":"')[1].split('"')[0] for s in statuses] == \
        ["received", "accepted", "en_route"]
    with pytest.raises(ReportRefused, match="no order"):
        again.report("nope", "accepted")


async def test_orders_for_someone_else_or_broken_are_refused(tmp_path: Path,
                                                             clock: ManualClock) -> None:
    unit = _client(tmp_path / "u.db", clock)
    await unit.handle(TOPIC, encode(order(clock, "20261122-0001", to="120/wuhan")))
    await unit.handle(TOPIC, b"{broken")
    await unit.handle(TOPIC, encode(order(clock, "20261122-0001", center="hunan")))
    assert unit.store.orders() == []
    assert [r[2].split(":")[0] for r in unit.store.rejected()] == \
        ["order for 120/wuhan, not for 120/xianning", "not JSON", "wrong centre"]
