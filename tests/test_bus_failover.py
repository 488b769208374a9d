"""``[mqtt] urls``: the link fails over to the next broker and redoes what makes the bus safe."""

from __future__ import annotations

from pathlib import Path

import aiomqtt

from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import NODELAY
from dispatch.bus.payloads import Presence
from dispatch.clock import ManualClock
from dispatch.timeline import Timeline

from .brokers import Mosquitto
from .buslib import count, events_of, order, settings


async def _retained(port: int, topic: str) -> bytes:
    async with aiomqtt.Client("127.0.0.1", port, socket_options=NODELAY) as raw:
        await raw.subscribe(topic, qos=1)
        async for message in raw.messages:
            return bytes(message.payload)  # type: ignore[arg-type]
    raise AssertionError("no retained message")


async def test_lost_broker_fails_over_to_the_next_with_presence_and_outbox(
    log: Timeline, clock: ManualClock, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = Mosquitto(tmp_path / "a"), Mosquitto(tmp_path / "b")
    first.start()
    second.start()
    try:
        brokers = (("127.0.0.1", first.port), ("127.0.0.1", second.port))
        bus = ConsoleBus(log, settings(first.port, "console-f", endpoints=brokers),
                         clock=clock, tick_s=None)
        heard = events_of(bus)
        await bus.start()
        await bus.link.wait_up()
        assert bus.link.port == first.port
        first.kill()
        await heard.until(lambda evs: count(evs, "link_down") == 1)
        iid = log.open_incident("op1").incident
        oid = bus.send_order(order(clock, iid), "op1").data["order"]  # while it switches
        await heard.until(lambda evs: count(evs, "order_delivered") == 1)
        assert bus.link.port == second.port and bus.link.connects == 2
        # Presence was announced again on the new broker (retained, with its will).
        topic = bus.topics.presence_console("console")
        assert Presence.model_validate_json(await _retained(second.port, topic)).online
        await bus.stop()
        assert log.outbox_entry(oid).attempts == 1
        ups = [e.data for e in log.events(types=["link_up"])]
        assert [u["port"] for u in ups] == [first.port, second.port]
    finally:
        first.kill()
        second.kill()
