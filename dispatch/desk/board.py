"""The desk's picture of the floor, folded from events: calls, incidents, orders, mode.

:class:`Board` is pure: :meth:`Board.apply` takes one event and updates the
picture.  The live desk applies every event it records or hears; replay
applies the events of a log in order, so a replayed board equals the live
one.  Screens read the board; they never keep state of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The views the board holds (kept with it under their old names for its readers).
from dispatch.desk.views import Alert, CallView, IncidentView, OrderView, SeatView
from dispatch.model import (
    ORDER_RANK,
    STATUS_STEPS,
    Event,
    EventType,
    OrderState,
    mark_merged,
    step_status,
)
from dispatch.safe import safe_data, safe_text

#: Order states in the order they advance (a late report never moves one back).
_RANK = ORDER_RANK


class Board:
    """The floor, folded from events."""

    def __init__(self, console: str | None = None) -> None:
        #: The console whose link the board's ``link_up`` follows (``None``:
        #: any console's, as a replay of the whole floor shows it).
        self.console = console
        self.links: dict[str, tuple[bool, datetime]] = {}
        self.seats: dict[str, SeatView] = {}
        self.calls: dict[str, CallView] = {}
        self.incidents: dict[str, IncidentView] = {}
        self.order_incident: dict[str, str] = {}
        self.mode = "normal"
        #: The ``seq`` of the last mode change: what names a mode episode, so
        #: that every seat derives the same ids for the same switch.
        self.mode_seq = 0
        self.mode_incident: dict[str, str] = {}
        self.link_up: bool | None = None
        self.link_since: datetime | None = None
        self.alerts: list[Alert] = []
        self.call_times: list[datetime] = []
        self.breached_calls: set[str] = set()
        self.last_seq = 0

    # -- queries ------------------------------------------------------------

    def ringing(self) -> list[CallView]:
        """Calls not yet answered, oldest first."""
        return sorted((c for c in self.calls.values() if c.answered_at is None),
                      key=lambda c: c.at)

    def open_incidents(self) -> list[IncidentView]:
        """Incidents still being worked, oldest first."""
        return [i for i in self.incidents.values() if i.open]

    def owned(self, operator: str) -> list[IncidentView]:
        """The incidents an operator answers for that are not closed yet."""
        return [i for i in self.incidents.values()
                if i.owner == operator and i.status in ("open", "resolved")]

    def seat_state(self, seat: str, now: datetime) -> tuple[str, datetime]:
        """What a seat is doing (``free``, ``call``, ``wrap_up``, ``away``) and since when.

        On a call: from answering until the first order goes out or the
        incident is resolved; wrap-up: it still owns incidents that are not
        closed; free: nothing of its own left open.
        """
        view = self.seats[seat]
        if view.left_at is not None or not view.operator:
            return "away", view.left_at or view.joined_at
        mine = self.owned(view.operator)
        calling = [i for i in mine if i.open and not i.orders]
        if calling:
            return "call", min(i.opened_at for i in calling)
        if mine:
            return "wrap_up", max(i.first_order_at or i.resolved_at or i.opened_at for i in mine)
        closed = [i.closed_at for i in self.incidents.values()
                  if i.owner == view.operator and i.closed_at]
        return "free", max([view.joined_at, *closed])

    def free_seats(self, now: datetime) -> list[str]:
        """Seats open with nothing of their own on hand."""
        return [s for s in self.seats if self.seat_state(s, now)[0] == "free"]

    def waiting_orders(self) -> list[OrderView]:
        """Orders not yet acknowledged by the broker (waiting in the outbox)."""
        return [o for i in self.incidents.values() for o in i.orders.values()
                if o.state == OrderState.SENT.value]

    # -- the fold -------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event into the board."""
        if (seq := event.seq) and seq > self.last_seq:
            self.last_seq = seq
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(self, event)

    def _incident(self, event: Event) -> IncidentView | None:
        return self.incidents.get(event.incident or "")

    def _order(self, event: Event) -> OrderView | None:
        oid = event.data.get("order")
        inc = self.incidents.get(self.order_incident.get(oid) or "") if oid else None
        return inc.orders.get(oid) if inc else None

    def _alert(self, event: Event, kind: str, **text: Any) -> None:
        self.alerts.append(Alert(event.at, kind, event.incident, text))
        del self.alerts[:-200]  # the screen shows the latest; the log keeps them all


def _call_received(b: Board, e: Event) -> None:
    d = e.data
    call_id = d.get("call") or e.id
    # The board is what screens draw: callers' text is made safe here, once
    # (the log keeps what was said).
    b.calls[call_id] = CallView(call_id, e.at, safe_data(dict(d.get("caller") or {})),
                                safe_text(d.get("says", "")), safe_data(d.get("location")),
                                safe_data(dict(d.get("answers") or {})))
    b.call_times.append(e.at)
    del b.call_times[:-1000]


def _call_answered(b: Board, e: Event) -> None:
    call = b.calls.get(e.data.get("call", ""))
    if call:
        call.answered_at, call.answered_by = e.at, e.actor
        call.answered_seat = e.data.get("seat")
    seat = b.seats.get(e.data.get("seat") or "")
    if seat:
        seat.answered += 1
        seat.last_answer_at = e.at


def _opened(b: Board, e: Event) -> None:
    assert e.incident
    d = e.data
    inc = IncidentView(e.incident, e.at, e.actor, kind=d.get("kind"), priority=d.get("priority"),
                       auto=d.get("auto"), owner=e.actor, owner_seat=d.get("seat"))
    if d.get("call"):
        inc.calls.append(d["call"])
        call = b.calls.get(d["call"])
        if call:
            call.incident = e.incident
            if call.answered_at is None:
                call.answered_at, call.answered_by = e.at, e.actor
    if d.get("auto"):
        b.mode_incident[d["auto"]] = e.incident
    b.incidents[e.incident] = inc


def _location(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.location = safe_data(dict(e.data.get("location") or {}))
        inc.location_from_call = bool(e.data.get("from_call"))
        inc.location_disagrees = safe_data(e.data.get("disagrees")) or None
        inc.recipients = dict(e.data.get("recipients") or {})


def _playbook(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.kind = e.data.get("playbook")


def _answer(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc and e.data.get("question"):
        inc.answers[e.data["question"]] = e.data.get("value")


def _advice(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc and e.data.get("advice") and e.data["advice"] not in inc.advice:
        inc.advice.append(e.data["advice"])


def _priority(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.priority = e.data.get("priority")
        inc.priority_source = e.data.get("source") or "operator"


def _order_sent(b: Board, e: Event) -> None:
    inc, d = b._incident(e), e.data
    if inc and d.get("order"):
        inc.orders[d["order"]] = OrderView(d["order"], d.get("to", ""), d.get("kind", ""), e.at,
                                           history=[(e.at, "sent")])
        b.order_incident[d["order"]] = inc.id
        if d.get("kind") == "traffic_control":
            inc.traffic_control = True


def _advance(order: OrderView, state: str, at: datetime) -> None:
    order.history.append((at, state))
    if _RANK.get(state, -1) > _RANK.get(order.state, -1):
        order.state = state


def _delivered(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:
        _advance(order, OrderState.DELIVERED.value, e.at)


def _status(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:
        d = e.data
        _advance(order, str(status := d.get("status")), e.at)
        order.eta_s = d.get("eta_s", order.eta_s)
        order.note = safe_text(d["note"]) if d.get("note") else order.note
        if status == "declined":
            b._alert(e, "declined", to=order.to, note=order.note)


def _timeout(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:
        order.timed_out = True
        b._alert(e, "order_timeout", to=order.to)


def _escalated(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:
        order.escalated_phone = e.data.get("phone")
        b._alert(e, "escalated", to=order.to, phone=order.escalated_phone)


def _resent(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:
        order.attempts += 1
        order.state = OrderState.SENT.value if order.state == "delivered" else order.state


def _cancelled(b: Board, e: Event) -> None:
    order = b._order(e)
    if order:  # a supervisor's decision: the order stops whatever state it reached
        order.history.append((e.at, "cancelled"))
        order.state, order.note = "cancelled", safe_text(e.data.get("reason", order.note))


def _note(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.notes.append((e.at, e.actor, safe_text(e.data.get("text", ""), lines=True)))


def _merged(b: Board, e: Event) -> None:
    into = b._incident(e)
    if not into:
        return
    for other_id in e.data.get("merged") or []:
        other = b.incidents.get(other_id)
        if other is None or other is into:
            continue
        mark_merged(other, into.id)
        into.calls.extend(c for c in other.calls if c not in into.calls)
        into.merged.append(other.id)
        for oid, order in other.orders.items():
            into.orders.setdefault(oid, order)
            b.order_incident[oid] = into.id
        other.calls = []


def _lifecycle(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        step_status(inc, e.type, e.at)  # the projection's step too (model.STATUS_STEPS)


def _mode(b: Board, e: Event) -> None:
    b.mode = e.data.get("mode", "normal")
    b.mode_seq = e.seq or b.mode_seq
    b._alert(e, "mode", mode=b.mode)


def _link(b: Board, e: Event) -> None:
    up, console = e.type == EventType.LINK_UP, str(e.data.get("console") or "")
    b.links[console] = (up, e.at)
    if b.console is None or console == b.console:
        b.link_up, b.link_since = up, e.at


def _transferred(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        d = e.data
        inc.transfers.append((e.at, str(d.get("owner") or ""), str(d.get("to") or ""),
                              safe_text(d.get("reason", ""))))
        inc.owner, inc.owner_seat = d.get("to"), d.get("seat")
        b._alert(e, "transferred", owner=d.get("owner"), to=d.get("to"),
                 reason=safe_text(d.get("reason", "")))


def _seat_joined(b: Board, e: Event) -> None:
    d = e.data
    seat = str(d.get("seat") or "")
    known = b.seats.get(seat)
    if known is None or known.left_at is not None:
        known = b.seats[seat] = SeatView(seat, e.at)
    known.operator, known.role = d.get("operator") or known.operator, d.get("role") or known.role
    known.host, known.console = d.get("host"), d.get("console")


def _seat_left(b: Board, e: Event) -> None:
    seat = b.seats.get(str(e.data.get("seat") or ""))
    if seat:
        seat.left_at = e.at
        if seat.console:
            b.links.pop(seat.console, None)  # a seat that left is no outage


def _breach(b: Board, e: Event) -> None:
    deadline = e.data.get("deadline", "")
    inc = b._incident(e)
    if inc:
        inc.breached.add(deadline)
    elif e.data.get("call"):
        b.breached_calls.add(e.data["call"])
    b._alert(e, "breach", deadline=deadline, call=e.data.get("call"))


def _investigated(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.investigated_at = e.at


def _callback(b: Board, e: Event) -> None:
    inc = b._incident(e)
    if inc:
        inc.callback_at = e.at


def _refused(b: Board, e: Event) -> None:
    b._alert(e, "refused", command=e.data.get("command"), reason=e.data.get("reason"))


_HANDLERS = {
    EventType.CALL_RECEIVED: _call_received,
    EventType.CALL_ANSWERED: _call_answered,
    EventType.INCIDENT_OPENED: _opened,
    EventType.LOCATION_SET: _location,
    EventType.PLAYBOOK_APPLIED: _playbook,
    EventType.ANSWER_RECORDED: _answer,
    EventType.ADVICE_GIVEN: _advice,
    EventType.PRIORITY_SET: _priority,
    EventType.ORDER_SENT: _order_sent,
    EventType.ORDER_DELIVERED: _delivered,
    EventType.ORDER_STATUS: _status,
    EventType.ORDER_TIMEOUT: _timeout,
    EventType.ORDER_ESCALATED: _escalated,
    EventType.ORDER_RESENT: _resent,
    EventType.ORDER_CANCELLED: _cancelled,
    EventType.NOTE_ADDED: _note,
    EventType.INCIDENTS_MERGED: _merged,
    **dict.fromkeys(STATUS_STEPS, _lifecycle),
    EventType.MODE_CHANGED: _mode,
    EventType.LINK_DOWN: _link,
    EventType.LINK_UP: _link,
    EventType.DEADLINE_BREACHED: _breach,
    EventType.INVESTIGATION_RECORDED: _investigated,
    EventType.CALLBACK_RECORDED: _callback,
    EventType.COMMAND_REFUSED: _refused,
    EventType.INCIDENT_TRANSFERRED: _transferred,
    EventType.SEAT_JOINED: _seat_joined,
    EventType.SEAT_LEFT: _seat_left,
}
