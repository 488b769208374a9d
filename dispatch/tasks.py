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


def quiet_library_noise(loop: asyncio.AbstractEventLoop) -> None:
    """Log, instead of printing, the errors our libraries leave to the event loop.

    amqtt lets a client's session task die when many clients reconnect at
    once after a restart (the client simply reconnects), and aiomqtt leaves
    the disconnection future of a dropped link unretrieved.  Both are
    expected during a broker outage; anything else goes to the default handler.
    """
    import logging

    logger = logging.getLogger("dispatch.loop")

    def handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:  # type: ignore[type-arg]
        exc = context.get("exception")
        source = repr(context.get("future") or context.get("task") or "") + str(
            context.get("message", ""))
        if type(exc).__module__.startswith(("aiomqtt", "amqtt")) or "amqtt" in source or (
                "client_connected_cb" in source):
            logger.debug("library noise: %s", context.get("message"), exc_info=exc)
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
