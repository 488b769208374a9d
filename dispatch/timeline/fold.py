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
from dataclasses import replace

from dispatch.clock import rfc3339
from dispatch.model import Event, EventType, Incident, IncidentStatus, Location, OutboxEntry

IncidentLoader = Callable[[str], Incident | None]
OrderLoader = Callable[[str], OutboxEntry | None]
DayLoader = Callable[[str], int]


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces (the form that is stored and signed)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
        self.dirty_incidents: set[str] = set()
        self.dirty_orders: set[str] = set()
        self.dirty_days: set[str] = set()
        self._load_incident = load_incident
        self._load_order = load_order
        self._load_day = load_day

    def incident(self, incident_id: str) -> Incident | None:
        """The incident as folded so far (``None`` if never opened)."""
        if incident_id not in self.incidents:
            loader = self._load_incident
            self.incidents[incident_id] = loader(incident_id) if loader else None
        return self.incidents[incident_id]

    def order(self, order_id: str) -> OutboxEntry | None:
        """The outbox entry of an order (``None`` if never sent)."""
        if order_id not in self.outbox:
            loader = self._load_order
            self.outbox[order_id] = loader(order_id) if loader else None
        return self.outbox[order_id]

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

    def apply(self, event: Event) -> None:
        """Fold one event (with its ``seq`` assigned) into the projections."""
        kind = event.type
        at = rfc3339(event.at)
        data = event.data
        if kind == EventType.INCIDENT_OPENED and event.incident:
            self._open(event, at)
        elif kind == EventType.ORDER_SENT:
            self._order_sent(event)
        elif kind == EventType.ORDER_DELIVERED:
            self._order_change(data.get("order"), state="delivered", delivered_at=at)
        elif kind == EventType.ORDER_RESENT:
            entry = self._known_order(data.get("order"))
            if entry:
                self._order_change(entry.order, state="pending", delivered_at=None, sent_at=at,
                                   attempts=entry.attempts + 1)
        elif kind == EventType.ORDER_TIMEOUT:
            entry = self._known_order(data.get("order"))
            if entry:
                self._order_change(entry.order, timeouts=entry.timeouts + 1)
        elif kind == EventType.ORDER_CANCELLED:
            # No more sends, timeouts or resends: the cancellation is its own order.
            self._order_change(data.get("order"), state="cancelled", status="cancelled",
                               status_at=at)
        elif kind == EventType.ORDER_STATUS and data.get("status"):
            self._order_change(data.get("order"), status=str(data["status"]), status_at=at)
        if not event.incident:
            return
        inc = self.incident(event.incident)
        if inc is None:
            return
        changes: dict[str, object] = {"last_seq": event.seq or inc.last_seq}
        if kind == EventType.LOCATION_SET:
            changes.update(_location_columns(data.get("location") or {}))
        elif kind == EventType.PLAYBOOK_APPLIED and data.get("playbook"):
            changes["kind"] = data["playbook"]
        elif kind == EventType.PRIORITY_SET and data.get("priority") is not None:
            changes["priority"] = data["priority"]
        elif kind == EventType.INCIDENT_RESOLVED:
            changes.update(status=IncidentStatus.RESOLVED.value, resolved_at=at)
        elif kind == EventType.INCIDENT_CLOSED:
            changes.update(status=IncidentStatus.CLOSED.value, closed_at=at)
        elif kind == EventType.INCIDENT_REOPENED:
            changes.update(status=IncidentStatus.OPEN.value, resolved_at=None, closed_at=None)
        elif kind == EventType.INCIDENTS_MERGED:
            changes["calls"] = inc.calls + self._merge(event, data.get("merged") or [])
        self._put(replace(inc, **changes))  # type: ignore[arg-type]

    def _open(self, event: Event, at: str) -> None:
        assert event.incident
        data = event.data
        inc = Incident(
            id=event.incident,
            opened_at=at,
            kind=data.get("kind"),
            priority=data.get("priority"),
            calls=1 if data.get("call") else 0,
            operator=event.actor,
            last_seq=event.seq or 0,
        )
        if data.get("location"):
            inc = replace(inc, **_location_columns(data["location"]))  # type: ignore[arg-type]
        self._put(inc)
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
            self._put(
                replace(
                    other,
                    status=IncidentStatus.MERGED.value,
                    merged_into=event.incident,
                    calls=0,
                    last_seq=event.seq or other.last_seq,
                )
            )
        return moved

    def _order_sent(self, event: Event) -> None:
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
            sent_at=rfc3339(event.at),
        )
        self.dirty_orders.add(order_id)

    def _known_order(self, order_id: object) -> OutboxEntry | None:
        return self.order(order_id) if isinstance(order_id, str) else None

    def _order_change(self, order_id: object, **changes: object) -> None:
        entry = self._known_order(order_id)
        if entry is None:
            return
        self.outbox[entry.order] = replace(entry, **changes)  # type: ignore[arg-type]
        self.dirty_orders.add(entry.order)

    def _put(self, inc: Incident) -> None:
        self.incidents[inc.id] = inc
        self.dirty_incidents.add(inc.id)


def _location_columns(raw: dict) -> dict[str, object]:
    loc = Location.from_dict(raw)
    return {
        "road": loc.road,
        "km": loc.km,
        "section": loc.section,
        "jurisdiction": loc.jurisdiction,
        "location": canonical_json(loc.to_dict()),
    }
