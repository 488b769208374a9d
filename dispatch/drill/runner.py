"""Running a drill: its own broker, log, simulated recipients, calls and faults.

The runner owns everything it starts, so it can stop and restart the broker
for a ``broker_down`` fault.  Calls go out on the drill root at their times
on a scaled clock; the desk is a real desk over a drill log; the operator
is the autopilot (``--autopilot``) or a trainee at the console.  At the end
the log is scored and the score recorded as a ``drill_scored`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatch.bus.broker import BrokerProcess
from dispatch.bus.codec import encode
from dispatch.bus.link import Link, LinkDown, LinkSettings
from dispatch.bus.payloads import CallMessage
from dispatch.bus.topics import Topics
from dispatch.clock import ScaledClock
from dispatch.config import Config
from dispatch.desk import Desk, Operator
from dispatch.desk.autopilot import Autopilot
from dispatch.desk.factory import build_desk
from dispatch.drill.scenario import Scenario
from dispatch.drill.score import score_drill
from dispatch.drill.seat import spec
from dispatch.errors import DispatchError
from dispatch.geo import load_map
from dispatch.model import Address, EventType, new_id
from dispatch.playbook import load_playbooks, load_service_language
from dispatch.tasks import quiet_library_noise, stop_task
from dispatch.timeline import Timeline
from dispatch.unit.simulate import Behaviour, Simulator

log = logging.getLogger(__name__)


class SeatProcess:
    """One autopilot seat in a process of its own (see :mod:`dispatch.drill.seat`)."""

    def __init__(self, spec_json: str) -> None:
        self.spec = spec_json
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start it and return once its desk is up."""
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dispatch.drill.seat", self.spec,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if line.strip() != b"ready":
            self.kill()
            raise DispatchError(f"a drill seat did not start: {line!r}")

    async def stop(self) -> list[str]:
        """Let it finish what it is doing; return its autopilot's errors."""
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        self.proc.stdin.close()
        out = await asyncio.wait_for(self.proc.stdout.read(), 60)
        await self.proc.wait()
        try:
            return list(json.loads(out.decode().strip().splitlines()[-1]))
        except (ValueError, IndexError):
            return [f"seat ended without a report (exit {self.proc.returncode})"]

    def kill(self) -> None:
        """SIGKILL (the run failed)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

#: Who types a call in while the broker is down (the phone line, not the gateway).
PHONE = Operator("phone")

#: Recipients a drill file does not describe answer briskly, so drills end soon.
DRILL_DEFAULT = Behaviour(received=2, accepted=5, en_route=15, on_scene=240, cleared=420)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class DrillRun:
    """What a drill run produced."""

    report: dict[str, Any]
    db: Path
    call_ids: list[str] = field(default_factory=list)


class DrillRunner:
    """Plays one scenario against a real console core.

    Args:
        scenario: The drill.
        config: The effective configuration (centre, SLA, modes, data folders).
        db: The drill's own log file (must not exist yet, or be a drill log).
        speed: Drill seconds per real second.
        autopilot: Let the autopilot operate (unless ``pilot`` is given).
        pilot: Makes the operator for the desk (tests' deliberately wrong operators).
        grace_s: Drill seconds allowed after the script for recipients to clear.
        seats: Autopilot seats, each a process of its own on the drill log
            (more than one: the runner's own desk only follows and scores).
    """

    def __init__(self, scenario: Scenario, config: Config, db: Path, *, speed: float = 1.0,
                 autopilot: bool = True, pilot: Callable[[Desk], Autopilot] | None = None,
                 grace_s: float = 900, pii: bool = False, seats: int = 1) -> None:
        self.scenario = scenario
        self.config = config
        self.db = Path(db)
        self.speed = speed
        self.pilot_factory = pilot or (Autopilot if autopilot else None)
        self.grace_s = grace_s
        self.pii = pii
        self.seats = max(1, seats)
        self.clock = ScaledClock(speed)
        self.port = free_port()
        self.broker = BrokerProcess("127.0.0.1", self.port)
        self.call_ids = [new_id() for _ in scenario.calls]
        self.desk: Desk | None = None

    def _settings(self, name: str) -> LinkSettings:
        return LinkSettings(host="127.0.0.1", port=self.port, client_id=name,
                            reconnect_min_s=0.05, reconnect_max_s=0.5, publish_timeout_s=5)

    async def run(self) -> DrillRun:
        """Play the drill to its end and return the scored report."""
        cfg = self.config
        quiet_library_noise(asyncio.get_running_loop())
        await self.broker.start()
        timeline = Timeline(self.db, center=cfg.center.id, drill=True, tz=cfg.center.tz,
                            clock=self.clock)
        roadmap = load_map(cfg.data.maps, cfg.data.off_network_m)
        tick_s = max(0.02, min(1.0, 5 / self.speed))
        desk = build_desk(timeline, self._settings("drill-console"),
                          load_playbooks(cfg.data.playbooks), roadmap,
                          service=load_service_language(cfg.data.playbooks), sla=cfg.sla,
                          modes=cfg.modes, lang=cfg.ui.lang, tick_s=tick_s, bus_tick_s=None)
        self.desk = desk
        behaviours = {u.address: Behaviour(
            received=u.receive_after_s, accepted=u.accept_after_s or u.receive_after_s + 3,
            en_route=u.en_route_after_s, on_scene=u.on_scene_after_s,
            cleared=u.cleared_after_s or ((u.on_scene_after_s or 0) + 180), silent=u.silent)
            for u in self.scenario.units}
        for station in roadmap.stations:
            behaviours.setdefault(str(station.address), DRILL_DEFAULT)
        sim = Simulator([s.address for s in roadmap.stations],
                        lambda a: self._settings(f"drill-{a.service.value}-{a.unit}"),
                        center=cfg.center.id, drill=True, speed=self.speed,
                        behaviours=behaviours, clock=self.clock)
        injector = Link(self._settings("drill-injector"), clock=self.clock)
        floor = self.seats > 1 and self.pilot_factory is Autopilot
        pilot = self.pilot_factory(desk) if self.pilot_factory and not floor else None
        tasks: list[asyncio.Task[Any]] = []
        seats: list[SeatProcess] = []
        errors: list[str] = []
        try:
            await sim.start()
            await sim.wait_up()
            await desk.start()
            await desk.bus.link.wait_up()
            if floor:
                seats = [SeatProcess(spec(cfg, self.db, self.port, f"seat{n}", self.clock,
                                          tick_s)) for n in range(1, self.seats + 1)]
                for seat in seats:
                    await seat.start()
            injector.start()
            await injector.wait_up()
            if pilot:
                pilot.start()
            start = self.clock.now()
            loop = asyncio.get_running_loop()
            tasks = [loop.create_task(self._calls(injector, start))]
            tasks += [loop.create_task(self._fault(f, sim, start)) for f in self.scenario.faults]
            await self._until_done(desk, start)
            if pilot:
                await pilot.idle()
                errors = pilot.errors
            for seat in seats:
                errors += await seat.stop()
            seats = []
            desk.follow()
            report = score_drill(self.scenario, desk.board, self.call_ids, start,
                                 cfg.sla.answer_s, pii=self.pii)
            report.update(speed=self.speed, db=str(self.db), autopilot_errors=errors,
                          seats=self.seats if floor else 1)
            desk.record(desk.event(EventType.DRILL_SCORED, "system", drill=self.scenario.drill.id,
                                   title=report["title"], score=report["score"],
                                   calls=len(self.call_ids)))
            return DrillRun(report, self.db, self.call_ids)
        finally:
            for task in tasks:
                await stop_task(task)
            for seat in seats:
                seat.kill()
            if pilot:
                await pilot.stop()
            await injector.stop()
            await desk.stop()
            await sim.stop()
            await self.broker.stop()
            timeline.close()

    async def _sleep_until(self, start: Any, at_s: float) -> None:
        delay = at_s - (self.clock.now() - start).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay / self.speed)

    async def _calls(self, injector: Link, start: Any) -> None:
        topics = Topics(self.config.center.id, drill=True)
        for call_id, call in zip(self.call_ids, self.scenario.calls, strict=True):
            await self._sleep_until(start, call.at)
            if not injector.up and self.desk is not None:
                # The broker is down but phones still ring: the call is typed in.
                self.desk.receive_call(PHONE, call.caller.model_dump(), call.says,
                                       call.location, dict(call.answers), call_id=call_id)
                continue
            message = CallMessage.model_validate({
                "schema": "dispatch.call/1", "id": call_id, "at": self.clock.now(),
                "center": self.config.center.id, "drill": True,
                "caller": call.caller.model_dump(), "says": call.says,
                "location": call.location, "answers": call.answers})
            while True:  # the gateway keeps trying if the broker went away just now
                await injector.wait_up()
                with contextlib.suppress(LinkDown):
                    await injector.publish(topics.calls_in, encode(message))
                    break

    async def _fault(self, fault: Any, sim: Simulator, start: Any) -> None:
        await self._sleep_until(start, fault.at)
        if fault.kind == "broker_down":
            await self.broker.kill()
            if fault.duration_s:
                await self._sleep_until(start, fault.at + fault.duration_s)
                await self.broker.start()
        elif fault.kind == "broker_up":
            if not self.broker.running:
                await self.broker.start()
        elif fault.address:
            address = str(Address.parse(fault.address))
            sim.set_silent(address, fault.kind == "unit_offline")
            if fault.duration_s and fault.kind == "unit_offline":
                await self._sleep_until(start, fault.at + fault.duration_s)
                sim.set_silent(address, False)

    async def _until_done(self, desk: Desk, start: Any) -> None:
        """Wait until every call is worked and every incident closed, or time is up."""
        end_s = self.scenario.length_s + self.grace_s
        while (self.clock.now() - start).total_seconds() < end_s:
            await asyncio.sleep(0.05)
            calls = [desk.board.calls.get(c) for c in self.call_ids]
            if not all(c and c.incident for c in calls):
                continue
            if not self.broker.running or desk.board.mode == "outage":
                continue
            if any(f.at > (self.clock.now() - start).total_seconds()
                   for f in self.scenario.faults):
                continue
            if all(i.status in ("closed", "merged") or i.auto
                   for i in desk.board.incidents.values()):
                return
