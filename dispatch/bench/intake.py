"""Intake burst: 2,000 calls published in ~2 s by a separate client → all in the log.

A bare aiomqtt client publishes ``dispatch.call/1`` messages to ``calls/in``
of a running desk (its :class:`~dispatch.bus.console.ConsoleBus`), paced
evenly over the burst.  Each call's latency runs from just before its publish
to the moment the console's listener hears its ``call_received`` event, which
is after the event's durable commit.

The burst runs twice: with the console's intake (acknowledged after the
group commit) and, as the baseline, with the old intake that acknowledged on
receipt and committed each call alone.  Ratios are new over old.
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
    """The burst with acknowledgement after commit, next to the old acknowledge-on-receipt.

    Returns:
        Three figures: calls lost (target 0), p99 and p50 call → log latency
        (target p99 ≤ 50 ms), each with the old intake's figure as baseline.
    """
    old = await _burst(port, folder / "intake-old.db", calls, over_s, settle_s,
                       ack_on_receipt=True)
    new = await _burst(port, folder / "intake.db", calls, over_s, settle_s,
                       ack_on_receipt=False)
    (lost, p99, p50, note), (old_lost, old_p99, old_p50, _) = new, old

    def ratio(value: float, base: float) -> float | None:
        return value / base if base > 0 else None

    return [
        Figure("intake burst: calls lost (ack after commit)", float(lost), "calls", None, None,
               "0", lost == 0, f"{note}; baseline is the old intake (ack on receipt, one commit "
               f"per call), which lost {old_lost} here and loses what is in memory on a crash"),
        Figure("intake burst: call → log p99 (ack after commit)", p99, "ms", old_p99,
               ratio(p99, old_p99), "≤ 50 ms", bool(p99 <= 50)),
        Figure("intake burst: call → log p50 (ack after commit)", p50, "ms", old_p50,
               ratio(p50, old_p50)),
    ]


async def _burst(port: int, db: Path, calls: int, over_s: float, settle_s: float, *,
                 ack_on_receipt: bool) -> tuple[int, float, float, str]:
    desk = bench_desk(db, port, ack_on_receipt=ack_on_receipt)
    sent: dict[str, float] = {}
    latency: dict[str, float] = {}
    all_in = asyncio.Event()

    def heard(event: Event) -> None:
        call = event.data.get("call")
        if event.type == EventType.CALL_RECEIVED and call in sent:
            latency.setdefault(call, (time.perf_counter() - sent[call]) * 1000)
            if len(latency) >= calls:
                all_in.set()

    desk.bus.listeners.append(heard)
    await desk.start()
    messages = [_call(desk.log.center, n) for n in range(calls)]
    topic = desk.bus.topics.calls_in
    try:
        await asyncio.wait_for(desk.bus.link.wait_up(), 10)
        async with aiomqtt.Client("127.0.0.1", port, identifier=f"bench-gateway-{db.stem}",
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
    note = f"{calls} calls published in {publish_s:.2f} s; {logged} logged"
    return lost, percentile(samples, 99), percentile(samples, 50), note
