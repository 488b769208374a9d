"""The fold from events to projections: one function for live, rebuild and replay.

:class:`Projection` holds the incidents, outbox entries and per-day incident
counters touched so far.  Live appends give it loaders that read rows from the
database on first touch; a rebuild or a replay gives it none and folds the
whole log in memory.  Either way the same :meth:`Projection.apply` decides what
an event means, so a rebuilt projection equals the incremental one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

from dispatch.clock import rfc3339
from dispatch.model import (
    STATUS_STEPS,
    Event,
    EventType,
    Incident,
    Location,
    OutboxEntry,
    mark_merged,
    step_status,
)

IncidentLoader = Callable[[str], Incident | None]
OrderLoader = Callable[[str], OutboxEntry | None]
DayLoader = Callable[[str], int]


#: One encoder for every call: ``json.dumps`` with non-default options builds a
#: new encoder each time, a noticeable share of an append.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

#: The same C encoder without the circular-reference bookkeeping (an id and two
#: dict operations per container: more than half the cost of encoding an
#: event).  Circular data then hits the recursion limit instead, and is handed
#: to ``_CANONICAL`` to fail with the usual message.  ``None`` where the C
#: accelerator is missing.
_FAST_CANONICAL = c_make_encoder and c_make_encoder(
    None, _CANONICAL.default, encode_basestring, None, ":", ",", True, False, True)


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces (the form that is stored and signed)."""
    if _FAST_CANONICAL is not None:
        try:
            return "".join(_FAST_CANONICAL(value, 0))
        except RecursionError:
            pass
    return _CANONICAL.encode(value)


def split_incident_id(incident_id: str) -> tuple[str, int]:
    """``"20261122-0042"`` → ``("20261122", 42)``.

    Raises:
        ValueError: Not of the form ``YYYYMMDD-NNNN``.
    """
    day, sep, number = incident_id.partition("-")
    if not (sep and len(day) == 8 and day.isdigit() and number.isdigit() and len(number) >= 4):
        raise ValueError(f"incident ids read YYYYMMDD-NNNN, got {incident_id!r}")
    return day, int(number)


class Projection:
    """Projected state, folded event by event.

    Args:
        load_incident: Reads an incident row not yet in memory (live appends).
        load_order: Reads an outbox row not yet in memory.
        load_day: Reads the last incident number allocated on a day.
    """

    def __init__(
        self,
        load_incident: IncidentLoader | None = None,
        load_order: OrderLoader | None = None,
        load_day: DayLoader | None = None,
    ) -> None:
        self.incidents: dict[str, Incident | None] = {}
        self.outbox: dict[str, OutboxEntry | None] = {}
        self.days: dict[str, int] = {}
        #: Calls that rang and have no incident yet (ringing, or answered and
        #: being opened): call id → its event's seq (``None``: it has an incident
        #: now, to be removed).  A seat starts from these.
        self.ringing: dict[str, int | None] = {}
        self.dirty_incidents: set[str] = set()
        self.dirty_orders: set[str] = set()
        self.dirty_days: set[str] = set()
        self._load_incident = load_incident
        self._load_order = load_order
        self._load_day = load_day

    def incident(self, incident_id: str) -> Incident | None:
        """The incident as folded so far (``None`` if never opened)."""
        try:  # one lookup on the hot path (the row is nearly always in memory)
            return self.incidents[incident_id]
        except KeyError:
            loader = self._load_incident
            found = self.incidents[incident_id] = loader(incident_id) if loader else None
            return found

    def order(self, order_id: str) -> OutboxEntry | None:
        """The outbox entry of an order (``None`` if never sent)."""
        try:
            return self.outbox[order_id]
        except KeyError:
            loader = self._load_order
            found = self.outbox[order_id] = loader(order_id) if loader else None
            return found

    def last_number(self, day: str) -> int:
        """The highest incident number allocated on ``day`` (``YYYYMMDD``)."""
        if day not in self.days:
            self.days[day] = self._load_day(day) if self._load_day else 0
        return self.days[day]

    def clear_dirty(self) -> None:
        """Forget which rows changed (after they were written)."""
        self.dirty_incidents.clear()
        self.dirty_orders.clear()
        self.dirty_days.clear()
        self.ringing.clear()

    def apply(self, event: Event, at: str | None = None) -> None:
        """Fold one event (with its ``seq`` assigned) into the projections.

        Rows are updated in place: every row object belongs to this projection
        alone (built here or freshly loaded), and a fold touches 100k of them.

        Args:
            event: The event.
            at: ``rfc3339(event.at)`` when the caller has it already (the append
                wrote it, a replay read it); formatted here otherwise.
        """
        kind = event.type
        if at is None and kind in _TIMED:
            at = rfc3339(event.at)
        first_step = _FIRST_STEPS.get(kind)
        if first_step is not None:
            first_step(self, event, at)
        incident_id = event.incident
        if not incident_id:
            return
        try:  # inlined self.incident(): the row is nearly always in memory
            inc = self.incidents[incident_id]
        except KeyError:
            inc = self.incident(incident_id)
        if inc is None:
            return
        incident_step = _INCIDENT_STEPS.get(kind)
        if incident_step is not None:
            incident_step(self, inc, event, at)
        inc.last_seq = event.seq or inc.last_seq
        self.dirty_incidents.add(inc.id)

    def _open(self, event: Event, at: str) -> None:
        assert event.incident
        data = event.data
        location = _location_columns(data["location"]) if data.get("location") else {}
        self._put(Incident(
            id=event.incident,
            opened_at=at,
            kind=data.get("kind"),
            priority=data.get("priority"),
            calls=1 if data.get("call") else 0,
            operator=event.actor,
            last_seq=event.seq or 0,
            **location,  # type: ignore[arg-type]
        ))
        try:
            day, number = split_incident_id(event.incident)
        except ValueError:
            return  # ids from another scheme (imports) do not move the counter
        if number > self.last_number(day):
            self.days[day] = number
            self.dirty_days.add(day)

    def _merge(self, event: Event, merged: list[str]) -> int:
        """Mark the merged incidents; return how many calls move to the survivor."""
        moved = 0
        for other_id in merged:
            other = self.incident(other_id)
            if other is None or other.id == event.incident:
                continue
            moved += other.calls
            mark_merged(other, event.incident)
            other.calls = 0
            other.last_seq = event.seq or other.last_seq
            self._put(other)
        return moved

    def _order_sent(self, event: Event, at: str | None) -> None:
        data = event.data
        order_id = data.get("order")
        if not order_id:
            return
        payload = data.get("payload", {})
        self.outbox[order_id] = OutboxEntry(
            order=order_id,
            incident=event.incident,
            address=str(data.get("to", "")),
            topic=str(data.get("topic", "")),
            payload=payload if isinstance(payload, str) else canonical_json(payload),
            sent_seq=event.seq or 0,
            sent_at=at,
            sender=data.get("console"),
        )
        self.dirty_orders.add(order_id)

    def _put(self, inc: Incident) -> None:
        self.incidents[inc.id] = inc
        self.dirty_incidents.add(inc.id)


# -- what each event type changes ---------------------------------------------
# Plain dicts keyed by type: one lookup per event instead of a chain of enum
# comparisons.  Each step mutates rows owned by the projection (see ``apply``).

def _opened(proj: Projection, event: Event, at: str | None) -> None:
    if event.incident:
        proj._open(event, at or "")
    call = event.data.get("call")
    if isinstance(call, str):
        proj.ringing[call] = None


def _rang(proj: Projection, event: Event, at: str | None) -> None:
    call = event.data.get("call")
    if isinstance(call, str) and event.seq:
        proj.ringing[call] = event.seq


def _known(proj: Projection, data: dict) -> OutboxEntry | None:
    """The outbox entry the event's ``order`` names, if the projection knows it."""
    order_id = data.get("order")
    if not isinstance(order_id, str):
        return None
    try:
        return proj.outbox[order_id]
    except KeyError:
        return proj.order(order_id)


def _delivered(proj: Projection, event: Event, at: str | None) -> None:
    entry = _known(proj, event.data)
    if entry is not None:
        entry.state, entry.delivered_at = "delivered", at
        proj.dirty_orders.add(entry.order)


def _resent(proj: Projection, event: Event, at: str | None) -> None:
    entry = _known(proj, event.data)
    if entry is not None:
        entry.state, entry.delivered_at, entry.sent_at = "pending", None, at
        entry.attempts += 1
        entry.sender = event.data.get("console") or entry.sender
        proj.dirty_orders.add(entry.order)


def _timeout(proj: Projection, event: Event, at: str | None) -> None:
    entry = _known(proj, event.data)
    if entry is not None:
        entry.timeouts += 1
        proj.dirty_orders.add(entry.order)


def _cancelled(proj: Projection, event: Event, at: str | None) -> None:
    entry = _known(proj, event.data)
    if entry is not None:
        # No more sends, timeouts or resends: the cancellation is its own order.
        entry.state, entry.status, entry.status_at = "cancelled", "cancelled", at
        proj.dirty_orders.add(entry.order)


def _order_status(proj: Projection, event: Event, at: str | None) -> None:
    data = event.data
    status = data.get("status")
    if not status:  # an empty report changes nothing
        return
    entry = _known(proj, data)
    if entry is not None:
        entry.status, entry.status_at = str(status), at
        proj.dirty_orders.add(entry.order)


#: What an event does before its incident's row is touched (opening it, or
#: changing an outbox row).
_FIRST_STEPS: dict[str, Callable[[Projection, Event, str | None], None]] = {
    EventType.INCIDENT_OPENED.value: _opened,
    EventType.CALL_RECEIVED.value: _rang,
    EventType.ORDER_SENT.value: Projection._order_sent,
    EventType.ORDER_DELIVERED.value: _delivered,
    EventType.ORDER_RESENT.value: _resent,
    EventType.ORDER_TIMEOUT.value: _timeout,
    EventType.ORDER_CANCELLED.value: _cancelled,
    EventType.ORDER_STATUS.value: _order_status,
}


def _located(proj: Projection, inc: Incident, event: Event, at: str | None) -> None:
    for name, value in _location_columns(event.data.get("location") or {}).items():
        setattr(inc, name, value)


def _playbook(proj: Projection, inc: Incident, event: Event, at: str | None) -> None:
    if event.data.get("playbook"):
        inc.kind = event.data["playbook"]


def _priority(proj: Projection, inc: Incident, event: Event, at: str | None) -> None:
    if event.data.get("priority") is not None:
        inc.priority = event.data["priority"]


def _lifecycle(proj: Projection, inc: Incident, event: Event, at: str | None) -> None:
    step_status(inc, event.type, at)  # the step the board takes too (model.STATUS_STEPS)


def _merged(proj: Projection, inc: Incident, event: Event, at: str | None) -> None:
    moved = proj._merge(event, event.data.get("merged") or [])
    inc.calls += moved


_INCIDENT_STEPS: dict[str, Callable[[Projection, Incident, Event, str | None], None]] = {
    EventType.LOCATION_SET.value: _located,
    EventType.PLAYBOOK_APPLIED.value: _playbook,
    EventType.PRIORITY_SET.value: _priority,
    EventType.INCIDENTS_MERGED.value: _merged,
    **dict.fromkeys(STATUS_STEPS, _lifecycle),
}

#: Types whose fold reads the event's time as text.
_TIMED = frozenset({
    EventType.INCIDENT_OPENED.value, EventType.ORDER_SENT.value, EventType.ORDER_DELIVERED.value,
    EventType.ORDER_RESENT.value, EventType.ORDER_CANCELLED.value, EventType.ORDER_STATUS.value,
    EventType.INCIDENT_RESOLVED.value, EventType.INCIDENT_CLOSED.value,
})


#: Location's fields, in order (what ``Location.to_dict`` holds).
_LOCATION_FIELDS = tuple(Location.__dataclass_fields__)
_SCALARS = (str, int, float, bool, type(None))


def _location_columns(raw: dict) -> dict[str, object]:
    loc = Location.from_dict(raw)
    values = {name: getattr(loc, name) for name in _LOCATION_FIELDS}
    # asdict deep-copies every field; for scalars (always, from JSON) the copy is
    # the value itself, and it costs more than the rest of the fold of the event.
    if not all(type(v) in _SCALARS for v in values.values()):
        values = loc.to_dict()
    return {
        "road": loc.road,
        "km": loc.km,
        "section": loc.section,
        "jurisdiction": loc.jurisdiction,
        "location": canonical_json(values),
    }

#: Types whose fold reads the event's data; for every other type only the
#: incident and seq matter, so a streaming rebuild need not decode the JSON.
READS_DATA = frozenset(_FIRST_STEPS) | frozenset({
    EventType.LOCATION_SET.value, EventType.PLAYBOOK_APPLIED.value,
    EventType.PRIORITY_SET.value, EventType.INCIDENTS_MERGED.value,
})
