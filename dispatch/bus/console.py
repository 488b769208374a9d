"""The console's side of the bus: orders out through the outbox, calls and reports in.

:class:`ConsoleBus` joins the log and the link.  Sending an order writes its
``order_sent`` event (and so its outbox row) in one transaction; the drain
publishes it and records ``order_delivered`` on PUBACK; a restart drains
whatever the log still holds.  Inbound calls and status reports become
events; anything that fails a check becomes ``message_rejected`` and nothing
else.  Acknowledgement deadlines produce ``order_timeout``, an escalation and
a resend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from dispatch.bus.codec import Checks, Rejected, decode, encode
from dispatch.bus.drain import Drain, Outgoing
from dispatch.bus.link import Link, LinkSettings
from dispatch.bus.payloads import (
    AdvisoryMessage,
    CallMessage,
    OrderMessage,
    Presence,
    StatusMessage,
)
from dispatch.bus.topics import Topics
from dispatch.clock import Clock, SystemClock, parse_rfc3339, rfc3339
from dispatch.errors import TimelineError
from dispatch.model import Event, EventType
from dispatch.tasks import stop_task
from dispatch.timeline import Timeline

log = logging.getLogger(__name__)

EventListener = Callable[[Event], None]


class ConsoleBus:
    """Orders out, calls and reports in, for one console.

    Args:
        log_: The console's event log (live or drill; its kind picks the root).
        settings: How to reach the broker.
        console_id: This console's id (presence topic).
        clock: Time source.
        key: Shared HMAC key, if configured: outbound messages are signed and
            inbound ones without a valid signature are refused.
        ack_s: Acknowledgement deadline for an order, in seconds.
        max_resends: Resends after which only the operator's phone call is left.
        phone_of: Returns a recipient's phone number for the escalation.
        tick_s: Real seconds between acknowledgement checks (``None``: no ticker;
            call :meth:`check_acks` yourself, as tests with a manual clock do).
    """

    def __init__(
        self,
        log_: Timeline,
        settings: LinkSettings,
        *,
        console_id: str = "console",
        clock: Clock | None = None,
        key: bytes | None = None,
        ack_s: float = 30,
        max_resends: int = 3,
        phone_of: Callable[[str], str | None] | None = None,
        tick_s: float | None = 1.0,
    ) -> None:
        self.log = log_
        self.clock = clock or SystemClock()
        self.topics = Topics(log_.center, log_.drill)
        self.checks = Checks(log_.center, log_.drill, key)
        self.key = key
        self.ack_s = ack_s
        self.max_resends = max_resends
        self.phone_of = phone_of or (lambda _address: None)
        self.tick_s = tick_s
        self.listeners: list[EventListener] = []
        self.presence: dict[str, bool] = {}
        presence_topic = self.topics.presence_console(console_id)
        self.link = Link(
            settings,
            subscriptions=[self.topics.calls_in, self.topics.all_from,
                           f"{self.topics.root}/presence/+/+"],
            on_message=self.handle,
            presence=(presence_topic, lambda: self._presence(True), lambda: self._presence(False)),
            clock=self.clock,
        )
        self.link.listen(self._link_changed)
        self.drain = Drain(self.link, self._pending, self._delivered)
        # Public advisories wait in memory until the link is up (the log keeps them).
        self._advisories: list[Outgoing] = []
        self.advisory_drain = Drain(self.link, lambda: list(self._advisories),
                                    self._advisories.remove)
        self._ticker: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------

    async def start(self) -> None:
        """Connect, and drain whatever the log still holds (recovery after a restart)."""
        self.link.start()
        self.drain.start()
        self.advisory_drain.start()
        if self.tick_s:
            self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="ack-timer")

    async def stop(self) -> None:
        """Stop the timers, the drain and the link; pending orders stay in the outbox."""
        await stop_task(self._ticker)
        self._ticker = None
        await self.drain.stop()
        await self.advisory_drain.stop()
        await self.link.stop()

    async def __aenter__(self) -> ConsoleBus:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _presence(self, online: bool) -> bytes:
        return Presence(online=online, at=self.clock.now()).model_dump_json().encode()

    def _emit(self, *events: Event) -> None:
        for event in events:
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("event listener failed")

    def _record(self, *events: Event) -> None:
        self.log.append(*events)
        self._emit(*events)

    def _link_changed(self, up: bool, at: datetime) -> None:
        kind = EventType.LINK_UP if up else EventType.LINK_DOWN
        self._record(self.log.event(kind, "system", data={"broker": self.link.settings.host,
                                                          "port": self.link.settings.port},
                                    at=at))

    # -- orders out -------------------------------------------------------------

    def send_order(self, order: OrderMessage, actor: str, **extra: Any) -> Event:
        """Write an order to the log's outbox (its ``order_sent`` event) and wake the drain.

        The order is *sent* when this returns: it survives a crash and goes
        out as soon as the link allows.  ``extra`` goes into the event's data
        (e.g. the reason shown to the operator).
        """
        if order.drill != self.log.drill or order.center != self.log.center:
            raise TimelineError("an order must match its log's centre and kind (live or drill)")
        payload = encode(order, self.key)
        event = self.log.event(
            EventType.ORDER_SENT, actor, order.incident,
            {"order": order.id, "to": order.to, "kind": order.kind,
             "priority": order.priority, "topic": self.topics.to(order.to),
             "payload": payload.decode(), **extra},
        )
        self._record(event)
        self.drain.wake()
        return event

    def publish_advisory(self, advisory: AdvisoryMessage) -> str:
        """Queue a public advisory for ``{root}/advisories``, retained; return the topic.

        Retained, so that a wallboard or a public-information system that
        connects later still gets the current advisory (a ``Cancel`` replaces it).
        """
        payload = encode(advisory, self.key)
        self._advisories.append(Outgoing(advisory.id, self.topics.advisories, payload,
                                         retain=True))
        self.advisory_drain.wake()
        return self.topics.advisories

    def _pending(self) -> list[Outgoing]:
        return [Outgoing(e.order, e.topic, e.payload.encode()) for e in self.log.pending_orders()]

    def _delivered(self, item: Outgoing) -> None:
        entry = self.log.outbox_entry(item.key)
        self._record(self.log.event(EventType.ORDER_DELIVERED, "system",
                                    entry.incident if entry else None,
                                    {"order": item.key, "to": entry.address if entry else None}))

    # -- acknowledgement deadlines -----------------------------------------------

    async def _tick(self) -> None:
        assert self.tick_s
        while True:
            await asyncio.sleep(self.tick_s)
            try:
                self.check_acks()
            except Exception:
                log.exception("acknowledgement check failed")

    def check_acks(self, now: datetime | None = None) -> list[Event]:
        """Time out orders without ``received`` past the deadline; escalate and resend.

        Returns:
            The events recorded.
        """
        now = now or self.clock.now()
        recorded: list[Event] = []
        for entry in self.log.unacknowledged_orders():
            sent = parse_rfc3339(entry.sent_at) if entry.sent_at else now
            if now - sent < timedelta(seconds=self.ack_s):
                continue
            base = {"order": entry.order, "to": entry.address}
            events = [self.log.event(EventType.ORDER_TIMEOUT, "system", entry.incident,
                                     {**base, "attempt": entry.attempts, "after_s": self.ack_s,
                                      "sent_at": entry.sent_at})]
            if entry.timeouts == 0:
                events.append(self.log.event(
                    EventType.ORDER_ESCALATED, "system", entry.incident,
                    {**base, "phone": self.phone_of(entry.address)}))
            if entry.attempts <= self.max_resends:
                events.append(self.log.event(EventType.ORDER_RESENT, "system", entry.incident,
                                             {**base, "attempt": entry.attempts + 1}))
            self._record(*events)
            recorded.extend(events)
        if recorded:
            self.drain.wake()
        return recorded

    # -- inbound ----------------------------------------------------------------

    async def handle(self, topic: str, raw: bytes) -> None:
        """The link's message handler (see :meth:`receive`)."""
        self.receive(topic, raw)

    def receive(self, topic: str, raw: bytes) -> None:
        """Check and record one inbound message; never raises for a bad message."""
        try:
            if topic == self.topics.calls_in:
                self._call(decode(raw, CallMessage, self.checks))
            elif (sender := self.topics.address_in(topic, "from")) is not None:
                self._status(str(sender), decode(raw, StatusMessage, self.checks))
            elif topic.startswith(f"{self.topics.root}/presence/"):
                self._unit_presence(topic, raw)
            elif topic.startswith(f"{self.topics.root}/from/"):
                raise Rejected("not a recipient address")
        except Rejected as exc:
            self._record(self.log.event(EventType.MESSAGE_REJECTED, "system", data={
                "topic": topic[:300], "reason": str(exc), "bytes": len(raw)}))

    def _call(self, call: CallMessage) -> None:
        location = call.location.model_dump() if hasattr(call.location, "model_dump") \
            else call.location
        event = Event(
            type=EventType.CALL_RECEIVED, actor="drill" if call.drill else "gateway",
            at=self.clock.now(), id=call.id,
            data={"call": call.id, "caller": call.caller.model_dump(), "says": call.says,
                  "location": location, "answers": call.answers, "called_at": rfc3339(call.at)},
        )
        self._once(event)

    def _status(self, sender: str, status: StatusMessage) -> None:
        if status.from_ != sender:
            raise Rejected(f"sender {status.from_!r} does not match topic {sender!r}")
        entry = self.log.outbox_entry(status.order)
        if entry is None:
            raise Rejected(f"unknown order {status.order}")
        if entry.address != sender:
            raise Rejected(f"order {status.order} was not sent to {sender}")
        data = {"order": status.order, "to": sender, "status": status.status}
        if status.eta_s is not None:
            data["eta_s"] = status.eta_s
        if status.note:
            data["note"] = status.note
        self._once(Event(type=EventType.ORDER_STATUS, actor=sender, at=self.clock.now(),
                         incident=entry.incident, id=status.id, data=data))

    def _once(self, event: Event) -> None:
        """Record an event whose id is the message's: a QoS 1 duplicate is dropped."""
        try:
            self._record(event)
        except TimelineError:
            log.debug("duplicate message %s dropped", event.id)

    def _unit_presence(self, topic: str, raw: bytes) -> None:
        who = topic.removeprefix(f"{self.topics.root}/presence/")
        if who.startswith("consoles/"):
            return
        try:
            self.presence[who] = Presence.model_validate_json(raw).online
        except ValueError:
            raise Rejected("bad presence payload") from None
