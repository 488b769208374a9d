"""Calls handled per second by a floor of autopilot seats, against one seat.

N seat processes (``dispatch.drill.seat``, each a full desk with the
autopilot, as ``dispatch drill --seats N`` runs them) share one log and the
bench's broker; a gateway publishes a burst of calls at once; the figure is
calls answered and dispatched per second, from the first publish until every
call's incident has its orders.

Two figures.  The targeted one gives each seat a handling time per call (the
autopilot's wrap-up, :data:`HANDLING_S`): what a floor of seats exists to
share, as operators' talk time is; it shows whether seats work in parallel
(claims, following and the shared log must not serialise them).  The second
has no handling time at all: every seat only writes, so it measures the
shared log's write rate (one SQLite file takes one commit at a time, each
with its fsync), which more seats cannot raise; it is reported without a
target, as the floor's ceiling.
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

#: Real seconds each seat spends on a call it worked (its wrap-up) for the targeted figure.
HANDLING_S = 0.2
#: No peak mode: a burst about one crash would otherwise be merged, not worked.
_CONFIG = {"center": {"id": "bench"}, "modes": {"peak_calls": 1_000_000}}


async def _floor(db: Path, port: int, seats: int, calls: int, timeout_s: float,
                 handling_s: float = 0.0) -> float:
    config = Config.model_validate(_CONFIG)
    procs = [subprocess.Popen(
        [sys.executable, "-m", "dispatch.drill.seat",
         spec(config, db, port, f"b{seats}-{n}-{handling_s}", ScaledClock(1.0), 0.5,
              drill=False, wrap_up_s=handling_s)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for n in range(seats)]
    try:
        for proc in procs:
            assert proc.stdout is not None
            if (await asyncio.to_thread(proc.stdout.readline)).strip() != "ready":
                raise RuntimeError("a bench seat did not start")
        topic = Topics("bench", False).calls_in
        messages = [_call("bench", n)[1] for n in range(calls)]
        async with aiomqtt.Client("127.0.0.1", port,
                                  identifier=f"bench-floor-gw-{seats}-{handling_s}",
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


async def seats(folder: Path, port: int, calls: int, floor_seats: int = 4,
                handled: int | None = None) -> list[Figure]:
    """Calls/s worked by ``floor_seats`` seats next to one seat on the same burst: with a
    handling time per call (``handled`` calls, default ``calls // 3``), then without."""
    handled = handled or max(4, calls // 3)
    name = f"calls/s, {floor_seats} autopilot seats"
    figures: list[Figure] = []
    try:
        one = await _floor(folder / "paced-1.db", port, 1, handled, 300, HANDLING_S)
        many = await _floor(folder / f"paced-{floor_seats}.db", port, floor_seats, handled,
                            300, HANDLING_S)
        figures.append(ratio_figure(
            f"{name}, {HANDLING_S:g} s handling each", many, one, "/s", at_least=2.5,
            note=f"baseline: 1 seat on the same burst of {handled} calls; each seat spends "
                 f"{HANDLING_S:g} s on a call it worked (its wrap-up), as operators do"))
        one = await _floor(folder / "seats-1.db", port, 1, calls, 300)
        many = await _floor(folder / f"seats-{floor_seats}.db", port, floor_seats, calls, 300)
    except (RuntimeError, TimeoutError) as exc:
        return [*figures, Figure(name, None, "/s", note=str(exc))]
    figures.append(ratio_figure(
        f"{name}, no handling time (the log's ceiling)", many, one, "/s",
        note=f"baseline: 1 seat on the same burst of {calls} calls; seats only write, so "
             f"this is the shared log's commit rate (one SQLite writer at a time, an fsync "
             f"each), which more seats cannot raise"))
    return figures
