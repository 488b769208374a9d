"""Calls handled per second by a floor of autopilot seats, against one seat.

N seat processes (``dispatch.drill.seat``, each a full desk with the
autopilot, as ``dispatch drill --seats N`` runs them) share one log and the
bench's broker; a gateway publishes a burst of calls at once; the figure is
calls answered and dispatched per second, from the first publish until every
call's incident has its orders.  On a machine with fewer cores than seats the
seats share the cores, and the ratio says how much of that the floor still
turns into throughput.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiomqtt

from dispatch.bench.intake import _call
from dispatch.bench.report import Figure, ratio_figure
from dispatch.bus.link import NODELAY
from dispatch.bus.topics import Topics
from dispatch.clock import ScaledClock
from dispatch.config.schema import Config
from dispatch.drill.seat import spec

#: No peak mode: a burst about one crash would otherwise be merged, not worked.
_CONFIG = {"center": {"id": "bench"}, "modes": {"peak_calls": 1_000_000}}


async def _floor(db: Path, port: int, seats: int, calls: int, timeout_s: float) -> float:
    config = Config.model_validate(_CONFIG)
    procs = [subprocess.Popen(
        [sys.executable, "-m", "dispatch.drill.seat",
         spec(config, db, port, f"b{seats}-{n}", ScaledClock(1.0), 0.5, drill=False)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for n in range(seats)]
    try:
        for proc in procs:
            assert proc.stdout is not None
            if (await asyncio.to_thread(proc.stdout.readline)).strip() != "ready":
                raise RuntimeError("a bench seat did not start")
        topic = Topics("bench", False).calls_in
        messages = [_call("bench", n)[1] for n in range(calls)]
        async with aiomqtt.Client("127.0.0.1", port, identifier=f"bench-floor-gw-{seats}",
                                  socket_options=NODELAY, max_queued_outgoing_messages=0) as gw:
            start = time.perf_counter()
            await asyncio.gather(*(gw.publish(topic, m, qos=1) for m in messages))
        reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            while time.perf_counter() - start < timeout_s:
                done = reader.execute(
                    "SELECT count(DISTINCT incident) FROM events WHERE type = 'order_sent'"
                ).fetchone()[0]
                if done >= calls:
                    return calls / (time.perf_counter() - start)
                await asyncio.sleep(0.05)
        finally:
            reader.close()
        raise TimeoutError(f"{seats} seats did not work {calls} calls in {timeout_s:.0f} s")
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


async def seats(folder: Path, port: int, calls: int, floor_seats: int = 4) -> list[Figure]:
    """Calls/s worked by ``floor_seats`` seats next to one seat on the same burst."""
    try:
        one = await _floor(folder / "seats-1.db", port, 1, calls, 300)
        many = await _floor(folder / f"seats-{floor_seats}.db", port, floor_seats, calls, 300)
    except (RuntimeError, TimeoutError) as exc:
        return [Figure(f"calls/s, {floor_seats} autopilot seats", None, "/s", note=str(exc))]
    return [ratio_figure(f"calls/s, {floor_seats} autopilot seats", many, one, "/s",
                         at_least=2.5,
                         note=f"baseline: 1 seat on the same burst of {calls} calls; "
                              f"seats are processes sharing this machine's cores")]
