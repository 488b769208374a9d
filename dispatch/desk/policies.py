"""The desk's automatic duties, as listeners above it: deadlines and modes.

The desk records, folds and checks commands; what happens *by itself* —
a deadline breached, the outage or peak mode switching, duplicates merged
during a peak, the public advisory of a mode — lives here and reaches the
desk only through its public commands, its listeners and its duties (what
:meth:`Desk.tick <dispatch.desk.desk.Desk.tick>` runs).  The autopilot is
the same kind of thing for the operator's work.  :func:`attach` is called by
the one factory (:func:`~dispatch.desk.factory.build_desk`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.desk import modes, timers
from dispatch.model import Event, EventType

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk


class Policies:
    """Deadlines and automatic modes for one desk.

    Every seat of a floor runs them; the facts they record have ids derived
    from their cause, so each is recorded once (DESIGN, *The floor*).
    """

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def heard(self, event: Event) -> None:
        """Every seat sees a surge of calls; an incident placed here is checked for
        duplicates here (a merge is the placing seat's)."""
        desk = self.desk
        if event.type == EventType.CALL_RECEIVED:
            modes.on_call(desk)
        elif (event.type in (EventType.LOCATION_SET, EventType.PLAYBOOK_APPLIED)
              and event.incident and desk.recorded_here(event)):
            modes.on_placed(desk, event.incident)

    def deadlines(self) -> list[Event]:
        """Record a breach for every deadline just past."""
        return timers.check(self.desk)

    def switch_modes(self) -> list[Event]:
        """Enter or leave outage and peak on the clock."""
        return modes.check(self.desk)


def attach(desk: Desk) -> Policies:
    """Put the policies above ``desk``: a listener and two duties of its tick."""
    policies = Policies(desk)
    desk.listeners.append(policies.heard)
    desk.duties.extend([policies.deadlines, policies.switch_modes])
    return policies
