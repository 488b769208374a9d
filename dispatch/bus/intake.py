"""Inbound messages on their way into the log, acknowledged only once committed.

See :class:`Intake`: the console bus hands it every message the broker
delivers; it commits a burst in one transaction and then PUBACKs each
message.  While the log cannot be written nothing is acknowledged: the
broker keeps the messages and the intake retries in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from dispatch.bus.link import Inbound
from dispatch.clock import rfc3339
from dispatch.errors import LogUnwritable
from dispatch.model import Event, EventType, derived_id
from dispatch.tasks import stop_task

if TYPE_CHECKING:
    from dispatch.bus.console import ConsoleBus

log = logging.getLogger(__name__)


#: Loop turns a message takes from the socket to the intake (read, queue, hand over).
_TURNS_PER_MESSAGE = 3


class Intake:
    """Inbound messages and system events on their way into the log.

    :meth:`take` checks a message at once and queues its event; a writer task
    commits everything queued in one transaction, tells the listeners, and
    only then acknowledges the messages to the broker.  If the log cannot be
    written, nothing is acknowledged and the writer retries every ``retry_s``
    seconds, in arrival order, until it can.

    Args:
        bus: The console bus whose log and listeners it serves.
        retry_s: Real seconds between attempts while the log cannot be written.
        max_batch: The most events one transaction takes.
    """

    def __init__(self, bus: ConsoleBus, retry_s: float = 1.0, max_batch: int = 500) -> None:
        self.bus = bus
        self.retry_s = retry_s
        self.max_batch = max_batch
        self._queue: list[tuple[Event, Inbound | None]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listening = False
        self._recovery: Event | None = None
        self.commits = 0
        self.acked = 0

    @property
    def waiting(self) -> int:
        """How many events wait for the log."""
        return len(self._queue)

    def take(self, message: Inbound) -> None:
        """The link's handler: check ``message`` and queue its event (or acknowledge it)."""
        event = self.bus.inbound_event(message.topic, message.payload)
        if event is None:
            message.ack()  # nothing to record (presence): nothing to lose
            return
        self._queue.append((event, message))
        self._wake.set()

    def later(self, *events: Event) -> None:
        """Queue system events that could not be written now."""
        self._queue.extend((event, None) for event in events)
        self._wake.set()

    def start(self) -> None:
        """Run the writer in a task of the running loop."""
        if not self._listening:
            self.bus.log.on_health(self._health)
            self._listening = True
        self._task = asyncio.get_running_loop().create_task(self._run(), name="intake")
        if self._queue:
            self._wake.set()

    def _health(self, fault: LogUnwritable | None) -> None:
        """The log stopped taking writes: keep trying, and say when it works again.

        The ``log_recovered`` event goes first in the queue: when a retry
        succeeds it records the fault's window, followed by everything that
        waited, in arrival order.  Trying to write it is also the probe that
        notices recovery when no call is waiting.
        """
        if fault is None or self._recovery is not None:
            if fault is None:
                self._recovery = None
            return
        since = self.bus.clock.now()
        event = self.bus.log.event(EventType.LOG_RECOVERED, "system",
                                   data={"fault": fault.state, "since": rfc3339(since),
                                         "reason": str(fault)[:300]})
        event.id = derived_id(EventType.LOG_RECOVERED, self.bus.console_id, rfc3339(since))
        self._recovery = event
        self._queue.insert(0, (event, None))
        self._wake.set()

    async def stop(self) -> None:
        """Log what can still be logged, then stop (the rest the broker redelivers)."""
        await stop_task(self._task)
        self._task = None
        with contextlib.suppress(LogUnwritable):
            while self._queue and self.flush():
                pass

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._gather()
            try:
                while self._queue and self.flush():
                    await asyncio.sleep(0)
            except LogUnwritable:
                await asyncio.sleep(self.retry_s)
                self._wake.set()
            except Exception:
                log.exception("intake failed; retrying")
                await asyncio.sleep(self.retry_s)
                self._wake.set()

    async def _gather(self) -> None:
        """Let the rest of a burst that the socket already holds join this commit.

        A message takes a few loop turns from the socket to :meth:`take` (paho
        reads one packet per turn); while the queue still grows from one round
        of turns to the next, more of the burst is on its way.  When it stops
        growing (at once, for a lone call) the batch is committed: one fsync
        for the burst instead of one per call.
        """
        while len(self._queue) < self.max_batch:
            before = len(self._queue)
            for _ in range(_TURNS_PER_MESSAGE):
                await asyncio.sleep(0)
            if len(self._queue) == before:
                return

    def flush(self) -> int:
        """Commit one batch of what waits, tell the listeners, acknowledge; return its size.

        Raises:
            LogUnwritable: The log cannot be written; everything still waits.
        """
        batch = self._queue[: self.max_batch]
        if not batch:
            return 0
        if batch[0][0] is self._recovery:
            now = self.bus.clock.now()  # it is recorded when the log takes writes again
            batch[0][0].at = now
            batch[0][0].data["until"] = rfc3339(now)
        appended = self.bus.log.append(*(event for event, _ in batch))
        del self._queue[: len(batch)]
        self.commits += 1
        self.bus.announce(*appended)
        for _, message in batch:
            if message is not None and message.ack():
                self.acked += 1
        return len(batch)
