"""One autopilot seat of a drill floor, as a process of its own.

``dispatch drill --seats N`` starts N of these on one drill log and one
broker: each is a full desk (its own log connection, its own broker session)
with the autopilot at it, exactly as N trainees' consoles would be.  The
runner hands over the effective configuration and the shared drill clock on
the command line, waits for ``ready`` on stdout, and stops the seat by
closing its stdin; the seat then prints its autopilot's errors as JSON.

Run as ``python -m dispatch.drill.seat SPEC`` (SPEC: the JSON of :func:`spec`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from dispatch.bus.link import LinkSettings
from dispatch.clock import ScaledClock, parse_rfc3339, rfc3339
from dispatch.config import Config
from dispatch.desk import Desk, Operator
from dispatch.desk.autopilot import Autopilot
from dispatch.desk.factory import build_desk
from dispatch.errors import Taken
from dispatch.geo import load_map
from dispatch.playbook import load_playbooks, load_service_language
from dispatch.tasks import quiet_library_noise
from dispatch.timeline import open_timeline


def spec(config: Config, db: Path | str, port: int, seat: str, clock: ScaledClock,
         tick_s: float, *, drill: bool = True, pilot: bool = True,
         wrap_up_s: float = 0.0) -> str:
    """The command-line argument that describes one seat.

    ``pilot`` off: no autopilot; the seat answers the calls named on its stdin
    instead (``answer CALL_ID AT``: at wall time ``AT``), printing ``won
    INCIDENT`` or ``taken WHY`` (the floor's claim races, in tests).  ``wrap_up_s``:
    the autopilot's wrap-up after each call (see :class:`Autopilot`).
    """
    return json.dumps({"config": config.model_dump(mode="json"), "db": str(db), "port": port,
                       "seat": seat, "speed": clock.speed, "origin": rfc3339(clock.origin),
                       "wall0": clock.wall0, "tick_s": tick_s, "drill": drill,
                       "pilot": pilot, "wrap_up_s": wrap_up_s})


def drill_settings(port: int, name: str) -> LinkSettings:
    """Link settings on a drill's private broker."""
    return LinkSettings(host="127.0.0.1", port=port, client_id=name, reconnect_min_s=0.05,
                        reconnect_max_s=0.5, publish_timeout_s=5)


async def run(raw: dict[str, Any]) -> list[str]:
    """Work the drill's calls at one seat until stdin closes; return the autopilot's errors."""
    quiet_library_noise(asyncio.get_running_loop())
    config = Config.model_validate(raw["config"])
    clock = ScaledClock(raw["speed"], parse_rfc3339(raw["origin"]), raw["wall0"])
    seat = raw["seat"]
    drill = raw.get("drill", True)
    log = open_timeline(raw["db"], center=config.center.id, drill=drill, tz=config.center.tz,
                        clock=clock)
    name = f"drill-console-{seat}" if drill else f"console-{config.center.id}-{seat}"
    desk = build_desk(log, drill_settings(raw["port"], name),
                      load_playbooks(config.data.playbooks),
                      load_map(config.data.maps, config.data.off_network_m),
                      service=load_service_language(config.data.playbooks), sla=config.sla,
                      modes=config.modes, seat=seat, lang=config.ui.lang, tick_s=raw["tick_s"])
    pilot = Autopilot(desk, Operator(f"autopilot-{seat}"), wrap_up_s=raw.get("wrap_up_s", 0.0))
    try:
        await desk.start(pilot.operator)
        await desk.bus.link.wait_up()
        if raw.get("pilot", True):
            pilot.start()
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
            await pilot.idle()
        else:
            print("ready", flush=True)
            await _answer_when_told(desk, pilot)
    finally:
        await pilot.stop()
        await desk.stop()
        log.close()
    return pilot.errors


async def _answer_when_told(desk: Desk, pilot: Autopilot) -> None:
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        _, call, at = line.split()
        while call not in desk.board.calls:
            await asyncio.sleep(0.005)  # the call reaches every seat through its own intake
        await asyncio.sleep(max(0.0, float(at) - time.time()))
        try:
            incident = pilot.work_call(call, claim=True)
            print(f"won {incident}", flush=True)
        except Taken as exc:
            print(f"taken {exc}", flush=True)


def main() -> None:
    """Entry point of a seat process."""
    errors = asyncio.run(run(json.loads(sys.argv[1])))
    print(json.dumps(errors, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
