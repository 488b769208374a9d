"""Simulated recipients: every desk and crew of the map, answering like people do.

Each simulated recipient is a real :class:`~dispatch.unit.client.UnitClient`
with an in-memory store, so it takes orders over the real broker exactly as
a field unit would, then reports ``received``, ``accepted``, ``en_route``,
``on_scene`` and ``cleared`` after its delays (divided by ``speed``), or
stays silent when told to.  Drills, demos and benchmarks use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from dispatch.bus.link import LinkSettings
from dispatch.clock import Clock, SystemClock
from dispatch.errors import BusError
from dispatch.model import Address, Service
from dispatch.tasks import stop_task
from dispatch.unit.client import UnitClient
from dispatch.unit.store import HeldOrder, UnitStore

log = logging.getLogger(__name__)

STEPS = ("received", "accepted", "en_route", "on_scene", "cleared")


@dataclass(frozen=True)
class Behaviour:
    """When a simulated recipient reports each step, in seconds after the order arrives.

    ``None`` skips a step; ``silent`` never answers at all (tests escalation).
    """

    received: float | None = 2
    accepted: float | None = 10
    en_route: float | None = 30
    on_scene: float | None = 900
    cleared: float | None = 2400
    silent: bool = False

    def steps(self) -> list[tuple[float, str]]:
        """The reports to make, in order, with their delays."""
        timed = [(getattr(self, step), step) for step in STEPS]
        return [(delay, step) for delay, step in timed if delay is not None]


#: Typical delays per service: an ambulance is quicker on scene than a tow truck.
TYPICAL: dict[Service, Behaviour] = {
    Service.POLICE: Behaviour(2, 10, 30, 900, 2400),
    Service.FIRE: Behaviour(2, 8, 20, 780, 3000),
    Service.AMBULANCE: Behaviour(2, 8, 20, 720, 1800),
    Service.SECTION: Behaviour(3, 15, 60, 1200, 3600),
    Service.OPS: Behaviour(5, 30, None, None, 600),
}


def parse_delays(items: Iterable[str]) -> dict[str, float]:
    """``["received=1", "on_scene=300"]`` → ``{"received": 1.0, "on_scene": 300.0}``.

    Raises:
        BusError: An unknown step or a value that is not a non-negative number.
    """
    delays: dict[str, float] = {}
    for item in items:
        step, _, value = item.partition("=")
        if step not in STEPS:
            raise BusError(f"--delay {item}: the step must be one of {', '.join(STEPS)}")
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1
        if seconds < 0:
            raise BusError(f"--delay {item}: expected seconds >= 0, got {value!r}")
        delays[step] = seconds
    return delays


class Simulator:
    """A crowd of simulated recipients on one broker.

    Args:
        addresses: Who to simulate.
        settings_for: Link settings for one recipient (its own client id).
        center: The centre whose orders they take.
        drill: Whether they listen on the drill root.
        speed: Delays are divided by this (60: a minute passes in a second).
        behaviours: Per-address behaviour; others get their service's typical one.
        clock: Time source for report timestamps.
        key: Shared HMAC key, if configured.
    """

    def __init__(
        self,
        addresses: Iterable[Address],
        settings_for: Callable[[Address], LinkSettings],
        *,
        center: str,
        drill: bool = False,
        speed: float = 1.0,
        behaviours: dict[str, Behaviour] | None = None,
        clock: Clock | None = None,
        key: bytes | None = None,
    ) -> None:
        if speed <= 0:
            raise BusError("speed must be positive")
        self.speed = speed
        self.behaviours = dict(behaviours or {})
        self.clock = clock or SystemClock()
        self.units: dict[str, UnitClient] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        for address in addresses:
            client = UnitClient(address, UnitStore(":memory:"), settings_for(address),
                                center=center, drill=drill, clock=self.clock, key=key,
                                auto_receive=False)
            client.listeners.append(self._arrived(client))
            self.units[str(address)] = client

    def behaviour(self, address: str) -> Behaviour:
        """How ``address`` behaves."""
        if address in self.behaviours:
            return self.behaviours[address]
        return TYPICAL[Address.parse(address).service]

    def set_silent(self, address: str, silent: bool) -> None:
        """Make a recipient stop (or resume) answering new orders."""
        self.behaviours[address] = replace(self.behaviour(address), silent=silent)

    async def start(self) -> None:
        """Connect every recipient."""
        for client in self.units.values():
            await client.start()

    async def wait_up(self) -> None:
        """Return once every recipient is connected."""
        for client in self.units.values():
            await client.link.wait_up()

    async def stop(self) -> None:
        """Stop answering and disconnect."""
        for task in list(self._tasks):
            await stop_task(task)
        for client in self.units.values():
            await client.stop()

    def _arrived(self, client: UnitClient) -> Callable[[HeldOrder, bool], None]:
        def on_order(held: HeldOrder, new: bool) -> None:
            behaviour = self.behaviour(str(client.address))
            if not new or behaviour.silent:
                return
            task = asyncio.get_running_loop().create_task(self._answer(client, held, behaviour))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return on_order

    async def _answer(self, client: UnitClient, held: HeldOrder, behaviour: Behaviour) -> None:
        waited = 0.0
        for delay, step in behaviour.steps():
            await asyncio.sleep(max(0.0, delay - waited) / self.speed)
            waited = max(waited, delay)
            if self.behaviour(str(client.address)).silent:
                return  # went offline meanwhile
            try:
                client.report(held.id, step,
                              eta_s=int(behaviour.on_scene or 0) if step == "accepted" else None)
            except BusError as exc:
                log.warning("simulated %s could not report %s: %s", client.address, step, exc)
                return
