"""Dispatch round trip: desk dispatch → order at a real unit client → ``received`` logged.

The baseline, on the same broker in the same run: a bare aiomqtt client
publishes (QoS 1) to an echo client that publishes it back, timed until the
echo arrives.  Both legs cross the broker twice, as the order and its
``received`` report do.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiomqtt

from dispatch.bench.report import Figure, percentile, ratio_figure
from dispatch.bench.setup import OPERATOR, bench_desk, bench_settings, worked_incident
from dispatch.bus.link import NODELAY
from dispatch.model import Address, Event, EventType
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

UNIT = "120/xianning"


def _client(port: int, name: str) -> aiomqtt.Client:
    return aiomqtt.Client("127.0.0.1", port, identifier=name, socket_options=NODELAY)


async def bare_echo(port: int, samples: int) -> list[float]:
    """Round trips in ms: publish → echo client → back, over bare aiomqtt (QoS 1)."""
    got: asyncio.Queue[bytes] = asyncio.Queue()

    async def echo(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            await client.publish("bench/pong", message.payload, qos=1)

    async def hear(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            got.put_nowait(bytes(message.payload))  # type: ignore[arg-type]

    async with _client(port, "bench-echo") as echoer, _client(port, "bench-ping") as pinger:
        await echoer.subscribe("bench/ping", qos=1)
        await pinger.subscribe("bench/pong", qos=1)
        async with _tasks(echo(echoer), hear(pinger)):
            times = []
            for i in range(samples + 5):
                start = time.perf_counter()
                await pinger.publish("bench/ping", str(i).encode(), qos=1)
                await asyncio.wait_for(got.get(), 10)
                if i >= 5:  # the first few warm the connections
                    times.append((time.perf_counter() - start) * 1000)
    return times


@contextlib.asynccontextmanager
async def _tasks(*coros) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    tasks = [asyncio.get_running_loop().create_task(c) for c in coros]
    try:
        yield
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def desk_round_trips(port: int, folder: Path, samples: int) -> list[float]:
    """Round trips in ms: ``Desk.dispatch`` → unit client → ``received`` recorded."""
    desk = bench_desk(folder / "roundtrip.db", port)
    unit = UnitClient(Address.parse(UNIT), UnitStore(":memory:"),
                      bench_settings(port, "bench-unit"), center=desk.log.center)
    waiting: dict[str, asyncio.Future[float]] = {}

    def heard(event: Event) -> None:
        if event.type == EventType.ORDER_STATUS and event.data.get("status") == "received":
            future = waiting.pop(event.data.get("order", ""), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

    desk.listeners.append(heard)
    await unit.start()
    await desk.start()
    try:
        await asyncio.wait_for(asyncio.gather(unit.link.wait_up(), desk.bus.link.wait_up()), 10)
        incident = worked_incident(desk)
        times = []
        loop = asyncio.get_running_loop()
        for i in range(samples + 5):
            start = time.perf_counter()
            future: asyncio.Future[float] = loop.create_future()
            # The listener fires after the commit, so set the future up before sending.
            (order,) = desk.dispatch(OPERATOR, incident, ["120"])
            waiting[order] = future
            done = await asyncio.wait_for(future, 10)
            if i >= 5:
                times.append((done - start) * 1000)
        return times
    finally:
        await desk.stop()
        await unit.stop()
        desk.log.close()


async def round_trip(port: int, folder: Path, samples: int = 300) -> list[Figure]:
    """Round-trip p50 and p99, the desk's next to the bare echo's (target p99 ≤ 3 ×)."""
    bare_a = await bare_echo(port, samples // 2)
    real_a = await desk_round_trips(port, folder, samples // 2)
    bare_b = await bare_echo(port, samples - samples // 2)
    (folder / "roundtrip.db").unlink(missing_ok=True)
    real_b = await desk_round_trips(port, folder, samples - samples // 2)
    bare, real = bare_a + bare_b, real_a + real_b
    return [
        ratio_figure("dispatch round trip p50", percentile(real, 50), percentile(bare, 50), "ms"),
        ratio_figure("dispatch round trip p99", percentile(real, 99), percentile(bare, 99), "ms",
                     at_most=3),
    ]
