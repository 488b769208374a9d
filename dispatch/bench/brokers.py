"""The round trip on every broker the bench can start, each next to its own bare echo.

Mosquitto (the bench's own, already running), a NATS server's MQTT gateway
(JetStream on, if ``nats-server`` is installed) and the embedded amqtt.  The
measurement is :func:`dispatch.bench.roundtrip.round_trip`, unchanged: only the
port differs.  A broker that cannot be started is one figure saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from dispatch.bench.mosquitto import free_port
from dispatch.bench.report import Figure
from dispatch.bench.roundtrip import round_trip

NATS_CONF = """\
server_name: bench
listen: 127.0.0.1:{client}
jetstream {{ store_dir: "{folder}" }}
mqtt {{ listen: 127.0.0.1:{mqtt} }}
"""


class Skipped(Exception):
    """This broker cannot be started here (the message says why)."""


async def _listening(port: int, proc: subprocess.Popen[bytes], name: str,
                     timeout: float = 15) -> None:
    """Return once ``port`` accepts connections; fail if ``proc`` exits first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if proc.poll() is not None:
            raise Skipped(f"{name} exited with {proc.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise Skipped(f"{name} did not open its MQTT port") from None
            await asyncio.sleep(0.05)  # a process of ours coming up: nothing to await on
            continue
        writer.close()
        return


@contextlib.asynccontextmanager
async def _serving(argv: list[str], port: int, name: str) -> AsyncIterator[int]:
    """Run a broker process until the block ends; yields ``port`` once it listens."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await _listening(port, proc, name=name)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.asynccontextmanager
async def nats_mqtt(folder: Path) -> AsyncIterator[int]:
    """A NATS server with JetStream and its MQTT gateway; yields the MQTT port."""
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    if not Path(binary).is_file():
        raise Skipped("nats-server not installed (apt-get install nats-server)")
    store = folder / "nats"
    store.mkdir(exist_ok=True)
    mqtt = free_port()
    conf = folder / "nats.conf"
    conf.write_text(NATS_CONF.format(client=free_port(), mqtt=mqtt, folder=store))
    async with _serving([binary, "-c", str(conf)], mqtt, "nats-server") as port:
        yield port


@contextlib.asynccontextmanager
async def amqtt(folder: Path) -> AsyncIterator[int]:
    """The embedded amqtt broker (the console's ``url = "embedded"``), in a process of its
    own as ``dispatch broker`` runs it: in the bench's own event loop it would share one
    loop with the desk, the unit and both bare clients, and time their waits, not its own."""
    port = free_port()
    argv = [sys.executable, "-m", "dispatch", "broker", "--host", "127.0.0.1",
            "--port", str(port)]
    async with _serving(argv, port, "dispatch broker (amqtt)") as served:
        yield served


def _named(figures: list[Figure], broker: str) -> list[Figure]:
    return [dataclasses.replace(f, name=f"{f.name} ({broker})") for f in figures]


def skipped(broker: str, why: str) -> list[Figure]:
    """The two round-trip figures of a broker that could not be started."""
    return [Figure(f"dispatch round trip p{p} ({broker})", None, "ms", None, None, "—", None,
                   f"skipped: {why}") for p in (50, 99)]


async def other_brokers(folder: Path, samples: int,
                        say: Callable[[str], None] = lambda _name: None) -> list[Figure]:
    """Round-trip figures on NATS MQTT and the embedded amqtt (Mosquitto is the main run's).

    Args:
        folder: Scratch space (a folder per broker is made in it).
        samples: Round trips per broker (half before, half after the echo's second run).
        say: Told the name of each broker as it starts.
    """
    figures: list[Figure] = []
    for name, start in (("NATS MQTT", nats_mqtt), ("amqtt", amqtt)):
        say(f"round trip on {name}")
        here = folder / name.replace(" ", "-").lower()
        here.mkdir(exist_ok=True)
        try:
            async with start(here) as port:
                # Bounded: a broker that stops answering must not hang the whole bench.
                trips = await asyncio.wait_for(round_trip(port, here, samples),
                                               30 + samples * 0.2)
                figures += _named(trips, name)
        except TimeoutError:
            figures += skipped(name, "the round trip did not finish (timed out)")
        except Skipped as exc:
            figures += skipped(name, str(exc))
        except Exception as exc:  # a broker that fails mid-way: the rest still runs
            figures += skipped(name, f"{type(exc).__name__}: {exc}")
    return figures
