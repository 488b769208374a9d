"""A recipient's client: orders in, status reports out, each exactly once on screen.

An order arriving for the first time is kept and shown; one arriving again
(a QoS 1 duplicate, or the console's resend after a lost acknowledgement) is
not shown again, and the unit's latest report on it is sent again with its
original id, so the console records it once.  Reports wait in the unit's
store until the broker has them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError

from dispatch.bus.codec import Checks, Rejected, decode, encode
from dispatch.bus.drain import Drain, Outgoing
from dispatch.bus.link import Link, LinkSettings
from dispatch.bus.payloads import OrderMessage, Presence, StatusMessage
from dispatch.bus.topics import Topics
from dispatch.clock import Clock, SystemClock, rfc3339
from dispatch.errors import BusError
from dispatch.model import Address, new_id
from dispatch.unit.store import HeldOrder, UnitStore

log = logging.getLogger(__name__)

#: Which report may follow which (``None``: nothing reported yet).
NEXT: dict[str | None, frozenset[str]] = {
    None: frozenset({"received", "accepted", "declined"}),
    "received": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"en_route", "on_scene", "cleared"}),
    "en_route": frozenset({"on_scene", "cleared"}),
    "on_scene": frozenset({"cleared"}),
    "declined": frozenset(),
    "cleared": frozenset(),
}

OrderListener = Callable[[HeldOrder, bool], None]


class ReportRefused(BusError):
    """A report that does not follow from the order's state, or lacks a reason."""


class UnitClient:
    """One recipient desk or crew.

    Args:
        address: Who this is (``120/xianning``).
        store: The unit's own state.
        settings: How to reach the broker.
        center: The centre whose orders it takes.
        drill: Listen on the drill root instead of the live one.
        clock: Time source.
        key: Shared HMAC key, if configured: reports are signed and orders
            without a valid signature are refused.
        auto_receive: Report ``received`` as soon as a new order arrives.
    """

    def __init__(
        self,
        address: Address,
        store: UnitStore,
        settings: LinkSettings,
        *,
        center: str,
        drill: bool = False,
        clock: Clock | None = None,
        key: bytes | None = None,
        auto_receive: bool = True,
    ) -> None:
        self.address = address
        self.store = store
        self.clock = clock or SystemClock()
        self.topics = Topics(center, drill)
        self.checks = Checks(center, drill, key)
        self.key = key
        self.auto_receive = auto_receive
        self.listeners: list[OrderListener] = []
        self.link = Link(
            settings,
            subscriptions=[self.topics.to(address)],
            on_message=self.handle,
            presence=(self.topics.presence_unit(address), lambda: self._presence(True),
                      lambda: self._presence(False)),
            clock=self.clock,
        )
        self.drain = Drain(self.link, self._pending, self._delivered)

    async def start(self) -> None:
        """Connect and send any report a previous run still owed."""
        self.link.start()
        self.drain.start()

    async def stop(self) -> None:
        """Disconnect; unsent reports stay in the store."""
        await self.drain.stop()
        await self.link.stop()

    def _presence(self, online: bool) -> bytes:
        return Presence(online=online, at=self.clock.now()).model_dump_json().encode()

    async def handle(self, topic: str, raw: bytes) -> None:
        """Take one inbound order; refuse anything else. Never raises."""
        now = rfc3339(self.clock.now())
        try:
            order = decode(raw, OrderMessage, self.checks)
            if order.to != str(self.address):
                raise Rejected(f"order for {order.to}, not for {self.address}")
        except Rejected as exc:
            self.store.reject(now, topic, str(exc))
            return
        new = self.store.add_order(order.id, order.incident, order.to_json(), now)
        if new and self.auto_receive:
            self.report(order.id, "received")
        elif not new and self.store.resend_latest(order.id):
            self.drain.wake()
        held = self.store.order(order.id)
        assert held is not None
        for listener in list(self.listeners):
            try:
                listener(held, new)
            except Exception:
                log.exception("order listener failed")

    def allowed(self, order_id: str) -> frozenset[str]:
        """The reports that may follow on an order now (empty if unknown or final)."""
        held = self.store.order(order_id)
        return NEXT.get(held.status, frozenset()) if held else frozenset()

    def report(self, order_id: str, status: str, *, eta_s: int | None = None,
               note: str | None = None) -> StatusMessage:
        """Report on an order; it goes out now or as soon as the link is back.

        Raises:
            ReportRefused: Unknown order, a step that does not follow, or a
                decline without a reason.
        """
        held = self.store.order(order_id)
        if held is None:
            raise ReportRefused(f"no order {order_id}")
        if status not in NEXT.get(held.status, frozenset()):
            allowed = ", ".join(sorted(NEXT.get(held.status, ()))) or "nothing (it is final)"
            raise ReportRefused(f"order is {held.status or 'new'}: it may be followed by "
                                f"{allowed}, not {status}")
        if status == "declined" and not (note and note.strip()):
            raise ReportRefused("a decline needs a reason")
        try:
            message = StatusMessage.model_validate({
                "schema": "dispatch.status/1", "id": new_id(), "at": self.clock.now(),
                "center": self.topics.center, "drill": self.topics.drill, "order": order_id,
                "incident": held.incident, "from": str(self.address), "status": status,
                "eta_s": eta_s, "note": note})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ReportRefused(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        self.store.add_report(message.id, order_id, status, encode(message, self.key).decode(),
                              rfc3339(message.at))
        self.drain.wake()
        return message

    def _pending(self) -> list[Outgoing]:
        topic = self.topics.from_(self.address)
        return [Outgoing(rid, topic, payload.encode()) for rid, payload in self.store.unsent()]

    def _delivered(self, item: Outgoing) -> None:
        self.store.mark_sent(item.key)
