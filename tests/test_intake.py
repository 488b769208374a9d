"""Intake is durable before it is acknowledged (DESIGN, *The floor*).

A console core is SIGKILLed in the middle of a burst of calls that one paho
client publishes as fast as it can; the broker keeps what was not yet
acknowledged for the seat's persistent session, and the restarted core logs
every call the broker acknowledged to the gateway, exactly once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from dispatch.bus.console import ConsoleBus
from dispatch.clock import ManualClock
from dispatch.model import new_id
from dispatch.timeline import Timeline

from .brokers import Mosquitto
from .buslib import events_of, settings
from .intakelib import Core, Gateway, logged_calls, until_logged


def _exactly_once(db: Path, ids: set[str]) -> None:
    seen = Counter(logged_calls(db))
    missing = ids - set(seen)
    doubled = [c for c, n in seen.items() if n > 1]
    assert not missing, f"{len(missing)} acknowledged calls never reached the log"
    assert not doubled, f"{len(doubled)} calls logged twice"
    assert set(seen) == ids


async def _restart_logs_each_once(core: Core, db: Path, ids: list[str]) -> None:
    """Start the core again and check it logs every call once."""
    core.start()
    await until_logged(db, len(ids))
    _exactly_once(db, set(ids))


async def test_core_killed_mid_burst_loses_no_acknowledged_call(
    tmp_path: Path, own_mosquitto: Mosquitto
) -> None:
    db = tmp_path / "live.db"
    core = Core(db, own_mosquitto.port)
    core.start()
    gateway = Gateway(own_mosquitto.port, inflight=200)
    ids = [new_id() for _ in range(800)]
    try:
        burst = asyncio.create_task(asyncio.to_thread(gateway.publish, ids[:400]))
        # Mid-burst: some calls committed, some read and waiting for their commit,
        # some in flight; the rest keep coming while no seat runs (published after the
        # kill, so the kill lands mid-stream however fast this machine commits).
        await until_logged(db, 100)
        core.kill()
        await burst
        await asyncio.to_thread(gateway.publish, ids[400:], 400)
        await asyncio.to_thread(gateway.wait_acked)
        assert gateway.acked == set(ids)  # the broker took every call from the gateway
        partial = len(logged_calls(db))
        assert partial < len(ids)  # the kill did land mid-stream
        await _restart_logs_each_once(core, db, ids)
    finally:
        gateway.close()
        core.kill()


async def test_calls_that_arrive_while_no_seat_runs_wait_in_the_broker(
    tmp_path: Path, own_mosquitto: Mosquitto
) -> None:
    db = tmp_path / "live.db"
    core = Core(db, own_mosquitto.port)
    core.start()  # the seat's session exists on the broker from now on
    core.kill()
    gateway = Gateway(own_mosquitto.port)
    ids = [new_id() for _ in range(300)]
    try:
        gateway.publish(ids)
        await asyncio.to_thread(gateway.wait_acked)
        assert logged_calls(db) == []
        await _restart_logs_each_once(core, db, ids)
    finally:
        gateway.close()
        core.kill()


async def test_a_redelivered_call_leaves_one_row_and_is_acknowledged(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    bus = ConsoleBus(log, settings(mosquitto.port, "console-hubei-redeliver"), clock=clock,
                     tick_s=None)
    heard = events_of(bus)
    await bus.start()
    await bus.link.wait_up()
    gateway = Gateway(mosquitto.port)
    call_id, after = new_id(), new_id()
    try:
        # A gateway retrying the same call, then another call: messages are taken
        # in order, so once the other is heard the retries were handled.
        gateway.publish([call_id, call_id, call_id, after])
        await asyncio.to_thread(gateway.wait_acked)
        await heard.until(lambda evs: any(e.data.get("call") == after for e in evs))
        assert bus.intake.acked == 4  # every copy acknowledged, after its commit
    finally:
        gateway.close()
        await bus.stop()
    assert [e.data["call"] for e in log.events(types=["call_received"])] == [call_id, after]
    # Listeners (the desk, the screen) heard the call once, too.
    assert [e.type for e in heard.items].count("call_received") == 2


async def test_calls_over_the_embedded_broker_are_acknowledged_after_commit(
    log: Timeline, clock: ManualClock
) -> None:
    from dispatch.bus.broker import EmbeddedBroker

    from .brokers import free_port

    async with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        bus = ConsoleBus(log, settings(broker.port, "console-hubei-embedded"), clock=clock,
                         tick_s=None)
        heard = events_of(bus)
        await bus.start()
        await bus.link.wait_up()
        gateway = Gateway(broker.port, inflight=50)
        ids = [new_id() for _ in range(100)]
        try:
            gateway.publish(ids)
            await asyncio.to_thread(gateway.wait_acked)
            await heard.until(lambda evs: sum(e.type == "call_received" for e in evs) == 100)
            assert bus.intake.acked >= 100  # each one PUBACKed, after its commit
        finally:
            gateway.close()
            await bus.stop()
    assert [e.data["call"] for e in log.events(types=["call_received"])] == ids
