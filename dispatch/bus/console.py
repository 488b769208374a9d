"""The console's side of the bus: orders out through the outbox, calls and reports in.

:class:`ConsoleBus` joins the log and the link.  Sending an order writes its
``order_sent`` event (and so its outbox row) in one transaction; the drain
publishes it and records ``order_delivered`` on PUBACK; a restart drains
whatever the log still holds.  Inbound calls and status reports become
events; anything that fails a check becomes ``message_rejected`` and nothing
else.  Acknowledgement deadlines produce ``order_timeout``, an escalation and
a resend.

Intake is durable before it is acknowledged: inbound messages wait in
:class:`Intake` until their events are committed (one transaction per burst),
and only then are they PUBACKed.  While the log cannot be written (disk full,
read-only) they stay unacknowledged in the broker's hands and in memory, and
are logged in arrival order once a retry succeeds.  Every event recorded here
has an id derived from its cause, so a redelivered message or a timer that
fires again records nothing new.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from dispatch.bus.codec import Checks, Rejected, decode, encode
from dispatch.bus.drain import Drain, Outgoing
from dispatch.bus.feed import EventFeed
from dispatch.bus.intake import Intake
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
from dispatch.errors import LogUnwritable, TimelineError
from dispatch.model import Event, EventType, OutboxEntry, derived_id, new_id
from dispatch.tasks import stop_task
from dispatch.timeline import Timeline
from dispatch.timeline.writes import Guard

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
        retry_s: Real seconds between attempts to log what waits while the log
            cannot be written.
        ack_on_receipt: The behaviour before intake was made durable: the client
            acknowledges each message when it arrives and records it one
            transaction at a time, so a crash loses what was in memory.  Kept
            only as ``dispatch bench``'s baseline; never for a console.
        takeover_s: How long another seat's order may wait in the shared
            outbox before this seat publishes it (that seat may be gone);
            default a third of ``ack_s``.
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
        retry_s: float = 1.0,
        ack_on_receipt: bool = False,
        takeover_s: float | None = None,
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
        self.takeover_s = ack_s / 3 if takeover_s is None else takeover_s
        self.listeners: list[EventListener] = []
        self.presence: dict[str, bool] = {}
        self.console_id = console_id
        self._run_id = new_id()
        self.intake = Intake(self, retry_s)
        presence_topic = self.topics.presence_console(console_id)
        self.link = Link(
            settings,
            subscriptions=[self.topics.calls_in, self.topics.all_from,
                           f"{self.topics.root}/presence/+/+"],
            on_inbound=None if ack_on_receipt else self.intake.take,
            on_message=self.handle if ack_on_receipt else None,
            presence=(presence_topic, lambda: self._presence(True), lambda: self._presence(False)),
            clock=self.clock,
        )
        self.link.listen(self._link_changed)
        self.drain = Drain(self.link, self._pending, self._delivered)
        self.feed = EventFeed(self.link, log_, self.topics, key)
        # Public advisories wait in memory until the link is up (the log keeps them).
        self._advisories: list[Outgoing] = []
        self.advisory_drain = Drain(self.link, lambda: list(self._advisories),
                                    self._advisories.remove)
        self._ticker: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------

    async def start(self) -> None:
        """Connect, and drain whatever the log still holds (recovery after a restart)."""
        self.intake.start()
        self.link.start()
        self.drain.start()
        self.advisory_drain.start()
        self.feed.drain.start()
        if self.tick_s:
            self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="ack-timer")

    async def stop(self) -> None:
        """Stop the timers, the drain and the link; pending orders stay in the outbox."""
        await stop_task(self._ticker)
        self._ticker = None
        await self.drain.stop()
        await self.advisory_drain.stop()
        await self.feed.drain.stop()
        await self.link.stop()
        await self.intake.stop()

    async def __aenter__(self) -> ConsoleBus:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _presence(self, online: bool) -> bytes:
        return Presence(online=online, at=self.clock.now()).model_dump_json().encode()

    def share(self, *events: Event) -> None:
        """Publish events this seat recorded on ``events/{incident}`` (wallboards, recorders)."""
        self.feed.add(*events)

    def announce(self, *events: Event) -> None:
        """Share events the bus just recorded, and tell its listeners (the desk)."""
        self.feed.add(*events)
        for event in events:
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("event listener failed")

    def _record(self, *events: Event, guard: Guard | None = None,
                durable: bool = True) -> list[Event]:
        appended = self.log.append(*events, guard=guard, durable=durable)
        self.announce(*appended)
        return appended

    def _record_or_wait(self, *events: Event, durable: bool = True) -> None:
        """Record system events now, or with the intake once the log can be written."""
        if self.intake.waiting:
            self.intake.later(*events)  # keep log order behind what already waits
            return
        try:
            self._record(*events, durable=durable)
        except LogUnwritable:
            self.intake.later(*events)

    def _link_changed(self, up: bool, at: datetime) -> None:
        kind = EventType.LINK_UP if up else EventType.LINK_DOWN
        event = self.log.event(kind, "system", data={"broker": self.link.host,
                                                     "port": self.link.port,
                                                     "console": self.console_id}, at=at)
        # A fact about this run's link: its n-th connection went up (or down).
        event.id = derived_id(kind, self.console_id, self._run_id, self.link.connects)
        self._record_or_wait(event)

    # -- orders out -------------------------------------------------------------

    def send_order(self, order: OrderMessage, actor: str, guard: Guard | None = None,
                   **extra: Any) -> Event | None:
        """Write an order to the log's outbox (its ``order_sent`` event) and wake the drain.

        The order is *sent* when this returns: it survives a crash and goes
        out as soon as the link allows.  ``extra`` goes into the event's data
        (e.g. the reason shown to the operator); ``guard`` refuses it when
        another operator changed the incident meanwhile.

        The event's id is derived from the order's, so an order whose id is itself
        derived (a system duty's, see :meth:`Desk.dispatch`) is recorded once however
        many seats send it.

        Returns:
            The ``order_sent`` event, or ``None`` when that order was recorded already,
            by this seat or another: then nothing more goes out.

        Raises:
            LogConflict: The guard found another operator's change.
        """
        if order.drill != self.log.drill or order.center != self.log.center:
            raise TimelineError("an order must match its log's centre and kind (live or drill)")
        payload = encode(order, self.key)
        event = self.log.event(
            EventType.ORDER_SENT, actor, order.incident,
            {"order": order.id, "to": order.to, "kind": order.kind,
             "priority": order.priority, "topic": self.topics.to(order.to),
             "payload": payload.decode(), "console": self.console_id, **extra},
        )
        event.id = derived_id(EventType.ORDER_SENT, order.id)
        appended = self.log.append(event, guard=guard)
        if not appended:
            return None
        # The order goes on the wire before the feed's copy of its event: the
        # drain that wakes first publishes first.
        self.drain.wake()
        self.announce(*appended)
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
        return [Outgoing(e.order, e.topic, e.payload.encode())
                for e in self.log.pending_orders() if self._ours(e)]

    def _ours(self, entry: OutboxEntry, now: datetime | None = None) -> bool:
        """Whether this seat publishes the order now: its own, or another's left waiting.

        Every seat publishing every order would multiply the traffic by the
        seats; none publishing another's would strand the orders of a seat
        that died.  Recipients de-duplicate by order id, so a takeover that
        overlaps a slow seat costs a duplicate, never a loss.
        """
        if entry.sender in (None, self.console_id):
            return True
        sent = parse_rfc3339(entry.sent_at) if entry.sent_at else None
        now = now or self.clock.now()
        return sent is None or (now - sent).total_seconds() >= self.takeover_s

    def _stranded(self) -> bool:
        """Another seat's order waits past the takeover time (wake the drain for it)."""
        now = self.clock.now()
        return any(e.sender not in (None, self.console_id) and self._ours(e, now)
                   for e in self.log.pending_orders())

    def _delivered(self, item: Outgoing) -> None:
        entry = self.log.outbox_entry(item.key)
        event = self.log.event(EventType.ORDER_DELIVERED, "system",
                               entry.incident if entry else None,
                               {"order": item.key, "to": entry.address if entry else None})
        event.id = derived_id(EventType.ORDER_DELIVERED, item.key,
                              entry.attempts if entry else 1)
        # Not worth an fsync (DESIGN, "Exactly once"; README, durability): if a
        # power cut takes this event, the order is pending again after the
        # restart, the drain publishes it once more, and the recipient, which
        # de-duplicates by order id, shows it once and repeats its report.  A
        # crash of the process alone loses nothing (the write is the OS's), and
        # the next durable commit (the recipient's ``received``) makes it
        # durable with it.
        self._record_or_wait(event, durable=False)

    # -- acknowledgement deadlines -----------------------------------------------

    async def _tick(self) -> None:
        assert self.tick_s
        while True:
            await asyncio.sleep(self.tick_s)
            try:
                self.check_acks()
                if self._stranded():
                    self.drain.wake()
            except LogUnwritable:
                continue  # the same facts are derived again on the next tick
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
            attempt = entry.attempts
            events = [self.log.event(EventType.ORDER_TIMEOUT, "system", entry.incident,
                                     {**base, "attempt": attempt, "after_s": self.ack_s,
                                      "sent_at": entry.sent_at})]
            events[0].id = derived_id(EventType.ORDER_TIMEOUT, entry.order, attempt)
            if entry.timeouts == 0:
                escalated = self.log.event(EventType.ORDER_ESCALATED, "system", entry.incident,
                                           {**base, "phone": self.phone_of(entry.address)})
                escalated.id = derived_id(EventType.ORDER_ESCALATED, entry.order)
                events.append(escalated)
            if attempt <= self.max_resends:
                resent = self.log.event(EventType.ORDER_RESENT, "system", entry.incident,
                                        {**base, "attempt": attempt + 1,
                                         "console": self.console_id})
                resent.id = derived_id(EventType.ORDER_RESENT, entry.order, attempt + 1)
                events.append(resent)
            recorded.extend(self._record(*events))
        if recorded:
            self.drain.wake()
        return recorded

    # -- inbound ----------------------------------------------------------------

    async def handle(self, topic: str, raw: bytes) -> None:
        """Check and record one inbound message now (see :meth:`receive`)."""
        self.receive(topic, raw)

    def receive(self, topic: str, raw: bytes) -> None:
        """Check and record one inbound message at once; never raises for a bad message.

        The broker's messages take the acknowledged path (:class:`Intake`);
        this is the same check and record for callers that hold the bytes.

        Raises:
            LogUnwritable: The log cannot be written; nothing was recorded.
        """
        event = self.inbound_event(topic, raw)
        if event is not None:
            self._record(event)

    def inbound_event(self, topic: str, raw: bytes) -> Event | None:
        """The event one inbound message records (``None``: it records nothing).

        A message that fails a check becomes ``message_rejected``.  Event ids
        are derived from the message (its id and the event type), so the same
        message handed over twice records one row.
        """
        try:
            if topic == self.topics.calls_in:
                return self._call(decode(raw, CallMessage, self.checks))
            if (sender := self.topics.address_in(topic, "from")) is not None:
                return self._status(str(sender), decode(raw, StatusMessage, self.checks))
            if topic.startswith(f"{self.topics.root}/presence/"):
                self._unit_presence(topic, raw)
                return None
            if topic.startswith(f"{self.topics.root}/from/"):
                raise Rejected("not a recipient address")
        except Rejected as exc:
            event = self.log.event(EventType.MESSAGE_REJECTED, "system", data={
                "topic": topic[:300], "reason": str(exc), "bytes": len(raw)})
            # The same bytes redelivered are the same rejection.
            event.id = derived_id(EventType.MESSAGE_REJECTED, topic,
                                  hashlib.sha256(raw).hexdigest())
            return event
        return None

    def _call(self, call: CallMessage) -> Event:
        location = call.location.model_dump() if hasattr(call.location, "model_dump") \
            else call.location
        return Event(
            type=EventType.CALL_RECEIVED, actor="drill" if call.drill else "gateway",
            at=self.clock.now(), id=derived_id(call.id, EventType.CALL_RECEIVED),
            data={"call": call.id, "caller": call.caller.model_dump(), "says": call.says,
                  "location": location, "answers": call.answers, "called_at": rfc3339(call.at)},
        )

    def _status(self, sender: str, status: StatusMessage) -> Event:
        if status.from_ != sender:
            raise Rejected(f"sender {status.from_!r} does not match topic {sender!r}")
        entry = self.log.outbox_entry(status.order)
        if entry is None:
            raise Rejected(f"unknown order {status.order}")
        if entry.address != sender:
            raise Rejected(f"order {status.order} was not sent to {sender}")
        data = {"order": status.order, "to": sender, "status": status.status,
                "message": status.id}
        if status.eta_s is not None:
            data["eta_s"] = status.eta_s
        if status.note:
            data["note"] = status.note
        return Event(type=EventType.ORDER_STATUS, actor=sender, at=self.clock.now(),
                     incident=entry.incident, id=derived_id(status.id, EventType.ORDER_STATUS),
                     data=data)

    def _unit_presence(self, topic: str, raw: bytes) -> None:
        who = topic.removeprefix(f"{self.topics.root}/presence/")
        if who.startswith("consoles/"):
            return
        try:
            self.presence[who] = Presence.model_validate_json(raw).online
        except ValueError:
            raise Rejected("bad presence payload") from None
