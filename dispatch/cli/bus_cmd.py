"""``dispatch broker`` and ``dispatch simulate``: a small site's broker, simulated recipients."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from dispatch.bus.broker import EmbeddedBroker
from dispatch.bus.codec import load_key
from dispatch.bus.link import LinkSettings
from dispatch.cli.common import config_of
from dispatch.errors import DispatchError
from dispatch.model import Address
from dispatch.unit.simulate import STEPS, Behaviour, Simulator, parse_delays


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``broker`` and ``simulate`` commands."""
    broker = sub.add_parser("broker", help="run the embedded MQTT broker standalone")
    broker.add_argument("--host", help="address to bind (default: [mqtt] embedded_host)")
    broker.add_argument("--port", type=int, help="port (default: [mqtt] embedded_port)")
    broker.set_defaults(func=run_broker)

    sim = sub.add_parser("simulate", help="simulated recipients that answer orders")
    sim.add_argument("--only", nargs="+", metavar="ADDR", default=None,
                     help="simulate only these recipients (default: every station of the map)")
    sim.add_argument("--silent", nargs="+", metavar="ADDR", default=[],
                     help="recipients that never answer (to exercise escalation)")
    sim.add_argument("--speed", type=float, default=1.0,
                     help="divide every delay by this (60: a minute per second)")
    sim.add_argument("--delay", nargs="+", metavar="STEP=S", default=[],
                     help=f"override a step's delay for all ({', '.join(STEPS)})")
    sim.add_argument("--drill", action="store_true", help="answer drill orders instead of live")
    sim.set_defaults(func=run_simulate)


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_broker(args: argparse.Namespace) -> int:
    """Serve MQTT until interrupted."""
    mqtt = config_of(args).mqtt
    host, port = args.host or mqtt.embedded_host, args.port or mqtt.embedded_port

    async def main() -> None:
        async with EmbeddedBroker(host, port):
            print(f"broker listening on {host}:{port} (Ctrl-C stops it)", flush=True)
            await _until_signal()

    asyncio.run(main())
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    """Answer orders as every (or the named) recipient would, until interrupted."""
    from dispatch.geo import load_map

    config = config_of(args)
    try:
        named = [Address.parse(a) for a in (args.only or [])]
        silent = {str(Address.parse(a)) for a in args.silent}
    except ValueError as exc:
        raise DispatchError(str(exc)) from None
    if not named:
        named = [s.address for s in load_map(config.data.maps).stations]
    delays = parse_delays(args.delay)
    sim = Simulator(
        named,
        lambda a: LinkSettings.from_config(config, f"sim-{a.service.value}-{a.unit}"),
        center=config.center.id, drill=args.drill, speed=args.speed,
        key=load_key(config.security.key_file),
    )
    for address in sim.units:
        behaviour = sim.behaviour(address)
        fields = {step: delays[step] for step in delays}
        sim.behaviours[address] = Behaviour(**{**behaviour.__dict__, **fields,
                                               "silent": address in silent})

    async def main() -> None:
        await sim.start()
        await sim.wait_up()
        print(f"simulating {len(sim.units)} recipients at speed {args.speed} "
              f"({'drill' if args.drill else 'live'} root); Ctrl-C stops", flush=True)
        try:
            await _until_signal()
        finally:
            await sim.stop()

    asyncio.run(main())
    print("stopped", file=sys.stderr)
    return 0
