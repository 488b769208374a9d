"""Deadlines on the injected clock: answer, dispatch, on scene, complaint follow-up.

A deadline runs from its start event until the event that meets it.  Past
due, it becomes one ``deadline_breached`` event (and an alert on the board);
the acknowledgement deadline of each order is the bus's (``order_timeout``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dispatch.clock import rfc3339
from dispatch.model import Event, EventType, derived_id

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk


@dataclass(frozen=True)
class Deadline:
    """One running deadline."""

    kind: str
    due_at: datetime
    incident: str | None = None
    call: str | None = None
    breached: bool = False


def _playbook_deadlines(desk: Desk, kind: str | None) -> dict[str, int]:
    if not kind or kind not in desk.playbooks:
        return {}
    return {d.id: d.seconds for d in desk.playbooks.get(kind).deadlines}


def running(desk: Desk) -> list[Deadline]:
    """Every deadline not yet met, soonest first (breached ones included)."""
    board, sla = desk.board, desk.sla
    out = [Deadline("answer", c.at + timedelta(seconds=sla.answer_s), call=c.id,
                    breached=c.id in board.breached_calls) for c in board.ringing()]
    for inc in board.open_incidents():
        limits = _playbook_deadlines(desk, inc.kind)
        first = inc.first_order_at
        if "dispatch" in limits and first is None:
            out.append(Deadline("dispatch", inc.opened_at + timedelta(seconds=limits["dispatch"]),
                                inc.id, breached="dispatch" in inc.breached))
        if "on_scene" in limits and first is not None and not any(
                o.first("on_scene") or o.first("cleared") for o in inc.orders.values()):
            out.append(Deadline("on_scene", first + timedelta(seconds=limits["on_scene"]),
                                inc.id, breached="on_scene" in inc.breached))
        for kind, met in (("investigate", inc.investigated_at), ("callback", inc.callback_at)):
            if kind in limits and met is None:
                out.append(Deadline(kind, inc.opened_at + timedelta(seconds=limits[kind]),
                                    inc.id, breached=kind in inc.breached))
    return sorted(out, key=lambda d: d.due_at)


def check(desk: Desk) -> list[Event]:
    """Record a breach for every deadline that has just passed."""
    now = desk.clock.now()
    events = []
    for d in running(desk):
        if d.breached or d.due_at > now:
            continue
        event = desk.event(EventType.DEADLINE_BREACHED, "system", d.incident, deadline=d.kind,
                           due_at=rfc3339(d.due_at), **({"call": d.call} if d.call else {}))
        # One breach per deadline, however often (or by however many seats) it is noticed.
        event.id = derived_id(EventType.DEADLINE_BREACHED, d.kind, d.incident or d.call,
                              rfc3339(d.due_at))
        events.append(event)
    return desk.record(*events) if events else []
