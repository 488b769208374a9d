"""Stopping asyncio tasks reliably.

On Python 3.11, ``asyncio.wait_for`` (which aiomqtt uses for every call) can
swallow a cancellation that arrives just as the awaited operation finishes;
the task then carries on as if never cancelled and a plain
``task.cancel(); await task`` waits forever.  :func:`stop_task` cancels
again until the task has really ended.
"""

from __future__ import annotations

import asyncio
import contextlib


async def stop_task(task: asyncio.Task | None, *, retry_s: float = 0.5) -> None:
    """Cancel ``task`` and return once it has finished, whatever it swallowed."""
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=retry_s)
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
