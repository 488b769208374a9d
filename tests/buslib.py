"""Helpers for bus tests: orders to send, and awaiting what arrives (no polling)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import LinkSettings
from dispatch.bus.payloads import OrderMessage
from dispatch.clock import Clock
from dispatch.model import Event, new_id
from dispatch.unit.client import UnitClient
from dispatch.unit.store import HeldOrder


def settings(port: int, name: str, **kw: Any) -> LinkSettings:
    """Fast-reconnecting settings for a loopback broker."""
    return LinkSettings(host="127.0.0.1", port=port, client_id=name, reconnect_min_s=0.05,
                        reconnect_max_s=0.5, keepalive_s=5, publish_timeout_s=5, **kw)


def order(clock: Clock, incident: str, to: str = "120/xianning", *, center: str = "hubei",
          drill: bool = False, **kw: Any) -> OrderMessage:
    """A valid order."""
    data: dict[str, Any] = {
        "schema": "dispatch.order/1", "id": new_id(), "at": clock.now(), "center": center,
        "drill": drill, "incident": incident, "to": to, "kind": "accident", "priority": 1,
        "location": {"lat": 29.84, "lon": 114.32, "road": "G4", "km": 1024.3,
                     "text": "G4 K1024+300"},
        "summary": "3 cars, 2 injured", "answers": {"injured": 2}, "advice_given":
        ["leave_lanes"], "caller": {"name": "Li", "phone": "13800000001"}, "operator": "op1",
    }
    data.update(kw)
    return OrderMessage.model_validate(data)


class Waiter:
    """Collects what a listener hears; lets a test await a condition on it."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = asyncio.Event()

    def __call__(self, *item: Any) -> None:
        self.items.append(item[0] if len(item) == 1 else item)
        self._changed.set()

    async def until(self, condition: Callable[[list[Any]], bool], timeout: float = 15) -> None:
        """Return once ``condition(items)`` holds; fail after ``timeout`` seconds."""
        async def wait() -> None:
            while not condition(self.items):
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout)


def events_of(bus: ConsoleBus) -> Waiter:
    """A waiter hearing every event the console bus records."""
    waiter = Waiter()
    bus.listeners.append(waiter)
    return waiter


def orders_of(unit: UnitClient) -> Waiter:
    """A waiter hearing ``(held order, new)`` for each arrival at a unit."""
    waiter = Waiter()
    unit.listeners.append(waiter)
    return waiter


def count(events: list[Event], type_: str, **data: Any) -> int:
    """How many events of a type (and matching data) were heard."""
    return sum(1 for e in events if e.type == type_
               and all(e.data.get(k) == v for k, v in data.items()))


def new_orders(items: list[tuple[HeldOrder, bool]]) -> list[str]:
    """Ids of orders shown as new at a unit."""
    return [held.id for held, new in items if new]
