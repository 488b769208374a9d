"""Replay: rebuild incidents event by event with the same folds as the live console.

Both folds run: the log's projection (incidents, outbox) and the desk's board
(calls, orders, modes).  A replayed log therefore ends in exactly the state
the live console ended in; trainers step through it for after-action review.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dispatch.desk.board import Board
from dispatch.model import Event
from dispatch.timeline import Projection, Timeline, decode_rows
from dispatch.timeline.rows import bulk_allocation


@dataclass
class Step:
    """One replayed event and where it happened relative to the start."""

    n: int
    event: Event
    offset_s: float


class Replay:
    """A log replayed into fresh folds.

    Args:
        events: The events, in log order.
        times: Each event's ``rfc3339(at)``, when the reader has it (see
            :func:`decode_rows`); the projection formats the times otherwise.
    """

    def __init__(self, events: Iterable[Event], times: Sequence[str] | None = None) -> None:
        self.events = list(events)
        if times is not None and len(times) != len(self.events):
            raise ValueError(f"{len(times)} times for {len(self.events)} events")
        self._times = times
        self.board = Board()
        self.projection = Projection()
        self.position = 0

    @classmethod
    def of(cls, log: Timeline, incident: str | None = None) -> Replay:
        """Replay a whole log, or one incident of it."""
        # Decoded in bulk with their stored times: a whole log is 100k events.
        return cls(*decode_rows(log.event_rows(incident or None)))

    @property
    def done(self) -> bool:
        """Whether every event has been applied."""
        return self.position >= len(self.events)

    def step(self) -> Step | None:
        """Apply the next event; ``None`` at the end."""
        if self.done:
            return None
        event = self.events[self.position]
        self.position += 1
        self.board.apply(event)
        self.projection.apply(event, self._times[self.position - 1] if self._times else None)
        start = self.events[0].at
        return Step(self.position, event, (event.at - start).total_seconds())

    def run(self) -> None:
        """Apply everything left at once."""
        # What step() does, without a Step per event nobody looks at.
        board, projection, times = self.board.apply, self.projection.apply, self._times
        start = self.position
        with bulk_allocation():
            for n, event in enumerate(self.events[start:], start):
                self.position = n + 1
                board(event)
                projection(event, times[n] if times else None)

    async def play(self, speed: float, on_step: Callable[[Step], None]) -> None:
        """Apply events at ``speed`` times their recorded pace, calling ``on_step`` for each."""
        previous: float | None = None
        while (step := self.step()) is not None:
            if previous is not None and speed > 0:
                await asyncio.sleep(max(0.0, step.offset_s - previous) / speed)
            previous = step.offset_s
            on_step(step)
