"""``events/{incident}``: every event a seat records, for wallboards and recorders.

Each seat publishes the events it recorded itself (its operators' commands,
the calls and reports it took from the broker, the duties it won), so the
floor's whole log goes out once however many seats run.  Seats follow the log,
not this topic; the log is the record and this feed is a view of it: callers'
names and numbers are masked, and an order's full payload (already on its
``to/…`` topic) is left out.  What waits while the broker is away is kept in
memory, the newest ``limit`` events; a wallboard that missed some reads the log.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from dispatch.bus.codec import encode
from dispatch.bus.drain import Drain, Outgoing
from dispatch.bus.link import Link
from dispatch.bus.payloads import EventMessage
from dispatch.bus.topics import Topics
from dispatch.model import Event, mask_name, mask_phone

if TYPE_CHECKING:
    from dispatch.timeline import Timeline

log = logging.getLogger(__name__)

#: The topic segment of events that belong to no incident (calls ringing, modes, seats).
FLOOR = "floor"


def shared_data(event: Event) -> dict[str, Any]:
    """An event's data as the feed shares it: no unmasked caller, no order payload."""
    data = dict(event.data)
    data.pop("payload", None)
    caller = data.get("caller")
    if isinstance(caller, dict):
        data["caller"] = {"name": mask_name(str(caller.get("name") or "")),
                          "phone": mask_phone(str(caller.get("phone") or ""))}
    return data


class EventFeed:
    """Publishes recorded events on ``events/{incident}`` (QoS 1), oldest first.

    Args:
        link: The seat's link.
        log_: The log the events were recorded in (centre and kind).
        topics: The seat's topics.
        key: Shared HMAC key (payloads are signed when set).
        limit: How many unpublished events to keep while the broker is away.
    """

    def __init__(self, link: Link, log_: Timeline, topics: Topics, key: bytes | None,
                 limit: int = 50_000) -> None:
        self._log, self._topics, self._key = log_, topics, key
        self._waiting: deque[Outgoing] = deque()
        self.limit = limit
        self.dropped = 0
        self.drain = Drain(link, lambda: list(self._waiting), self._sent)

    def add(self, *events: Event) -> None:
        """Queue events just recorded by this seat, and wake the drain."""
        for event in events:
            try:
                self._waiting.append(self._outgoing(event))
            except Exception:  # an event too big for the bus stays in the log only
                log.warning("event %s not shared on the bus", event.id, exc_info=True)
        while len(self._waiting) > self.limit:
            self._waiting.popleft()
            self.dropped += 1
        if events:
            self.drain.wake()

    def _outgoing(self, event: Event) -> Outgoing:
        message = EventMessage.model_validate({
            "schema": "dispatch.event/1", "id": event.id, "at": event.at,
            "center": self._log.center, "drill": self._log.drill, "incident": event.incident,
            "type": str(event.type), "actor": event.actor, "seq": event.seq,
            "data": shared_data(event)})
        topic = self._topics.events(event.incident or FLOOR)
        return Outgoing(event.id, topic, encode(message, self._key))

    def _sent(self, item: Outgoing) -> None:
        if self._waiting and self._waiting[0] is item:
            self._waiting.popleft()
        else:
            with contextlib.suppress(ValueError):  # dropped meanwhile (the limit)
                self._waiting.remove(item)

    @property
    def waiting(self) -> int:
        """Events not yet acknowledged by the broker."""
        return len(self._waiting)
