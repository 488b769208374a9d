"""The bus contract, on every broker the console is meant to run over.

One suite, parametrised over Mosquitto, NATS's MQTT gateway (JetStream) and
amqtt (the embedded broker): orders out and acknowledged, statuses back,
calls in and acknowledged only after their commit, garbage rejected and
logged, drills kept off live units, retained advisories and presence, wills.
Each test runs on a centre of its own, so retained messages and sessions on
the session-wide brokers never leak from one test into another.  Where a
broker cannot do what the contract needs, :func:`limit` marks the test a
strict expected failure naming the broker's limit (README, *The bus*).
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
import pytest

from dispatch.bus.codec import canonical, encode
from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import NODELAY
from dispatch.bus.payloads import AdvisoryMessage, Presence
from dispatch.bus.topics import Topics
from dispatch.clock import ManualClock
from dispatch.errors import LogUnwritable
from dispatch.model import Address, new_id
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Nats, free_port
from .buslib import count, events_of, new_orders, order, orders_of, settings

#: What a broker cannot do that the contract needs: ``(broker, feature) -> reason``.
LIMITS: dict[tuple[str, str], str] = {
    ("amqtt", "redelivery"): "amqtt 0.12.1 does not redeliver an unacknowledged QoS 1 message "
                             "when the persistent session resumes (it is lost with the seat)",
    ("amqtt", "retained"): "amqtt 0.12.1 also hands a new subscription the retained messages "
                           "of other topics (those matching any earlier wildcard filter)",
}


@dataclass(frozen=True)
class Broker:
    """One broker under the contract: its name and MQTT port on loopback."""

    name: str
    port: int


@pytest.fixture(scope="session")
def nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nats]:
    """One nats-server (JetStream, MQTT gateway) for the whole session."""
    server = Nats(tmp_path_factory.mktemp("nats"))
    server.start()
    server.wait_mqtt()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def amqtt_port() -> Iterator[int]:
    """``dispatch broker`` (amqtt, the embedded broker) in a child process."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dispatch", "broker", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until it listens
    assert "listening" in line, line
    yield port
    proc.kill()
    proc.wait(timeout=10)


@pytest.fixture(params=["mosquitto", "nats", "amqtt"])
def broker(request: pytest.FixtureRequest) -> Broker:
    """Each contract test runs on each broker."""
    name = request.param
    if name == "mosquitto":
        port = request.getfixturevalue("mosquitto").port
    elif name == "nats":
        port = request.getfixturevalue("nats").port
    else:
        port = request.getfixturevalue("amqtt_port")
    return Broker(name, port)


def limit(request: pytest.FixtureRequest, broker: Broker, feature: str) -> None:
    """Mark the test a strict expected failure where ``broker`` cannot do ``feature``."""
    reason = LIMITS.get((broker.name, feature))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=f"{broker.name}: {reason}", strict=True))


@pytest.fixture
def center() -> str:
    """A centre of this test's own (its topics, retained messages and sessions)."""
    return f"c{new_id()[-8:]}"


class Rig:
    """A console bus and units on one broker, for one centre."""

    def __init__(self, broker: Broker, make_log, clock: ManualClock, tmp_path: Path,  # type: ignore[no-untyped-def]
                 center: str) -> None:
        self.broker, self.make_log, self.clock, self.tmp = broker, make_log, clock, tmp_path
        self.center = center
        self.topics = Topics(center)
        self.started: list[ConsoleBus | UnitClient] = []

    def name(self, what: str) -> str:
        return f"{what}-{self.center}"

    def bus(self, name: str = "console", *, drill: bool = False, **kw: object) -> ConsoleBus:
        log = self.make_log(f"{name}.db", center=self.center, drill=drill)
        return ConsoleBus(log, settings(self.broker.port, self.name(name)), clock=self.clock,
                          tick_s=None, console_id=name, **kw)  # type: ignore[arg-type]

    def unit(self, address: str = "120/xianning", *, drill: bool = False) -> UnitClient:
        stem = f"{address.replace('/', '-')}{'-drill' if drill else ''}"
        return UnitClient(Address.parse(address), UnitStore(self.tmp / f"{stem}.db"),
                          settings(self.broker.port, self.name(f"u-{stem}")),
                          center=self.center, drill=drill, clock=self.clock)

    async def up(self, *clients: ConsoleBus | UnitClient) -> None:
        for client in clients:
            await client.start()
            self.started.append(client)
            await client.link.wait_up()

    async def close(self) -> None:
        for client in reversed(self.started):
            await client.stop()
        self.started.clear()

    def raw(self) -> aiomqtt.Client:
        return aiomqtt.Client("127.0.0.1", self.broker.port, socket_options=NODELAY,
                              identifier=self.name(f"raw-{new_id()[:6]}"))

    def call(self, **kw: object) -> dict:
        data = {"schema": "dispatch.call/1", "id": new_id(), "at": "2026-11-22T08:00:00.000Z",
                "center": self.center, "drill": False,
                "caller": {"name": "Li", "phone": "13800000001"}, "says": "追尾了",
                "location": "G4 K1024+300"}
        data.update(kw)
        return data


@pytest.fixture
async def rig(broker: Broker, make_log, clock: ManualClock, tmp_path: Path,  # type: ignore[no-untyped-def]
              center: str):
    """The test's console and units on the broker under test; stopped afterwards."""
    made = Rig(broker, make_log, clock, tmp_path, center)
    yield made
    await made.close()


async def test_orders_out_acknowledged_and_statuses_back(
    rig: Rig, request: pytest.FixtureRequest
) -> None:
    limit(request, rig.broker, "orders")
    bus, unit = rig.bus(), rig.unit()
    heard, arrived = events_of(bus), orders_of(unit)
    await rig.up(unit, bus)
    iid = bus.log.open_incident("op1").incident
    sent = [bus.send_order(order(rig.clock, iid, center=rig.center), "op1").data["order"]
            for _ in range(10)]
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 10)
    assert count(heard.items, "order_delivered") >= 10  # each PUBACKed by the broker
    for oid in sent[:3]:
        unit.report(oid, "accepted")
        unit.report(oid, "en_route", eta_s=600)
    await heard.until(lambda evs: count(evs, "order_status", status="en_route") == 3)
    assert sorted(new_orders(arrived.items)) == sorted(sent)  # each shown once
    assert bus.log.pending_orders() == []
    assert [bus.log.outbox_entry(o).status for o in sent[:3]] == ["en_route"] * 3


async def test_calls_in_acknowledged_only_after_their_commit(
    rig: Rig, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(request, rig.broker, "redelivery")
    bus = rig.bus()
    await rig.up(bus)  # its persistent session exists from now on
    first = rig.call()

    def unwritable(*_a: object, **_k: object) -> None:
        raise LogUnwritable("disk full")

    monkeypatch.setattr(bus.log, "append", unwritable)
    async with rig.raw() as raw:
        await raw.publish(rig.topics.calls_in, canonical(first), qos=1)
        await asyncio.wait_for(_until(lambda: bus.intake.waiting), 10)
        assert bus.intake.acked == 0  # taken, not committed: not acknowledged
        await rig.close()  # the seat goes away holding it
        monkeypatch.undo()
        second = rig.call()
        await raw.publish(rig.topics.calls_in, canonical(second), qos=1)
    again = rig.bus()  # the same seat, back: the broker redelivers the first call
    heard = events_of(again)
    await rig.up(again)
    await heard.until(lambda evs: count(evs, "call_received") == 2, timeout=10)
    calls = [e.data["call"] for e in again.log.events(types=["call_received"])]
    # NATS redelivers after its ack_wait, so the first may come after the second.
    assert sorted(calls) == sorted([first["id"], second["id"]])
    assert again.intake.acked >= 2


async def _until(condition) -> None:  # type: ignore[no-untyped-def]
    # The intake's waiting list has no event to await: look each loop turn.
    while not condition():
        await asyncio.sleep(0.01)


async def test_garbage_rejected_and_logged_then_a_valid_call(
    rig: Rig, request: pytest.FixtureRequest
) -> None:
    limit(request, rig.broker, "garbage")
    bus = rig.bus()
    heard = events_of(bus)
    await rig.up(bus)
    junk = [b"", b"\x00\xff", b"{}", b"null", canonical(rig.call(center="x")), b"[" * 5000]
    topics = [rig.topics.calls_in, rig.topics.from_("120/xianning")]
    valid = rig.call()
    async with rig.raw() as raw:
        for topic in topics:
            for payload in junk:
                await raw.publish(topic, payload, qos=1)
        await raw.publish(rig.topics.calls_in, canonical(valid), qos=1)
    await heard.until(lambda evs: count(evs, "call_received") == 1)
    rejected = list(bus.log.events(types=["message_rejected"]))
    assert len(rejected) == len(topics) * len(junk)
    assert {e.data["topic"] for e in rejected} == set(topics)
    assert [e.data["call"] for e in bus.log.events(types=["call_received"])] == [valid["id"]]


async def test_drill_orders_stay_on_the_drill_root(
    rig: Rig, request: pytest.FixtureRequest
) -> None:
    limit(request, rig.broker, "drill")
    drill_bus = rig.bus("trainer", drill=True)
    live, drill = rig.unit(), rig.unit(drill=True)
    live_seen, drill_seen = orders_of(live), orders_of(drill)
    heard = events_of(drill_bus)
    await rig.up(live, drill, drill_bus)
    iid = drill_bus.log.open_incident("trainer").incident
    drill_order = order(rig.clock, iid, center=rig.center, drill=True)
    drill_bus.send_order(drill_order, "trainee")
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    marker = order(rig.clock, "20261122-0999", center=rig.center)
    async with rig.raw() as raw:  # a drill payload smuggled onto the live root
        await raw.publish(rig.topics.to("120/xianning"),
                          encode(order(rig.clock, iid, center=rig.center, drill=True)), qos=1)
        await raw.publish(rig.topics.to("120/xianning"), encode(marker), qos=1)
    await live_seen.until(lambda items: len(items) == 1)
    assert [h.id for h, _ in live_seen.items] == [marker.id]
    assert [h.id for h, _ in drill_seen.items] == [drill_order.id]
    # (amqtt may also hand the live unit other topics' retained messages: refused too.)
    assert "drill message on the live root" in [r[2] for r in live.store.rejected()]


async def test_retained_advisory_and_presence_reach_a_late_subscriber(
    rig: Rig, request: pytest.FixtureRequest
) -> None:
    limit(request, rig.broker, "retained")
    unit, bus = rig.unit(), rig.bus()
    await rig.up(unit, bus)
    advisory = AdvisoryMessage.model_validate({
        "schema": "dispatch.advisory/1", "id": new_id(), "at": rig.clock.now(),
        "center": rig.center, "drill": False, "identifier": f"{rig.center}.closure",
        "msg_type": "Alert", "cap": "<alert/>"})
    bus.publish_advisory(advisory)
    await asyncio.wait_for(_until(lambda: not bus._advisories), 10)  # PUBACKed
    # A console that starts later learns the unit is online from the retained presence.
    late = rig.bus("late")
    await rig.up(late)
    wanted = {rig.topics.advisories, rig.topics.presence_unit("120/xianning")}
    async with rig.raw() as raw:
        await raw.subscribe(rig.topics.advisories, qos=1)
        await raw.subscribe(rig.topics.presence_unit("120/xianning"), qos=1)
        got: dict[str, bytes] = {}
        async with asyncio.timeout(10):
            async for message in raw.messages:
                assert message.retain
                assert str(message.topic) in wanted, f"{message.topic} was never subscribed"
                got[str(message.topic)] = bytes(message.payload)  # type: ignore[arg-type]
                if len(got) == 2:
                    break
    assert AdvisoryMessage.model_validate_json(got[rig.topics.advisories]).id == advisory.id
    assert Presence.model_validate_json(got[rig.topics.presence_unit("120/xianning")]).online
    await asyncio.wait_for(_until(lambda: late.presence.get("120/xianning") is True), 10)


async def test_a_lost_unit_s_will_says_offline_retained(
    rig: Rig, request: pytest.FixtureRequest
) -> None:
    limit(request, rig.broker, "will")
    bus = rig.bus()
    await rig.up(bus)
    topic = rig.topics.presence_unit("120/lost")
    offline = Presence(online=False, at=rig.clock.now()).model_dump_json().encode()
    online = Presence(online=True, at=rig.clock.now()).model_dump_json().encode()
    crew = aiomqtt.Client("127.0.0.1", rig.broker.port, identifier=rig.name("crew"),
                          will=aiomqtt.Will(topic, offline, qos=1, retain=True),
                          socket_options=NODELAY, keepalive=5)
    await crew.__aenter__()
    await crew.publish(topic, online, qos=1, retain=True)
    await asyncio.wait_for(_until(lambda: bus.presence.get("120/lost") is True), 10)
    crew._client.socket().close()  # the cable pulled: no DISCONNECT, the broker sends the will
    await asyncio.wait_for(_until(lambda: bus.presence.get("120/lost") is False), 20)
    with contextlib.suppress(aiomqtt.MqttError):  # its socket is gone already
        await crew.__aexit__(None, None, None)
    late = rig.bus("late")  # the will was retained: a later console hears it too
    await rig.up(late)
    await asyncio.wait_for(_until(lambda: late.presence.get("120/lost") is False), 10)
