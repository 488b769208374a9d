"""Other drivers of the floor: a replayed log, and a drill with a trainee at the keys.

The floor draws anything shaped like a desk: a ``board``, a ``clock``, the
``playbooks``, ``roadmap``, ``sla``, ``service``, ``listeners`` for events and
``log`` for timelines.  :class:`ReplayDesk` offers that for a recorded log
(read only, stepped or played); :class:`TraineeHook` is the drill runner's
"pilot" when a person operates, so the screen learns of the drill's desk.
No Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from dispatch.clock import ManualClock
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import Desk
from dispatch.desk.autopilot import Autopilot
from dispatch.desk.board import CallView
from dispatch.drill.replay import Replay, Step
from dispatch.errors import DeskError
from dispatch.geo import RoadMap
from dispatch.model import Event
from dispatch.playbook import Guidance, PlaybookSet, ServiceLanguage

#: Longest stretch of recorded time a replay waits through at speed (quiet hours skip).
MAX_GAP_S = 60.0


class _ReplayLog:
    """The part of the log API the views use, over the events replayed so far."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay

    def events(self) -> Iterator[Event]:
        yield from self.replay.events[:self.replay.position]

    def incident_events(self, incident: str) -> list[Event]:
        calls = set()
        inc = self.replay.board.incidents.get(incident)
        if inc is not None:
            calls = set(inc.calls)
        return [e for e in self.events()
                if e.incident == incident or (e.type == "call_received"
                                              and e.data.get("call") in calls)]


class ReplayDesk:
    """A recorded log, replayed into the same board the live desk folds.

    Args:
        replay: The replay (its events loaded).
        playbooks: For guidance texts.
        roadmap: For the map and places.
        sla: Deadlines (for the deadline column).
        service: Service language (phrases).
        lang: Language of guidance.
        speed: Recorded seconds per real second when playing.
    """

    read_only = True

    def __init__(self, replay: Replay, playbooks: PlaybookSet, roadmap: RoadMap, *,
                 sla: SlaConfig | None = None, service: ServiceLanguage | None = None,
                 lang: str = "en", speed: float = 10.0) -> None:
        self.replay = replay
        self.board = replay.board
        self.playbooks = playbooks
        self.roadmap = roadmap
        self.sla = sla or SlaConfig()
        self.modes = ModesConfig()
        self.service = service
        self.lang = lang
        self.speed = speed if speed > 0 else 10.0
        self.playing = False
        start = replay.events[0].at if replay.events else datetime.now().astimezone()
        self.clock = ManualClock(start)
        self.listeners: list[Callable[[Event], None]] = []
        self.log = _ReplayLog(replay)

    @property
    def position(self) -> int:
        """Events applied so far."""
        return self.replay.position

    @property
    def total(self) -> int:
        """Events in the log."""
        return len(self.replay.events)

    def step(self) -> Step | None:
        """Apply the next event and tell the listeners; ``None`` at the end."""
        step = self.replay.step()
        if step is None:
            self.playing = False
            return None
        if step.event.at > self.clock.now():
            self.clock.set(step.event.at)
        for listener in list(self.listeners):
            listener(step.event)
        return step

    def advance(self, real_s: float) -> int:
        """Move recorded time on by ``real_s × speed`` and apply what it passes.

        A quiet stretch longer than :data:`MAX_GAP_S` is skipped, so a night
        without calls does not stall the replay.

        Returns:
            The number of events applied.
        """
        if not self.playing or self.replay.done:
            self.playing = self.playing and not self.replay.done
            return 0
        nxt = self.replay.events[self.replay.position].at
        if (nxt - self.clock.now()).total_seconds() > MAX_GAP_S:
            self.clock.set(nxt)
        else:
            self.clock.advance(real_s * self.speed)
        applied = 0
        while not self.replay.done and self.replay.events[self.replay.position].at <= \
                self.clock.now():
            self.step()
            applied += 1
        return applied

    def guidance(self, incident: str, lang: str | None = None, *,
                 complete: bool = False) -> Guidance:
        """What the playbook said for this incident's answers at this point."""
        inc = self.board.incidents.get(incident)
        if inc is None or not inc.kind:
            raise DeskError(f"incident {incident} has no playbook yet")
        return self.playbooks.guide(inc.kind, inc.answers, lang=lang or self.lang,
                                    complete=complete)

    def queue(self) -> list[tuple[CallView, float]]:
        """Ringing calls with seconds waited, at replayed time."""
        now = self.clock.now()
        return [(c, (now - c.at).total_seconds()) for c in self.board.ringing()]


class TraineeHook:
    """The drill runner's pilot when a person operates.

    The runner builds its desk and calls ``pilot(desk)``; this hook hands the
    desk to the screen (``on_desk``) when the drill starts, and optionally runs
    the autopilot beside it (``--autopilot`` with a screen: watch it work).

    Args:
        desk: The drill's desk.
        on_desk: Called with the desk once the drill has started.
        autopilot: Let the autopilot work the calls too.
    """

    def __init__(self, desk: Desk, on_desk: Callable[[Desk], Any],
                 autopilot: bool = False) -> None:
        self.desk = desk
        self.on_desk = on_desk
        self.pilot = Autopilot(desk) if autopilot else None
        self.errors: list[str] = []

    def start(self) -> None:
        """The drill has started: show its floor."""
        self.on_desk(self.desk)
        if self.pilot:
            self.pilot.start()

    async def idle(self) -> None:
        """Wait for the autopilot, if any, to finish what it heard."""
        if self.pilot:
            await self.pilot.idle()
            self.errors = self.pilot.errors
        await asyncio.sleep(0)

    async def stop(self) -> None:
        """Stop the autopilot, if any."""
        if self.pilot:
            await self.pilot.stop()
