"""Other drivers of the floor: a replayed log, and a drill with a trainee at the keys.

The floor draws and drives a :class:`~dispatch.desk.port.DeskPort`.
:class:`ReplayDesk` is one over a recorded log: read only (every command is
refused, :class:`~dispatch.errors.Refused`), with its controls apart in a
:class:`ReplayControl` (play, pause, step, speed) that the floor finds with
:func:`control_of`.  :class:`TraineeHook` is the drill runner's "pilot" when
a person operates, so the screen learns of the drill's desk.  No Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from dispatch.clock import ManualClock
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import Desk
from dispatch.desk.autopilot import Autopilot
from dispatch.desk.board import CallView
from dispatch.desk.calls import by_urgency
from dispatch.desk.roles import Operator
from dispatch.drill.replay import Replay, Step
from dispatch.errors import DeskError, LogUnwritable, Refused
from dispatch.geo import Place, RoadMap
from dispatch.model import Event, Service
from dispatch.playbook import Guidance, PhraseHit, PlaybookSet, ServiceLanguage
from dispatch.playbook.preanswer import PreAnswer

#: Longest stretch of recorded time a replay waits through at speed (quiet hours skip).
MAX_GAP_S = 60.0
#: What a replay answers every command.
READ_ONLY = "read only: this is a replay"


class _ReplayLog:
    """The part of the log API the views use, over the events replayed so far."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay

    def events(self) -> Iterator[Event]:
        yield from self.replay.events[:self.replay.position]

    def incident_events(self, incident_id: str) -> list[Event]:
        calls = set()
        inc = self.replay.board.incidents.get(incident_id)
        if inc is not None:
            calls = set(inc.calls)
        return [e for e in self.events()
                if e.incident == incident_id or (e.type == "call_received"
                                                 and e.data.get("call") in calls)]


class ReplayControl:
    """A replay's controls: play or pause, one step, faster, slower.

    Args:
        replay: The replay (its events loaded).
        clock: The replayed time (set to each event's time as it is applied).
        listeners: Told of every event applied (the desk's listeners).
        speed: Recorded seconds per real second when playing.
    """

    def __init__(self, replay: Replay, clock: ManualClock,
                 listeners: list[Callable[[Event], None]], speed: float = 10.0) -> None:
        self.replay = replay
        self.clock = clock
        self.listeners = listeners
        self.speed = speed if speed > 0 else 10.0
        self.playing = False

    @property
    def position(self) -> int:
        """Events applied so far."""
        return self.replay.position

    @property
    def total(self) -> int:
        """Events in the log."""
        return len(self.replay.events)

    @property
    def done(self) -> bool:
        """Every event applied."""
        return self.replay.done

    def play_pause(self) -> None:
        """Play, or pause (at the end it stays paused)."""
        self.playing = not self.playing and not self.done

    def faster(self) -> None:
        """Twice as fast (up to 1024×)."""
        self.speed = min(self.speed * 2, 1024)

    def slower(self) -> None:
        """Half as fast (down to ¼×)."""
        self.speed = max(self.speed / 2, 0.25)

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
        if not self.playing or self.done:
            self.playing = self.playing and not self.done
            return 0
        nxt = self.replay.events[self.replay.position].at
        if (nxt - self.clock.now()).total_seconds() > MAX_GAP_S:
            self.clock.set(nxt)
        else:
            self.clock.advance(real_s * self.speed)
        applied = 0
        while not self.done and self.replay.events[self.replay.position].at <= \
                self.clock.now():
            self.step()
            applied += 1
        return applied


class ReplayDesk:
    """A recorded log, replayed into the same board the live desk folds.

    It satisfies :class:`~dispatch.desk.port.DeskPort`; every command is
    refused (:data:`READ_ONLY`).  Its controls are :attr:`control`.

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
    #: A replay sits at no seat of a floor.
    seat: str | None = None

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
        start = replay.events[0].at if replay.events else datetime.now().astimezone()
        self.clock = ManualClock(start)
        self.listeners: list[Callable[[Event], None]] = []
        self.log = _ReplayLog(replay)
        self.control = ReplayControl(replay, self.clock, self.listeners, speed)

    # -- what the screen reads -------------------------------------------------------------

    @property
    def log_fault(self) -> LogUnwritable | None:
        """A replay writes nothing: never a fault."""
        return None

    def on_log_health(self, listener: Callable[[LogUnwritable | None], None]) -> None:
        """A replay writes nothing: nothing to tell."""

    def guidance(self, incident: str, lang: str | None = None, *,
                 complete: bool = False) -> Guidance:
        """What the playbook said for this incident's answers at this point."""
        inc = self.board.incidents.get(incident)
        if inc is None or not inc.kind:
            raise DeskError(f"incident {incident} has no playbook yet")
        return self.playbooks.guide(inc.kind, inc.answers, lang=lang or self.lang,
                                    complete=complete)

    def queue(self) -> list[tuple[CallView, float]]:
        """Ringing calls, most urgent first as the live desk ranks them, with seconds
        waited at replayed time."""
        return by_urgency(self.board.ringing(), self.clock.now(), self.playbooks)

    def join(self, operator: Operator | None) -> None:
        """Nobody sits at a replay."""
        raise Refused(READ_ONLY).say("read_only")

    # -- commands: all refused ------------------------------------------------------------

    def receive_call(self, by: Operator, caller: dict[str, str], says: str,
                     location: Any = None, answers: dict[str, Any] | None = None,
                     call_id: str | None = None) -> str:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def answer(self, by: Operator, call_id: str | None = None) -> CallView:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def open_incident(self, by: Operator, call_id: str | None = None, *,
                      key: tuple[Any, ...] | None = None, **data: Any) -> str:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def set_location(self, by: Operator, incident: str, where: str, *,
                     from_call: bool = False, says: str = "") -> Place:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def apply_playbook(self, by: Operator, incident: str, playbook: str | None = None) -> str:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def record_answer(self, by: Operator, incident: str, question: str, value: Any) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def suggested(self, incident: str) -> list[PreAnswer]:
        """None: a replay shows what was recorded, not what the words suggest."""
        return []

    def confirm_suggested(self, by: Operator, incident: str) -> list[PreAnswer]:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def give_advice(self, by: Operator, incident: str, advice: str) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def set_priority(self, by: Operator, incident: str, priority: int, reason: str = "") -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def dispatch(self, by: Operator, incident: str,
                 services: Iterable[Service | str] | None = None, *, kind: str | None = None,
                 reason: str = "", key: tuple[Any, ...] | None = None) -> list[str]:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def cancel_order(self, by: Operator, incident: str, order: str, reason: str) -> str:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def note(self, by: Operator, incident: str, text: str) -> list[PhraseHit]:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def merge(self, by: Operator, into: str, others: Iterable[str], reason: str = "") -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def resolve(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def close(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def reopen(self, by: Operator, incident: str) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def record_investigation(self, by: Operator, incident: str, finding: str) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def record_callback(self, by: Operator, incident: str, satisfied: bool,
                        note: str = "") -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")

    def transfer(self, by: Operator, incident: str, to: str, reason: str) -> None:
        """Refused: read only."""
        raise Refused(READ_ONLY).say("read_only")


def control_of(desk: Any) -> ReplayControl | None:
    """The replay's controls when ``desk`` is a replay, ``None`` for a live desk."""
    return desk.control if isinstance(desk, ReplayDesk) else None


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
