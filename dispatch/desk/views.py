"""What the board holds: calls, incidents, orders, seats and alerts, as screens show them.

Plain dataclasses, folded by :mod:`dispatch.desk.board` from the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatch.model import IncidentStatus, OrderState


@dataclass
class CallView:
    """A call as the queue shows it."""

    id: str
    at: datetime
    caller: dict[str, str]
    says: str
    location: Any
    answers: dict[str, Any]
    answered_at: datetime | None = None
    answered_by: str | None = None
    answered_seat: str | None = None
    incident: str | None = None


@dataclass
class OrderView:
    """One order of an incident and how far it got."""

    id: str
    to: str
    kind: str
    sent_at: datetime
    state: str = OrderState.SENT.value
    history: list[tuple[datetime, str]] = field(default_factory=list)
    eta_s: int | None = None
    note: str | None = None
    attempts: int = 1
    timed_out: bool = False
    escalated_phone: str | None = None

    @property
    def service(self) -> str:
        """The service part of the address (``120``)."""
        return self.to.partition("/")[0]

    def first(self, state: str) -> datetime | None:
        """When the recipient first reported ``state``."""
        return next((at for at, s in self.history if s == state), None)


@dataclass
class IncidentView:
    """An incident with everything the operator works with."""

    id: str
    opened_at: datetime
    opened_by: str
    calls: list[str] = field(default_factory=list)
    kind: str | None = None
    priority: int | None = None
    #: Who chose the priority: ``"playbook"`` (computed from the answers) or ``"operator"``.
    priority_source: str | None = None
    #: The place was the call's (caller or gateway), not yet confirmed by the operator.
    location_from_call: bool = False
    #: The caller's words name a place far from this one (``place``, ``distance_km``, …).
    location_disagrees: dict[str, Any] | None = None
    status: str = IncidentStatus.OPEN.value
    location: dict[str, Any] = field(default_factory=dict)
    recipients: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    advice: list[str] = field(default_factory=list)
    orders: dict[str, OrderView] = field(default_factory=dict)
    notes: list[tuple[datetime, str, str]] = field(default_factory=list)
    merged_into: str | None = None
    merged: list[str] = field(default_factory=list)
    auto: str | None = None
    investigated_at: datetime | None = None
    callback_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    breached: set[str] = field(default_factory=set)
    traffic_control: bool = False
    #: Who answers for it now (first-ask responsibility): the answering
    #: operator, until a transfer.
    owner: str | None = None
    owner_seat: str | None = None
    #: When it was handed on, from whom, and why (newest last).
    transfers: list[tuple[datetime, str, str, str]] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Still being worked (not resolved, closed or merged)."""
        return self.status == IncidentStatus.OPEN.value

    @property
    def first_order_at(self) -> datetime | None:
        """When the first order went out."""
        return min((o.sent_at for o in self.orders.values()), default=None)

    def services_sent(self) -> set[str]:
        """Services that already have an order (cancelled ones and cancellations aside)."""
        return {o.service for o in self.orders.values()
                if o.state != "cancelled" and o.kind != "cancel"}


@dataclass
class SeatView:
    """One seat of the floor: who sits at it and since when."""

    seat: str
    joined_at: datetime
    operator: str | None = None
    host: str | None = None
    console: str | None = None
    role: str | None = None
    left_at: datetime | None = None
    answered: int = 0
    last_answer_at: datetime | None = None

    @property
    def present(self) -> bool:
        """Open now (joined and not left)."""
        return self.left_at is None


@dataclass
class Alert:
    """Something the operator must see (never modal)."""

    at: datetime
    kind: str
    incident: str | None
    text: dict[str, Any]
