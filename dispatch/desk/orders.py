"""Building orders for an incident, and cancelling one that was sent.

A cancellation is itself a ``dispatch.order/1`` message to the same recipient:
same incident, ``kind = "cancel"``, ``summary`` naming the cancelled order id,
sent through the outbox like any order (so it survives a crash and is
acknowledged).  The ``order_cancelled`` event stops the cancelled order's
acknowledgement deadline and resends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.bus.payloads import OrderMessage
from dispatch.desk.board import IncidentView, OrderView
from dispatch.desk.roles import Operator
from dispatch.errors import DeskError, Outstanding
from dispatch.model import FINAL_STATES, EventType, new_id

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk

#: The order kind of a cancellation.
CANCEL = "cancel"
#: States after which cancelling means nothing (the recipient is done or said no).
_FINAL = FINAL_STATES


def build_order(desk: Desk, by: Operator, inc: IncidentView, service: str,
                kind: str, order_id: str | None = None) -> OrderMessage:
    """The order for one service of an incident, with the call's details (``order_id``:
    a system duty's derived one; default a new id)."""
    calls = [desk.board.calls[c] for c in inc.calls if c in desk.board.calls]
    caller = calls[0].caller if calls else {}
    summary = "; ".join(c.says for c in calls[:3])[:1000]
    priority = inc.priority
    if priority is None and inc.kind:
        priority = desk.guidance(inc.id).priority
    return OrderMessage.model_validate({
        "schema": "dispatch.order/1", "id": order_id or new_id(), "at": desk.clock.now(),
        "center": desk.log.center, "drill": desk.log.drill, "incident": inc.id,
        "to": desk.address(inc, service), "kind": kind, "priority": priority or 3,
        "location": dict(inc.location), "summary": summary,
        "answers": {k: v for k, v in inc.answers.items() if v is not None},
        "advice_given": inc.advice, "caller": caller, "operator": by.id})


def cancel_order(desk: Desk, by: Operator, incident: str, order: str, reason: str) -> str:
    """Cancel a sent order (the role check is the caller's); return the cancellation's id.

    Raises:
        DeskError: No such order on the incident, already final, or no reason given.
    """
    if not reason.strip():
        raise DeskError("say why the order is cancelled")
    inc = desk.incident(incident, open_only=False)
    sent = inc.orders.get(order)
    if sent is None:
        raise DeskError(f"incident {incident} has no order {order}")
    if sent.kind == CANCEL:
        raise DeskError(f"order {order} is itself a cancellation")
    if sent.state in _FINAL:
        raise DeskError(f"order {order} to {sent.to} is already {sent.state}")
    desk.record(desk.event(EventType.ORDER_CANCELLED, by, incident, order=order, to=sent.to,
                           reason=reason))
    message = OrderMessage.model_validate({
        "schema": "dispatch.order/1", "id": new_id(), "at": desk.clock.now(),
        "center": desk.log.center, "drill": desk.log.drill, "incident": incident,
        "to": sent.to, "kind": CANCEL, "priority": inc.priority or 3,
        "location": dict(inc.location),
        "summary": f"CANCELLED order {order}: {reason}"[:4000], "operator": by.id})
    desk.bus.send_order(message, by.id, cancels=order, reason=reason)
    return message.id


def outstanding(inc: IncidentView) -> list[OrderView]:
    """The orders of an incident a recipient may still act on (not cleared, declined
    or cancelled, and not themselves cancellations)."""
    return [o for o in inc.orders.values() if o.kind != CANCEL and o.state not in _FINAL]


def settle(desk: Desk, by: Operator, inc: IncidentView, step: str, cancel: bool) -> None:
    """Before resolving or closing (``step``): refuse, or cancel what is outstanding.

    An incident that ends with units still on their way would keep them driving, and
    the outbox resending and escalating: the operator confirms, and every recipient
    still at work is told (a ``cancel`` order, as a supervisor's cancel does).

    Raises:
        Outstanding: Orders are outstanding and ``cancel`` is false (nothing recorded).
    """
    waiting = outstanding(inc)
    if not waiting:
        return
    if not cancel:
        listing = ", ".join(f"{o.to} ({o.state})" for o in waiting)
        raise Outstanding(f"incident {inc.id} still has {len(waiting)} order(s) not cleared: "
                          f"{listing}; confirm to cancel them and {step}", inc.id, waiting) \
            .say("outstanding", incident=inc.id, count=len(waiting), step=step)
    for order in waiting:
        cancel_order(desk, by, inc.id, order.id, f"incident {step}d")  # resolved, closed
