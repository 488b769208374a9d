"""Intake burst: 2,000 calls published in ~2 s by a separate client → all in the log.

A bare aiomqtt client publishes ``dispatch.call/1`` messages to ``calls/in``
of a running desk (its :class:`~dispatch.bus.console.ConsoleBus`), paced
evenly over the burst.  Each call's latency runs from just before its publish
to the moment the console's listener hears its ``call_received`` event, which
is after the event's durable commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path

import aiomqtt

from dispatch.bench.report import Figure, percentile
from dispatch.bench.setup import bench_desk
from dispatch.bus.codec import encode
from dispatch.bus.link import NODELAY
from dispatch.model import Event, EventType, new_id


def _call(center: str, n: int) -> tuple[str, bytes]:
    call_id = new_id()
    return call_id, encode({
        "schema": "dispatch.call/1", "id": call_id, "at": datetime.now(UTC).isoformat(),
        "center": center, "drill": False,
        "caller": {"name": "Li", "phone": f"1380000{n % 10000:04d}"},
        "says": "三辆车追尾，有人受伤", "location": "G4 K1024+300", "answers": {"injured": 1}})


async def intake(port: int, folder: Path, calls: int = 2000, over_s: float = 2.0,
                 settle_s: float = 15.0) -> list[Figure]:
    """Publish ``calls`` calls over ``over_s`` seconds; count losses and time each to the log.

    Returns:
        Three figures: calls lost (target 0), p99 and p50 call → log latency
        (target p99 ≤ 50 ms).
    """
    desk = bench_desk(folder / "intake.db", port)
    sent: dict[str, float] = {}
    latency: dict[str, float] = {}
    all_in = asyncio.Event()

    def heard(event: Event) -> None:
        if event.type == EventType.CALL_RECEIVED and event.id in sent:
            latency.setdefault(event.id, (time.perf_counter() - sent[event.id]) * 1000)
            if len(latency) >= calls:
                all_in.set()

    desk.bus.listeners.append(heard)
    await desk.start()
    messages = [_call(desk.log.center, n) for n in range(calls)]
    topic = desk.bus.topics.calls_in
    try:
        await asyncio.wait_for(desk.bus.link.wait_up(), 10)
        async with aiomqtt.Client("127.0.0.1", port, identifier="bench-gateway",
                                  socket_options=NODELAY, max_queued_outgoing_messages=0) \
                as gateway:
            start = time.perf_counter()
            step = over_s / calls
            pending = set()
            for n, (call_id, payload) in enumerate(messages):
                delay = start + n * step - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent[call_id] = time.perf_counter()
                # Up to many in flight, as a telephony gateway would: do not await each PUBACK.
                task = asyncio.get_running_loop().create_task(
                    gateway.publish(topic, payload, qos=1))
                pending.add(task)
                task.add_done_callback(pending.discard)
            publish_s = time.perf_counter() - start
            await asyncio.gather(*pending)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_in.wait(), settle_s)
    finally:
        await desk.stop()
        logged = desk.log.conn.execute(
            "SELECT count(*) FROM events WHERE type = 'call_received'").fetchone()[0]
        desk.log.close()
    lost = calls - min(logged, len(latency)) if latency else calls
    samples = list(latency.values())
    p99 = percentile(samples, 99)
    note = f"{calls} calls published in {publish_s:.2f} s; {logged} logged"
    return [
        Figure("intake burst: calls lost", float(lost), "calls", None, None, "0", lost == 0,
               note),
        Figure("intake burst: call → log p99", p99, "ms", None, None, "≤ 50 ms",
               bool(p99 <= 50)),
        Figure("intake burst: call → log p50", percentile(samples, 50), "ms"),
    ]
