"""Centre–region bridge: the console on the centre's Mosquitto, units on the regional one.

Both brokers run the shipped ``deploy/mosquitto`` files (dispatch.conf, dispatch.acl,
and bridge.conf on the centre).  The bridge is cut mid-stream (the WAN link, then
the regional broker itself) and restored: every order reaches the unit and is shown
there once, every status and call reaches the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dispatch.bench.setup import OPERATOR, worked_incident
from dispatch.clock import ManualClock
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import Desk
from dispatch.desk.factory import build_desk
from dispatch.model import Address, EventType, new_id
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .bridgelib import STATE, Wan, account, broker_conf, client, passwords
from .brokers import Mosquitto
from .buslib import Waiter, new_orders, orders_of
from .consolelib import until
from .desklib import shipped
from .intakelib import call_payload

UNIT = "120/xianning"
CALLS_IN = "dispatch/v1/hubei/calls/in"


@dataclass
class Topology:
    """The two brokers, the WAN hop between them, and the bridge's state as announced."""

    centre: Mosquitto
    region: Mosquitto
    wan: Wan
    state: Waiter

    async def bridge(self, up: bool) -> None:
        """Return once the centre says the bridge is up (or down)."""
        await self.state.until(lambda items: bool(items) and items[-1] == (b"1" if up else b"0"))


@pytest.fixture
async def topology(tmp_path: Path) -> AsyncIterator[Topology]:
    passwd = passwords(tmp_path)
    (tmp_path / "region").mkdir()
    (tmp_path / "centre").mkdir()
    region = Mosquitto(tmp_path / "region", conf=broker_conf(passwd))
    region.start()
    wan = Wan(region.port)
    await wan.up()
    centre = Mosquitto(tmp_path / "centre", conf=broker_conf(passwd, bridge_port=wan.port))
    centre.start()
    state = Waiter()

    async def watch() -> None:
        async with client(centre, "monitor", "monitor") as monitor:
            await monitor.subscribe(STATE, qos=1)
            async for message in monitor.messages:
                state(bytes(message.payload))  # type: ignore[arg-type]

    watcher = asyncio.get_running_loop().create_task(watch())
    topology = Topology(centre, region, wan, state)
    try:
        await topology.bridge(up=True)
        yield topology
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await wan.cut()
        centre.kill()
        region.kill()
        # Shown with a failure: what each broker said (bridge connects, ACL denials).
        print("centre:", "".join(centre.output), "region:", "".join(region.output))


def _desk(log: Timeline, centre: Mosquitto) -> Desk:
    playbooks, roadmap, service = shipped()
    return build_desk(log, account(centre.port, "console-01", "console-hubei-01"), playbooks,
                      roadmap, service=service, sla=SlaConfig(), modes=ModesConfig(),
                      tick_s=None, bus_tick_s=None)


def _unit(tmp_path: Path, region: Mosquitto, clock: ManualClock) -> UnitClient:
    return UnitClient(Address.parse(UNIT), UnitStore(tmp_path / "unit.db"),
                      account(region.port, "120-xianning", "unit-120-xianning"),
                      center="hubei", clock=clock)


def _statuses(heard: Waiter, status: str) -> set[str]:
    return {e.data["order"] for e in heard.items
            if e.type == EventType.ORDER_STATUS and e.data.get("status") == status}


def _calls(heard: Waiter) -> set[str]:
    return {e.data["call"] for e in heard.items if e.type == EventType.CALL_RECEIVED}


async def _ring(region: Mosquitto, calls: list[str]) -> None:
    """The telephony gateway, on the region, rings ``calls``."""
    async with client(region, "gateway", f"gateway-{new_id()[:6]}") as gateway:
        for n, call in enumerate(calls):
            await gateway.publish(CALLS_IN, call_payload(call, n), qos=1)


@dataclass
class Scene:
    """A console at the centre and a unit at the region, both up and seeing each other."""

    desk: Desk
    unit: UnitClient
    heard: Waiter
    arrived: Waiter
    incident: str

    def send(self, n: int) -> list[str]:
        """Dispatch ``n`` orders to the unit."""
        return [self.desk.dispatch(OPERATOR, self.incident, ["120"])[0] for _ in range(n)]

    def accept(self) -> int:
        """The unit accepts every order it holds that it has not yet; how many."""
        todo = [o.id for o in self.unit.store.orders() if "accepted" in self.unit.allowed(o.id)]
        for order in todo:
            self.unit.report(order, "accepted")
        return len(todo)


@pytest.fixture
async def scene(topology: Topology, make_log, clock: ManualClock,  # type: ignore[no-untyped-def]
                tmp_path: Path) -> AsyncIterator[Scene]:
    log = make_log()
    desk, unit = _desk(log, topology.centre), _unit(tmp_path, topology.region, clock)
    heard, arrived = Waiter(), orders_of(unit)
    desk.listeners.append(heard)
    await unit.start()
    await desk.start()
    await asyncio.gather(unit.link.wait_up(), desk.bus.link.wait_up())
    # The unit's retained presence crossed the bridge: the centre sees the region.
    await until(lambda: desk.bus.presence.get(UNIT) is True)
    try:
        yield Scene(desk, unit, heard, arrived, worked_incident(desk))
    finally:
        await desk.stop()
        await unit.stop()


async def _each_once(scene: Scene, sent: list[str]) -> None:
    shown = new_orders(scene.arrived.items)
    assert sorted(shown) == sorted(sent)  # every order arrived, each shown new exactly once
    assert len(scene.unit.store.orders()) == len(sent)
    # A resend the unit had already answered is still waiting for its PUBACK.
    await until(lambda: scene.desk.log.pending_orders() == [])
    received = [e.data["order"] for e in scene.desk.log.events(types=["order_status"])
                if e.data.get("status") == "received"]
    assert sorted(received) == sorted(sent)  # one "received" per order in the log


async def test_orders_out_statuses_and_calls_in_across_the_bridge(
        topology: Topology, scene: Scene) -> None:
    sent = scene.send(5)
    await scene.heard.until(lambda _: _statuses(scene.heard, "received") == set(sent))
    assert scene.accept() == 5
    await scene.heard.until(lambda _: _statuses(scene.heard, "accepted") == set(sent))
    calls = [new_id() for _ in range(3)]
    await _ring(topology.region, calls)
    await scene.heard.until(lambda _: set(calls) <= _calls(scene.heard))
    await _each_once(scene, sent)


async def test_console_presence_stays_in_the_centre(
        topology: Topology, scene: Scene) -> None:
    """Only the contract's topics cross: the region never sees console presence."""
    async with client(topology.region, "bridge-hubei", "peek") as peek:  # reads what crosses
        await peek.subscribe("dispatch/v1/hubei/presence/+/+", qos=1)
        got: list[str] = []

        async def listen() -> None:
            async for message in peek.messages:
                got.append(str(message.topic))

        task = asyncio.get_running_loop().create_task(listen())
        # The unit's own retained presence is there; a console's never is.
        await until(lambda: f"dispatch/v1/hubei/presence/{UNIT}" in got)
        task.cancel()
    assert not [t for t in got if "/consoles/" in t]


async def test_wan_link_cut_and_restored_mid_stream(topology: Topology, scene: Scene) -> None:
    sent = scene.send(20)
    await scene.heard.until(lambda _: len(_statuses(scene.heard, "received")) >= 3)
    await topology.wan.cut()  # mid-stream: some orders across, some queued, some in flight
    await topology.bridge(up=False)
    sent += scene.send(20)  # queued on the centre, in the bridge's persistent session
    accepted = scene.accept()  # statuses queued on the region for the bridge
    calls = [new_id() for _ in range(5)]
    await _ring(topology.region, calls)
    await topology.wan.up()
    await topology.bridge(up=True)
    await scene.heard.until(lambda _: _statuses(scene.heard, "received") == set(sent))
    await scene.heard.until(lambda _: set(calls) <= _calls(scene.heard))
    await scene.heard.until(lambda _: len(_statuses(scene.heard, "accepted")) == accepted)
    # No resend was needed: the clock never reached the acknowledgement deadline.
    assert not [e for e in scene.heard.items if e.type == EventType.ORDER_TIMEOUT]
    await _each_once(scene, sent)


async def test_regional_broker_killed_and_restarted_mid_stream(
        topology: Topology, scene: Scene, clock: ManualClock) -> None:
    sent = scene.send(20)
    await scene.heard.until(lambda _: len(_statuses(scene.heard, "received")) >= 3)
    topology.region.kill()  # a crash: what it held only in memory is gone
    await topology.bridge(up=False)
    await until(lambda: not scene.unit.link.up)
    sent += scene.send(20)  # the centre holds these for the bridge
    topology.region.start()
    await topology.bridge(up=True)
    await scene.unit.link.wait_up()
    calls = [new_id() for _ in range(3)]
    await _ring(topology.region, calls)  # calls flow again
    # Orders the dead broker had taken but never passed on, or whose "received"
    # it had taken, get none: the acknowledgement deadline resends them (once,
    # now that both ends are back); the unit shows none twice.
    clock.advance(31)
    assert scene.desk.bus.check_acks()  # some were lost with the broker
    try:
        await scene.heard.until(lambda _: _statuses(scene.heard, "received") == set(sent))
    except TimeoutError:
        missing = set(sent) - _statuses(scene.heard, "received")
        raise AssertionError([(scene.desk.log.outbox_entry(m), scene.unit.store.order(m))
                              for m in missing] + [topology.state.items]) from None
    await scene.heard.until(lambda _: set(calls) <= _calls(scene.heard))
    await _each_once(scene, sent)
