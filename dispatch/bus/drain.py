"""Draining an outbox over the link: publish what waits, mark it on PUBACK.

The console drains its log's outbox of orders; a field unit drains its own
store of status reports.  Both follow the same rules: nothing is forgotten
while the link is down, each item is marked only once the broker has
acknowledged it, and a restart finds the unmarked items again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from dispatch.bus.link import Link, LinkDown
from dispatch.tasks import stop_task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One item waiting to go out."""

    key: str
    topic: str
    payload: bytes
    retain: bool = False


class Drain:
    """Publishes pending items whenever there are some and the link is up.

    Args:
        link: The link to publish on.
        pending: Returns the items still to publish, oldest first.
        delivered: Called (and awaited) once the broker acknowledged an item.
    """

    def __init__(
        self,
        link: Link,
        pending: Callable[[], Sequence[Outgoing]],
        delivered: Callable[[Outgoing], Awaitable[None] | None],
    ) -> None:
        self.link = link
        self._pending = pending
        self._delivered = delivered
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.published = 0
        link.listen(lambda up, _at: self.wake() if up else None)

    def wake(self) -> None:
        """Something new waits (or the link came back): look again."""
        self._wake.set()

    def start(self) -> None:
        """Run in a task of the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-drain")
        self.wake()

    async def stop(self) -> None:
        """Stop draining (what is left stays pending for the next start)."""
        await stop_task(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self.link.wait_up()
            try:
                await self.drain_once()
            except LinkDown:
                continue  # the link listener wakes us when it is back
            except Exception:
                log.exception("outbox drain failed; retrying")
                await asyncio.sleep(1)
                self.wake()

    async def drain_once(self) -> int:
        """Publish everything pending now; return how many went out.

        Raises:
            LinkDown: The link dropped; the rest stays pending.
        """
        count = 0
        for item in self._pending():
            await self.link.publish(item.topic, item.payload, retain=item.retain)
            result = self._delivered(item)
            if asyncio.iscoroutine(result):
                await result
            count += 1
            self.published += 1
        return count
