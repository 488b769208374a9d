"""A real cluster: three nats-servers with JetStream, one killed mid-stream.

The console's desk lists the three nodes in ``urls`` order (node 1 first);
units are spread over the nodes, each listing its own node first; a gateway
publishes calls on node 3.  Node 1, the console's, is killed while orders
and calls flow: the console and the unit on node 1 fail over, and every
order arrives, none is shown twice, and every call the cluster acknowledged
is logged once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch.clock import ManualClock
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk.factory import build_desk
from dispatch.model import Address, new_id
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import NatsCluster
from .buslib import count, events_of, new_orders, order, orders_of, settings
from .consolelib import until
from .desklib import shipped
from .intakelib import Gateway

UNITS = ["120/xianning", "119/xianning", "110/xianning"]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    """Three JetStream nodes of this test's own, each on its own loopback ports."""
    folder = tmp_path / "nats"
    folder.mkdir()
    nodes = NatsCluster(folder)
    nodes.start()
    yield nodes
    nodes.stop()


def _over(cluster: NatsCluster, first: int, name: str):  # type: ignore[no-untyped-def]
    ports = [node.port for node in cluster.nodes]
    ordered = ports[first:] + ports[:first]  # its own node first, then the others
    return settings(ordered[0], name, endpoints=tuple(("127.0.0.1", p) for p in ordered))


async def test_console_s_node_killed_mid_stream_nothing_lost_nothing_twice(
    cluster: NatsCluster, log: Timeline, clock: ManualClock, tmp_path: Path
) -> None:
    playbooks, roadmap, service = shipped()
    desk = build_desk(log, _over(cluster, 0, "console-hubei-cluster"), playbooks, roadmap,
                      service=service, sla=SlaConfig(), modes=ModesConfig(), tick_s=None,
                      bus_tick_s=None)
    bus = desk.bus
    units = [UnitClient(Address.parse(a), UnitStore(tmp_path / f"u{n}.db"),
                        _over(cluster, n, f"unit-{n}"), center="hubei", clock=clock)
             for n, a in enumerate(UNITS)]
    arrivals = [orders_of(unit) for unit in units]
    heard = events_of(bus)
    for unit in units:
        await unit.start()
        await unit.link.wait_up()
    await desk.start()
    await bus.link.wait_up()
    assert bus.link.port == cluster.nodes[0].port
    gateway = Gateway(cluster.nodes[2].port, inflight=50)
    calls = [new_id() for _ in range(120)]
    try:
        iid = log.open_incident("op1").incident
        sent = [bus.send_order(order(clock, iid, to=UNITS[n % 3]), "op1").data["order"]
                for n in range(30)]
        gateway.publish(calls[:60])
        await heard.until(lambda evs: count(evs, "order_delivered") >= 5)
        cluster.nodes[0].kill()  # mid-stream: the console's and the first unit's node
        sent += [bus.send_order(order(clock, iid, to=UNITS[n % 3]), "op1").data["order"]
                 for n in range(30)]
        gateway.publish(calls[60:], 60)
        await asyncio.to_thread(gateway.wait_acked, 30)
        await heard.until(lambda evs: count(evs, "link_down") >= 1)
        await bus.link.wait_up()
        assert bus.link.port != cluster.nodes[0].port  # failed over to another node
        await heard.until(lambda evs: count(evs, "call_received") == len(calls), timeout=30)
        # Orders the dead node took but never passed on: the deadline resends them.
        clock.advance(31)
        bus.check_acks()
        await heard.until(lambda evs: len({e.data["order"] for e in evs
                                           if e.type == "order_status"}) == len(sent),
                          timeout=30)
        # A resend's report can come back (the unit held the order already) before the
        # broker's acknowledgement of the resend is recorded: wait for the outbox to settle.
        await until(lambda: not [e for e in log.pending_orders() if e.order in sent], 30)
    finally:
        gateway.close()
        await desk.stop()
        for unit in units:
            await unit.stop()
    shown = [oid for arrived in arrivals for oid in new_orders(arrived.items)]
    assert sorted(shown) == sorted(sent)  # every order arrived, each shown exactly once
    # (The desk's outage policy may have ordered ops/duty, which no one runs here.)
    assert [e.order for e in log.pending_orders() if e.order in sent] == []
    logged = Counter(e.data["call"] for e in log.events(types=["call_received"]))
    assert set(logged) == set(calls) and max(logged.values()) == 1  # each call once
    types = [e.type for e in log.events(types=["link_up", "link_down"])]
    assert types[:3] == ["link_up", "link_down", "link_up"]
    assert units[0].link.port != cluster.nodes[0].port  # the unit on node 1 moved too
