"""Intake burst: 2,000 calls published in ~2 s by a separate client → all in the log.

A bare aiomqtt client in a process of its own (a telephony gateway is another
system: it must not take the desk's loop) publishes ``dispatch.call/1``
messages to ``calls/in`` of a running desk (its
:class:`~dispatch.bus.console.ConsoleBus`), paced evenly over the burst, many
in flight.  Each call's latency runs from just before its publish to the
moment the console's listener hears its ``call_received`` event, which is
after the event's durable commit; both ends read the machine's monotonic
clock, which processes share.

The burst runs twice: with the console's intake (acknowledged after the
group commit) and, as the baseline, with the old intake that acknowledged on
receipt and committed each call alone.  Ratios are new over old.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from dispatch.bench.report import Figure, percentile
from dispatch.bench.setup import bench_desk
from dispatch.bus.codec import encode
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


#: The gateway process: reads the port, topic and pacing as JSON on its command line,
#: the calls (one JSON pair per line) on stdin until an empty line, says ``ready``,
#: waits for ``go``, publishes, and prints each call's send time (monotonic) as JSON.
GATEWAY = """
import asyncio, json, sys, time
import aiomqtt
from dispatch.bus.link import NODELAY

async def main():
    spec = json.loads(sys.argv[1])
    calls = []
    for line in sys.stdin:
        if not line.strip():
            break
        calls.append(json.loads(line))
    sent = {}
    async with aiomqtt.Client("127.0.0.1", spec["port"], identifier=spec["id"],
                              socket_options=NODELAY, max_queued_outgoing_messages=0) as gw:
        print("ready", flush=True)
        sys.stdin.readline()
        loop = asyncio.get_running_loop()
        start, step, pending = time.monotonic(), spec["over_s"] / len(calls), set()
        for n, (call_id, payload) in enumerate(calls):
            delay = start + n * step - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[call_id] = time.monotonic()
            # Many in flight, as a telephony gateway has: no waiting for each PUBACK.
            task = loop.create_task(gw.publish(spec["topic"], payload.encode(), qos=1))
            pending.add(task)
            task.add_done_callback(pending.discard)
        publish_s = time.monotonic() - start
        await asyncio.gather(*pending)
    print(json.dumps({"sent": sent, "publish_s": publish_s}), flush=True)

asyncio.run(main())
"""


async def _burst(port: int, db: Path, calls: int, over_s: float, settle_s: float, *,
                 ack_on_receipt: bool) -> tuple[int, float, float, str]:
    desk = bench_desk(db, port, ack_on_receipt=ack_on_receipt)
    heard_at: dict[str, float] = {}
    all_in = asyncio.Event()

    def heard(event: Event) -> None:
        call = event.data.get("call")
        if event.type == EventType.CALL_RECEIVED and call:
            heard_at.setdefault(call, time.monotonic())
            if len(heard_at) >= calls:
                all_in.set()

    desk.bus.listeners.append(heard)
    await desk.start()
    messages = [_call(desk.log.center, n) for n in range(calls)]
    spec = {"port": port, "topic": desk.bus.topics.calls_in, "over_s": over_s,
            "id": f"bench-gateway-{db.stem}"}
    gateway = await asyncio.create_subprocess_exec(
        sys.executable, "-c", GATEWAY, json.dumps(spec), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, limit=2**24)  # the send times: one long line
    assert gateway.stdin is not None and gateway.stdout is not None
    try:
        await asyncio.wait_for(desk.bus.link.wait_up(), 10)
        gateway.stdin.write("".join(json.dumps([c, p.decode()]) + "\n"
                                    for c, p in messages).encode() + b"\n")
        await gateway.stdin.drain()
        if (await asyncio.wait_for(gateway.stdout.readline(), 30)).strip() != b"ready":
            raise RuntimeError("the bench's gateway did not start")
        gateway.stdin.write(b"go\n")
        await gateway.stdin.drain()
        done = json.loads(await asyncio.wait_for(gateway.stdout.readline(), 60 + over_s))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), settle_s)
    finally:
        if gateway.returncode is None:
            gateway.kill()
        await gateway.wait()
        await desk.stop()
        logged = desk.log.conn.execute(
            "SELECT count(*) FROM events WHERE type = 'call_received'").fetchone()[0]
        desk.log.close()
    sent: dict[str, float] = done["sent"]
    samples = [(heard_at[c] - t) * 1000 for c, t in sent.items() if c in heard_at]
    lost = calls - min(logged, len(samples)) if samples else calls
    note = f"{calls} calls published in {done['publish_s']:.2f} s; {logged} logged"
    return lost, percentile(samples, 99), percentile(samples, 50), note
