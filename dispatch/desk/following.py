"""One fold of the floor's log for a seat: its own events and the others', in order.

:class:`Following` is the part of the :class:`~dispatch.desk.desk.Desk` that
records and folds: every event a seat appends, takes from the broker or finds
committed by another seat reaches the board through :meth:`Following.follow`'s
one path, in ``seq`` order, never twice; a command's write carries a guard,
and a conflict becomes :class:`~dispatch.errors.Changed` saying who changed what.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from dispatch.desk.board import Board
from dispatch.desk.roles import SYSTEM, Operator
from dispatch.errors import Changed, LogConflict
from dispatch.model import Event
from dispatch.timeline import Guard, Timeline
from dispatch.timeline.describe import describe

if TYPE_CHECKING:
    from dispatch.bus.console import ConsoleBus

log = logging.getLogger(__name__)


class Following:
    """Recording and folding for a desk (a mixin of :class:`~dispatch.desk.desk.Desk`)."""

    log: Timeline
    bus: ConsoleBus
    board: Board
    lang: str
    seen: int
    listeners: list[Callable[[Event], None]]
    _own: OrderedDict[str, None]

    def _heard(self, event: Event) -> None:
        """An event the bus recorded here (call, delivery, report, link change)."""
        self._mark_own(event)
        self._take(event)

    def follow(self) -> list[Event]:
        """Fold every event the log holds beyond :attr:`seen`, in ``seq`` order.

        Other seats' events and this seat's own take this one path, so every
        seat's board is the same fold of the same log.

        Returns:
            The events folded.
        """
        new = list(self.log.events(after_seq=self.seen))
        for event in new:
            # A listener's command may have folded further already (its own
            # catch-up): never fold an event twice, never move back.
            if (event.seq or 0) > self.seen:
                self._fold(event)
        return new

    def _take(self, *events: Event) -> None:
        """Fold events this seat just appended, keeping ``seq`` order with the others'."""
        for event in events:
            seq = event.seq
            if seq is None or seq <= self.seen:
                continue
            if seq != self.seen + 1:
                self.follow()  # another seat committed in between: read it all in order
                return
            self._fold(event)

    def _fold(self, event: Event) -> None:
        self.seen = event.seq or self.seen
        self.board.apply(event)
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                log.exception("desk listener failed")

    def _mark_own(self, event: Event) -> None:
        self._own[event.id] = None
        if len(self._own) > 4096:
            self._own.popitem(last=False)

    def recorded_here(self, event: Event) -> bool:
        """Whether this seat recorded the event (recently), not another seat."""
        return event.id in self._own

    def record(self, *events: Event, guard: Guard | None = None) -> list[Event]:
        """Append events in one commit, fold them and tell the listeners.

        Args:
            events: What to record.
            guard: Refuse if another operator changed these incidents since
                this seat looked (see :meth:`guard`).

        Returns:
            The events that were new (a fact already logged is left out).

        Raises:
            LogUnwritable: The log cannot be written (disk full, read-only):
                nothing was recorded; the message says what is wrong.
            Changed: The guard found another operator's change.
        """
        with self._conflicts():
            appended = self.log.append(*events, guard=guard)
        self._recorded(*appended)
        return appended

    def _recorded(self, *events: Event) -> None:
        for event in events:
            self._mark_own(event)
        self.bus.share(*events)
        self._take(*events)

    def guard(self, by: Operator, *incidents: str) -> Guard | None:
        """The condition for ``by``'s change of ``incidents``: nobody else changed them
        since this seat last folded the log (the system's own duties need none)."""
        if by.id == SYSTEM.id or not incidents:
            return None
        return Guard(tuple(incidents), self.seen, by.id)

    @contextmanager
    def _conflicts(self) -> Iterator[None]:
        try:
            yield
        except LogConflict as exc:
            self.follow()
            first = exc.changes[0]
            seats = {s.operator: s.seat for s in self.board.seats.values() if s.operator}
            raise Changed(self._who_changed(exc.changes), exc.changes).say(
                "changed", incident=first.incident, by=first.actor,
                seat=seats.get(first.actor, ""), event=first) from None

    def _who_changed(self, changes: list[Event]) -> str:
        first = changes[0]
        seats = {s.operator: s.seat for s in self.board.seats.values() if s.operator}
        said = "; ".join(
            f"{e.actor}{f' (seat {seats[e.actor]})' if e.actor in seats else ''}: "
            f"{describe(e, self.lang)}" for e in changes[-3:])
        return f"incident {first.incident} was changed meanwhile, nothing recorded — {said}"
