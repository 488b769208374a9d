"""Calls and seats: every seat sees every ringing call; answering claims it.

:class:`Calls` is the part of the :class:`~dispatch.desk.desk.Desk` that
takes calls: the queue, answering (one ``call_answered`` per call however
many seats press at once: its id is derived from the call), opening the
call's incident (once), handing an incident on, and the seat's own
``seat_joined`` / ``seat_left`` (DESIGN, *The floor*).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from dispatch.desk.board import Board, CallView
from dispatch.desk.following import Following
from dispatch.desk.roles import Operator
from dispatch.errors import DeskError, Refused, Taken
from dispatch.model import Event, EventType, derived_id, mask_phone, new_id

if TYPE_CHECKING:
    from datetime import datetime

    from dispatch.bus.console import ConsoleBus
    from dispatch.clock import Clock
    from dispatch.playbook import PlaybookSet
    from dispatch.timeline import Timeline


def by_urgency(ringing: list[CallView], now: datetime,
               playbooks: PlaybookSet) -> list[tuple[CallView, float]]:
    """Ringing calls, most urgent first, then the longest waiting, with seconds waited.

    Urgency comes from the caller's words (:meth:`~dispatch.playbook.PlaybookSet.triage`):
    a hazardous-goods tanker on its side is answered before a complaint that rang
    earlier; among equals, more dangers first, then the oldest.
    """
    def rank(call: CallView) -> tuple[int, int, datetime]:
        triage = playbooks.triage(call.says)
        return triage.urgency, -len(triage.dangers), call.at
    return [(c, (now - c.at).total_seconds()) for c in sorted(ringing, key=rank)]


def call_place(location: Any) -> str:
    """The place a call gave, as text the map reads (stake text, or ``lat,lon``)."""
    if isinstance(location, dict):
        if "lat" in location and "lon" in location:
            return f"{location['lat']},{location['lon']}"
        return str(location.get("text") or "")
    return str(location or "").strip()


def call_words(call: CallView) -> str:
    """A call as a person knows it: the caller and the place they gave."""
    who = call.caller.get("name") or mask_phone(str(call.caller.get("phone") or "")) or "?"
    where = call_place(call.location)
    return f"the call from {who}" + (f" ({where})" if where else "")


class Calls(Following):
    """Calls, claims, hand-overs and the seat (a part of :class:`~dispatch.desk.desk.Desk`,
    whose ``_allow``, ``event`` and ``incident`` it uses)."""

    log: Timeline
    bus: ConsoleBus
    board: Board
    clock: Clock
    playbooks: PlaybookSet
    seat: str | None
    seen: int
    _run: str

    # -- calls ------------------------------------------------------------------------

    def receive_call(self, by: Operator, caller: dict[str, str], says: str,
                     location: Any = None, answers: dict[str, Any] | None = None,
                     call_id: str | None = None) -> str:
        """Log a call typed in by the operator (calls from the gateway come over the bus).

        While the broker is down the phones still ring: the operator types the call.
        """
        self._allow(by, "receive_call")
        call_id = call_id or new_id()
        self.record(self.event(EventType.CALL_RECEIVED, by, call=call_id, caller=caller,
                               says=says, location=location, answers=answers or {}))
        return call_id

    def queue(self) -> list[tuple[CallView, float]]:
        """Ringing calls, most urgent first, then the oldest, with seconds waited."""
        return by_urgency(self.board.ringing(), self.clock.now(), self.playbooks)

    def answer(self, by: Operator, call_id: str | None = None) -> CallView:
        """Answer a ringing call (the queue's first when none is named): this seat claims it.

        Raises:
            Taken: Another seat answered it first (the message says who).
            DeskError: No such call is ringing.
        """
        self._allow(by, "answer")
        ringing = self.board.ringing()
        if call_id:
            call = next((c for c in ringing if c.id == call_id), None)
        else:
            queue = self.queue()
            call = queue[0][0] if queue else None
        if call is None:
            if call_id and (known := self.board.calls.get(call_id)) and known.answered_by:
                raise self._taken(known)
            raise DeskError(f"no ringing call {call_id}" if call_id else "no call is ringing") \
                .say("no_call")
        event = self.event(EventType.CALL_ANSWERED, by, call=call.id, seat=self.seat)
        # One answer per call however many seats press the key: the first commit wins.
        event.id = derived_id(EventType.CALL_ANSWERED, call.id)
        if not self.record(event):
            self.follow()
            raise self._taken(self.board.calls[call.id])
        return call

    def _taken(self, call: CallView) -> Taken:
        seat = f" at seat {call.answered_seat}" if call.answered_seat else ""
        return Taken(f"{call_words(call)} was taken by {call.answered_by}{seat}").say(
            "taken", call=call.id, by=call.answered_by or "?", seat=call.answered_seat or "")

    def open_incident(self, by: Operator, call_id: str | None = None, *,
                      key: tuple[Any, ...] | None = None, **data: Any) -> str:
        """Open an incident for a call (or none: an operator's own report, a mode's).

        The opening of a call's incident, and one with a ``key`` (what a mode
        episode is), has an id derived from it: a second seat opening the same
        records nothing and is told.

        Raises:
            Taken: The call belongs to another operator, or the incident was
                opened already.
        """
        self._allow(by, "open_incident")
        event_id = derived_id(EventType.INCIDENT_OPENED, *key) if key else None
        if call_id:
            call = self.board.calls.get(call_id)
            if call is None:
                raise DeskError(f"no call {call_id}")
            if call.incident:
                raise Taken(f"{call_words(call)} already belongs to incident {call.incident}") \
                    .say("has_incident", call=call_id, incident=call.incident)
            if call.answered_by not in (None, by.id) and not by.may("take_over"):
                raise self._taken(call)
            data["call"] = call_id
            event_id = derived_id(EventType.INCIDENT_OPENED, call_id)
        if self.seat:
            data["seat"] = self.seat
        with self._conflicts():
            opened = self.log.open_incident(by.id, data, event_id=event_id)
        if opened is None:
            self.follow()
            call = self.board.calls.get(call_id or "")
            if call_id and call and call.incident:
                raise Taken(f"{call_words(call)} already belongs to incident {call.incident}") \
                    .say("has_incident", call=call_id, incident=call.incident)
            raise Taken("opened already by another seat").say("opened_elsewhere")
        self._recorded(opened)
        assert opened.incident
        return opened.incident

    def transfer(self, by: Operator, incident: str, to: str, reason: str) -> None:
        """Hand an incident to another operator (its owner, or a supervisor taking over).

        Raises:
            Refused: ``by`` neither owns the incident nor may take over.
            DeskError: No reason, or ``to`` sits at no seat of the floor.
        """
        self._allow(by, "transfer", incident)
        inc = self.incident(incident, open_only=False)
        if inc.status in ("closed", "merged"):
            raise DeskError(f"incident {incident} is {inc.status}")
        if by.id != inc.owner and not by.may("take_over"):
            raise Refused(f"incident {incident} belongs to {inc.owner}: only they or a "
                          "supervisor may hand it on")
        if not reason.strip():
            raise DeskError("say why the incident is handed on")
        if to == inc.owner:
            raise DeskError(f"incident {incident} already belongs to {to}")
        seat = next((s.seat for s in self.board.seats.values() if s.present
                     and s.operator == to), None)
        if seat is None and to != by.id:
            raise DeskError(f"{to} sits at no seat of the floor")
        self.record(self.event(EventType.INCIDENT_TRANSFERRED, by, incident, owner=inc.owner,
                               to=to, seat=seat or self.seat, reason=reason),
                    guard=self.guard(by, incident))

    def join(self, operator: Operator | None) -> None:
        """Say who sits at this seat now (``seat_joined``; at start and at each login)."""
        if self.seat:
            self.record(self._seat_event(EventType.SEAT_JOINED, operator))

    def _seat_event(self, kind: EventType, operator: Operator | None) -> Event:

        who = operator.id if operator else None
        event = self.event(kind, operator or "system", seat=self.seat, operator=who,
                           role=operator.role.value if operator else None,
                           host=socket.gethostname(), console=self.bus.console_id)
        event.id = derived_id(kind, self.seat, self._run, who)
        return event
