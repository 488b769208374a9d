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
from dispatch.desk.board import IncidentView
from dispatch.desk.roles import Operator
from dispatch.errors import DeskError
from dispatch.model import FINAL_STATES, EventType, new_id

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk

#: The order kind of a cancellation.
CANCEL = "cancel"
#: States after which cancelling means nothing (the recipient is done or said no).
_FINAL = FINAL_STATES


def build_order(desk: Desk, by: Operator, inc: IncidentView, service: str,
                kind: str) -> OrderMessage:
    """The order for one service of an incident, with the call's details."""
    calls = [desk.board.calls[c] for c in inc.calls if c in desk.board.calls]
    caller = calls[0].caller if calls else {}
    summary = "; ".join(c.says for c in calls[:3])[:1000]
    priority = inc.priority
    if priority is None and inc.kind:
        priority = desk.guidance(inc.id).priority
    return OrderMessage.model_validate({
        "schema": "dispatch.order/1", "id": new_id(), "at": desk.clock.now(),
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
