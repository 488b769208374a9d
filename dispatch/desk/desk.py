"""The dispatch desk: commands in, events out.

The desk is five parts, each a layer over the one before:
:class:`~dispatch.desk.following.Following` (recording and the one fold of the
floor's log), :class:`~dispatch.desk.calls.Calls` (the queue, claims, hand-overs,
the seat), :class:`~dispatch.desk.asking.Asking` (the playbook, answers, advice,
priority), :class:`~dispatch.desk.ending.Ending` (cancels, notes, merges, resolve
and close) and this module (the lifecycle, the place, the orders).  Every command
is checked against the operator's role (a refusal is a ``command_refused`` event
and a :class:`Refused` error), written to the log with the operator as actor,
folded into the :class:`~dispatch.desk.board.Board` and announced to listeners.
Events the bus records (calls, deliveries, reports, link changes) take the same
path.  The console, drills, the autopilot, benchmarks and tests all drive this
class.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from dispatch.bus.console import ConsoleBus
from dispatch.clock import Clock
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import orders
from dispatch.desk.board import Board, IncidentView
from dispatch.desk.calls import call_place
from dispatch.desk.ending import Ending
from dispatch.desk.roles import Operator
from dispatch.errors import AmbiguousPlace, DeskError, DispatchError, LogUnwritable, Refused
from dispatch.geo import Ambiguous, Place, RoadMap
from dispatch.model import Event, EventType, Service, derived_id, new_id
from dispatch.playbook import Guidance, PlaybookSet, ServiceLanguage
from dispatch.tasks import stop_task
from dispatch.timeline import Timeline
from dispatch.timeline.start import floor_events, last_seq

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class Desk(Ending):
    """One console's dispatch service.

    Args:
        log_: The event log (live or drill).
        bus: The console's side of the bus (started and stopped with the desk).
        playbooks: The loaded playbooks.
        roadmap: The loaded map.
        sla: Service-level deadlines.
        modes_config: Outage and peak thresholds.
        service: Service language (forbidden-phrase checks); ``None`` skips them.
        lang: Language of guidance texts.
        tick_s: Real seconds between timer checks (``None``: call :meth:`tick` yourself).
        seat: This seat's id on the floor (``None``: a desk of its own, no seat events).
        follow_s: Real seconds between looks for other seats' writes once started
            (``None``: call :meth:`follow` yourself).

    Every seat of a floor is a full desk on the shared log: it folds every
    event in ``seq`` order, its own and the others' (:meth:`follow`), and its
    commands are appended only if nobody else changed their incident since it
    looked (DESIGN, *The floor*).
    """

    def __init__(
        self,
        log_: Timeline,
        bus: ConsoleBus,
        playbooks: PlaybookSet,
        roadmap: RoadMap,
        *,
        sla: SlaConfig | None = None,
        modes_config: ModesConfig | None = None,
        service: ServiceLanguage | None = None,
        lang: str = "en",
        tick_s: float | None = 1.0,
        seat: str | None = None,
        follow_s: float | None = 0.02,
    ) -> None:
        self.log = log_
        self.bus = bus
        self.clock: Clock = log_.clock
        self.playbooks = playbooks
        self.roadmap = roadmap
        self.sla = sla or SlaConfig()
        self.modes = modes_config or ModesConfig()
        self.service = service
        self.lang = lang
        self.tick_s = tick_s
        self.seat = seat
        self.follow_s = follow_s
        self.board = Board(console=bus.console_id)
        self.listeners: list[Listener] = []
        #: What :meth:`tick` runs besides the acknowledgement checks (the policies
        #: above the desk put their deadlines and modes here).
        self.duties: list[Callable[[], list[Event]]] = []
        #: The last ``seq`` folded: everything up to it is on the board.
        self.seen = 0
        self._run = new_id()
        self._own: OrderedDict[str, None] = OrderedDict()
        self._ticker: asyncio.Task[None] | None = None
        self._follower: asyncio.Task[None] | None = None
        self._guides: dict[tuple[Any, ...], Guidance] = {}
        # A seat starts from the floor as it is (open incidents, ringing calls, mode,
        # seats), in time independent of the history; closed incidents stay in the log.
        since = self.clock.now() - timedelta(seconds=self.modes.peak_window_s)
        start = floor_events(log_, since)
        for event in start:
            self.board.apply(event)
        #: How many events the start folded (not the log's whole history).
        self.loaded = len(start)
        self.seen = last_seq(log_)
        bus.listeners.append(self._heard)

    # -- lifecycle ----------------------------------------------------------------

    async def start(self, operator: Operator | None = None) -> None:
        """Start the bus (which drains the outbox), the timers and following the floor.

        A seat records ``seat_joined`` (with ``operator`` when known; see :meth:`join`).
        """
        loop = asyncio.get_running_loop()
        await self.bus.start()
        if self.seat:
            with _quiet():
                self.join(operator)
        if self.follow_s:
            self._follower = loop.create_task(self._follow_loop(), name="follow")
        if self.tick_s:
            self._ticker = loop.create_task(self._tick_loop(), name="desk")

    async def stop(self) -> None:
        """Stop the timers and the bus; nothing recorded is lost.  A seat records
        ``seat_left``: its incidents stay on the floor, its orders to the others."""
        await stop_task(self._ticker)
        await stop_task(self._follower)
        self._ticker = self._follower = None
        if self.seat:
            with _quiet():
                self.record(self._seat_event(EventType.SEAT_LEFT, None))
        await self.bus.stop()

    async def _follow_loop(self) -> None:
        assert self.follow_s
        while True:
            await asyncio.sleep(self.follow_s)
            try:
                if self.log.changed():
                    self.follow()
            except Exception:
                log.exception("following the floor failed")

    async def _tick_loop(self) -> None:
        assert self.tick_s
        while True:
            await asyncio.sleep(self.tick_s)
            try:
                self.tick()
            except LogUnwritable:
                continue  # the status bar says so; the same facts are derived next tick
            except Exception:
                log.exception("desk timers failed")

    def tick(self) -> list[Event]:
        """Run the duties above the desk (deadlines, modes) and the acknowledgement
        checks, now."""
        events: list[Event] = []
        for duty in list(self.duties):
            events += duty()
        events += self.bus.check_acks()
        return events

    # -- recording ------------------------------------------------------------------

    @property
    def log_fault(self) -> LogUnwritable | None:
        """Why the log takes no writes now (disk full, read-only), or ``None``."""
        return self.log.fault

    def on_log_health(self, listener: Callable[[LogUnwritable | None], None]) -> None:
        """Call ``listener(fault)`` when the log stops taking writes, ``listener(None)``
        when it takes them again (the console's red alert and status bar)."""
        self.log.on_health(listener)

    def event(self, type_: str, by: Operator | str, incident: str | None = None,
              **data: Any) -> Event:
        """Build an event stamped now, acted by ``by``."""
        actor = by.id if isinstance(by, Operator) else by
        return self.log.event(type_, actor, incident, data)

    def _allow(self, by: Operator, command: str, incident: str | None = None) -> None:
        if self.follow_s is not None and self.log.changed():
            self.follow()  # decide on the floor as it is now
        if not by.may(command):
            reason = f"role {by.role.value} may not {command.replace('_', ' ')}"
            self.record(self.event(EventType.COMMAND_REFUSED, by, incident, command=command,
                                   role=by.role.value, reason=reason))
            raise Refused(f"{by.id}: {reason}").say("role", who=by.id, role=by.role.value,
                                                    command=command)

    def incident(self, incident_id: str, *, open_only: bool = True) -> IncidentView:
        """An incident of the board.

        Raises:
            DeskError: Unknown, or (with ``open_only``) no longer open.
        """
        inc = self.board.incidents.get(incident_id) or self._load(incident_id)
        if inc is None:
            raise DeskError(f"no incident {incident_id}").say("no_incident", incident=incident_id)
        if open_only and not inc.open:
            where = f" into {inc.merged_into}" if inc.merged_into else ""
            raise DeskError(f"incident {incident_id} is {inc.status}{where}").say(
                "not_open", incident=incident_id, status=inc.status, into=inc.merged_into or "")
        return inc

    def _load(self, incident_id: str) -> IncidentView | None:
        """Fold a closed incident from the log onto the board (a seat starts without them)."""
        events = self.log.incident_events(incident_id)
        for event in events:
            if event.seq is not None and event.seq <= self.seen:
                self.board.apply(event)
        self.board.call_times.sort()  # its calls rang long ago: keep the window sorted
        return self.board.incidents.get(incident_id)

    # -- working an incident --------------------------------------------------------------

    def set_location(self, by: Operator, incident: str, where: str, *,
                     from_call: bool = False, says: str = "") -> Place:
        """Place an incident from what was said: stake text, landmark words or ``lat,lon``.

        Args:
            by: Who places it.
            incident: The incident.
            where: Stake text (``G4 K1024+300``), a caller's words (``咸宁服务区往武汉方向
                2公里``) or coordinates (:meth:`~dispatch.geo.RoadMap.locate_text`).
            from_call: The place the caller (or the gateway) gave, not yet confirmed by
                the operator: the board shows it as such until the operator sets one.
            says: The caller's words, checked against the place: when they name a place
                more than 2 km from it, ``location_set`` carries ``disagrees`` and a note.

        Raises:
            AmbiguousPlace: The words fit several places (``.candidates``, best first).
            DeskError: The map cannot place it (the message says why).
        """
        self._allow(by, "set_location", incident)
        self.incident(incident)
        try:
            place = self.roadmap.locate_text(where)
        except Ambiguous as exc:
            raise AmbiguousPlace(str(exc), exc.candidates).say(
                "ambiguous", where=where, n=len(exc.candidates),
                choices="; ".join(f"#{i} {c.label('en')}"
                                  for i, c in enumerate(exc.candidates[:9], 1)),
                choices_zh="；".join(f"#{i} {c.label('zh')}"
                                    for i, c in enumerate(exc.candidates[:9], 1))) from None
        except DispatchError as exc:
            raise DeskError(str(exc)).say("not_placed", where=where, detail=str(exc)) from None
        data: dict[str, Any] = {"from_call": True} if from_call else {}
        notes = list(place.notes)
        off = self.roadmap.words.disagreement(place, says) if says and says != where else None
        if off is not None:
            data["disagrees"] = off
            notes.append(f"the caller's words say {off['place']}, {off['distance_km']:g} km "
                         "from this place")
        self.record(self.event(
            EventType.LOCATION_SET, by, incident, location=place.to_location().to_dict(),
            recipients={str(s.value): str(a) for s, a in place.recipients.items()},
            notes=notes, **data), guard=self.guard(by, incident))
        return place

    def open_incident(self, by: Operator, call_id: str | None = None, *,
                      key: tuple[Any, ...] | None = None, **data: Any) -> str:
        """Open an incident (see :meth:`Calls.open_incident`), placed where its call said.

        The gateway's place (stake text, landmark words or coordinates) places the
        incident at once, marked as from the call and checked against the caller's
        words; without one, the caller's words place it when they name one clear
        place.  The operator confirms or corrects it.  A place the map does not know
        (or words that fit several places) is left for the operator.
        """
        incident = super().open_incident(by, call_id, key=key, **data)
        call = self.board.calls.get(call_id or "")
        where = call_place(call.location) if call is not None else ""
        says = str(call.says or "") if call is not None else ""
        if where or says:
            try:
                self.set_location(by, incident, where or says, from_call=True,
                                  says=says if where else "")
            except DeskError:
                # Callers' words stay out of the logs (they hold places and names).
                log.info("incident %s not placed from its call", incident)
        return incident

    def dispatch(self, by: Operator, incident: str,
                 services: Iterable[Service | str] | None = None, *, kind: str | None = None,
                 reason: str = "", key: tuple[Any, ...] | None = None) -> list[str]:
        """Send one order per service (default: the recommended ones not yet sent).

        Args:
            by: Who sends.
            incident: The incident.
            services: The services to order (default: the playbook's, not yet sent).
            kind: The order's kind (default: the incident's).
            reason: Why, shown to the operator and kept in the event.
            key: What a system duty's orders are about (e.g. ``("traffic_control", id)``):
                their order and event ids are derived from it, so however many seats
                take the duty the log keeps one order per service.

        Returns:
            The order ids (with a ``key``: only those this seat recorded).
        """
        self._allow(by, "dispatch", incident)
        inc = self.incident(incident)
        reasons: dict[str, str] = {}
        if services is None:
            guide = self.guidance(incident)
            reasons = {r.service.value: r.reason for r in guide.services}
            chosen = [s for s in reasons if s not in inc.services_sent()]
        else:
            chosen = [Service(s).value for s in services]
        sent = []
        guard = self.guard(by, incident)
        for service in chosen:
            order_id = derived_id("order", *key, service) if key else None
            order = orders.build_order(self, by, inc, service, kind or inc.kind or "other",
                                       order_id=order_id)
            with self._conflicts():
                recorded = self.bus.send_order(order, by.id, guard, service=service,
                                               reason=reasons.get(service, reason))
            if recorded is not None:
                sent.append(order.id)
        return sent

    def address(self, inc: IncidentView, service: str) -> str:
        """The recipient of ``service`` for an incident (its place's, or the ops desk).

        Raises:
            DeskError: The incident has no place yet that names one.
        """
        if service in inc.recipients:
            return inc.recipients[service]
        if service == Service.OPS.value:
            stations = [s for s in self.roadmap.stations if s.service is Service.OPS]
            if stations:
                return str(stations[0].address)
        raise DeskError(f"no {service} recipient for incident {inc.id}: set its location first")

@contextmanager
def _quiet() -> Iterator[None]:
    """A seat's own comings and goings wait for nothing: a log that takes no writes
    now (the status bar says so) must not keep the console from opening or closing."""
    try:
        yield
    except LogUnwritable as exc:
        log.warning("seat event not recorded: %s", exc)
