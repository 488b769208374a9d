"""Ending: cancelling an order, notes, merging duplicates, resolving and closing.

:class:`Ending` is the part of the :class:`~dispatch.desk.desk.Desk` that brings
an incident to its end: resolving or closing refuses while orders are not cleared
and, confirmed, cancels them first (the recipients are told), so nothing is
resent or escalated once an incident has ended.
"""

from __future__ import annotations

from collections.abc import Iterable

from dispatch.desk import orders
from dispatch.desk.asking import Asking
from dispatch.desk.roles import Operator
from dispatch.errors import DeskError
from dispatch.model import EventType, derived_id
from dispatch.playbook import PhraseHit


class Ending(Asking):
    """The end of an incident (a part of :class:`~dispatch.desk.desk.Desk`)."""

    def cancel_order(self, by: Operator, incident: str, order: str, reason: str) -> str:
        """Cancel a sent order (supervisors): the recipient gets a ``cancel`` order.

        Returns:
            The id of the cancellation message.
        """
        self._allow(by, "cancel_order", incident)
        return orders.cancel_order(self, by, incident, order, reason)

    def note(self, by: Operator, incident: str, text: str) -> list[PhraseHit]:
        """Add a note; forbidden phrases are flagged (in the event and the return value)."""
        self._allow(by, "note", incident)
        self.incident(incident, open_only=False)
        hits = self.service.check(text, note=True) if self.service else []
        self.record(self.event(EventType.NOTE_ADDED, by, incident, text=text,
                               flagged=[h.id for h in hits]))
        return hits

    def merge(self, by: Operator, into: str, others: Iterable[str], reason: str = "") -> None:
        """Merge duplicate incidents into ``into`` (their calls and orders move over)."""
        self._allow(by, "merge", into)
        self.incident(into)
        merged = [i for i in others if i != into]
        for other in merged:
            self.incident(other)
        if merged:
            event = self.event(EventType.INCIDENTS_MERGED, by, into, merged=merged,
                               reason=reason)
            # Two seats spotting one duplicate merge it once.
            event.id = derived_id(EventType.INCIDENTS_MERGED, into, *sorted(merged))
            self.record(event, guard=self.guard(by, into, *merged))

    def resolve(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """The job is done on the road.

        Raises:
            Outstanding: Orders are not cleared; call again with ``cancel_orders`` to
                cancel them (their recipients are told) and resolve.
        """
        self._allow(by, "resolve", incident)
        orders.settle(self, by, self.incident(incident), "resolve", cancel_orders)
        self.record(self.event(EventType.INCIDENT_RESOLVED, by, incident),
                    guard=self.guard(by, incident))

    def close(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """Close the incident (a complaint only after its callback is recorded).

        Raises:
            Outstanding: Orders are not cleared; call again with ``cancel_orders`` to
                cancel them (their recipients are told) and close.
        """
        self._allow(by, "close", incident)
        inc = self.incident(incident, open_only=False)
        if inc.status in ("closed", "merged"):
            raise DeskError(f"incident {incident} is already {inc.status}")
        if inc.kind == "complaint" and inc.callback_at is None:
            raise DeskError("a complaint closes only after the callback is recorded")
        orders.settle(self, by, inc, "close", cancel_orders)
        self.record(self.event(EventType.INCIDENT_CLOSED, by, incident),
                    guard=self.guard(by, incident))

    def reopen(self, by: Operator, incident: str) -> None:
        """Reopen a resolved or closed incident (supervisors)."""
        self._allow(by, "reopen", incident)
        inc = self.incident(incident, open_only=False)
        if inc.status not in ("resolved", "closed"):
            raise DeskError(f"incident {incident} is {inc.status}, not resolved or closed")
        self.record(self.event(EventType.INCIDENT_REOPENED, by, incident),
                    guard=self.guard(by, incident))

    def record_investigation(self, by: Operator, incident: str, finding: str) -> None:
        """The unit complained about has investigated (complaints)."""
        self._allow(by, "record_investigation", incident)
        self.incident(incident)
        self.record(self.event(EventType.INVESTIGATION_RECORDED, by, incident, finding=finding))

    def record_callback(self, by: Operator, incident: str, satisfied: bool,
                        note: str = "") -> None:
        """The complainant was called back; record satisfaction (complaints)."""
        self._allow(by, "record_callback", incident)
        self.incident(incident, open_only=False)
        self.record(self.event(EventType.CALLBACK_RECORDED, by, incident, satisfied=satisfied,
                               note=note))
