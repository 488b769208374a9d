"""``dispatch broker`` and ``dispatch simulate`` as a user runs them."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from dispatch.bus.console import ConsoleBus
from dispatch.clock import ManualClock
from dispatch.timeline import Timeline

from .brokers import Mosquitto, free_port
from .buslib import count, events_of, order, settings


async def _start(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dispatch", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    first = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    return proc, first


async def test_standalone_broker_serves_and_stops(log: Timeline, clock: ManualClock) -> None:
    port = free_port()
    proc, first = await _start("broker", "--port", str(port))
    assert first.strip() == f"broker listening on 127.0.0.1:{port} (Ctrl-C stops it)"
    bus = ConsoleBus(log, settings(port, "console-b"), clock=clock, tick_s=None)
    await bus.start()
    await bus.link.wait_up()
    await bus.stop()
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0


async def test_broker_on_a_taken_port_says_what_to_do(mosquitto: Mosquitto) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dispatch", "broker", "--port", str(mosquitto.port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1 and out == b""
    lines = err.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"dispatch: port {mosquitto.port} on 127.0.0.1 is taken")
    assert "Set [mqtt] embedded_port" in lines[0]


async def test_simulate_command_answers_orders(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[mqtt]\nurl = "mqtt://127.0.0.1:{mosquitto.port}"\n')
    proc, first = await _start("--config", str(config), "simulate", "--only", "120/xianning",
                               "--speed", "1000")
    assert first.startswith("simulating 1 recipients at speed 1000.0 (live root)")
    bus = ConsoleBus(log, settings(mosquitto.port, "console-s"), clock=clock, tick_s=None)
    heard = events_of(bus)
    await bus.start()
    iid = log.open_incident("op1").incident
    bus.send_order(order(clock, iid), "op1")
    await heard.until(lambda evs: count(evs, "order_status", status="cleared") == 1, 60)
    await bus.stop()
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0
