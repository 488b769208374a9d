"""Group commit: many producers, one durable transaction per burst.

A durable commit costs an fsync (~125 µs here, far more on a busy disk), so a
burst of 2,000 calls appended one by one would spend most of its time waiting
on the disk.  :class:`GroupCommit` lets async producers await their append
while a single writer task takes everything queued since its last commit and
writes it in one transaction.  An awaited append has been committed.
"""

from __future__ import annotations

import asyncio

from dispatch.model import Event
from dispatch.tasks import stop_task
from dispatch.timeline.log import Timeline


class GroupCommit:
    """Batches appends from concurrent tasks into shared transactions.

    Args:
        log: The log to write to.
        max_batch: The most events one transaction takes.

    Use as an async context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, log: Timeline, *, max_batch: int = 1000) -> None:
        self.log = log
        self.max_batch = max_batch
        self._queue: list[tuple[list[Event], asyncio.Future[list[Event]]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.commits = 0

    async def append(self, *events: Event) -> list[Event]:
        """Queue events and wait until they are committed; return them with ``seq``."""
        if self._task is None or self._task.done():
            raise RuntimeError("GroupCommit is not running")
        future: asyncio.Future[list[Event]] = asyncio.get_running_loop().create_future()
        self._queue.append((list(events), future))
        self._wake.set()
        return await future

    def start(self) -> None:
        """Start the writer task in the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="group-commit")

    async def stop(self) -> None:
        """Commit what is queued, then stop the writer."""
        if self._task is None:
            return
        await stop_task(self._task)
        self._task = None
        self._commit_all()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            # Let every producer that is ready in this loop turn enqueue first.
            await asyncio.sleep(0)
            self._commit_all()

    def _commit_all(self) -> None:
        while self._queue:
            batch: list[tuple[list[Event], asyncio.Future[list[Event]]]] = []
            size = 0
            while self._queue and (not batch or size + len(self._queue[0][0]) <= self.max_batch):
                item = self._queue.pop(0)
                batch.append(item)
                size += len(item[0])
            try:
                self.log.append(*(ev for events, _ in batch for ev in events))
            except Exception as exc:
                # One bad event must not fail its neighbours: retry them one by one.
                if len(batch) == 1:
                    _settle(batch[0][1], exc=exc)
                    continue
                for events, future in batch:
                    try:
                        self.log.append(*events)
                    except Exception as one_exc:
                        _settle(future, exc=one_exc)
                    else:
                        _settle(future, result=events)
                continue
            self.commits += 1
            for events, future in batch:
                _settle(future, result=events)

    async def __aenter__(self) -> GroupCommit:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _settle(
    future: asyncio.Future[list[Event]],
    result: list[Event] | None = None,
    exc: BaseException | None = None,
) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result or [])
