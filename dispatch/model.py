"""Plain domain types: services, addresses, locations, events, incidents, orders.

No I/O here.  Other layers build on these values; the log stores them as rows
and JSON, the bus as payloads, the screens as text.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dispatch.safe import safe_text


class Service(StrEnum):
    """Who can be handed a job."""

    POLICE = "110"
    FIRE = "119"
    AMBULANCE = "120"
    SECTION = "section"
    OPS = "ops"

    @property
    def label(self) -> dict[str, str]:
        """Human names in English and Chinese."""
        return _SERVICE_LABELS[self]


_SERVICE_LABELS = {
    Service.POLICE: {"en": "Police 110", "zh": "公安 110"},
    Service.FIRE: {"en": "Fire & rescue 119", "zh": "消防救援 119"},
    Service.AMBULANCE: {"en": "Ambulance 120", "zh": "急救 120"},
    Service.SECTION: {"en": "Road-section centre", "zh": "路段中心"},
    Service.OPS: {"en": "Technical duty desk", "zh": "技术值班台"},
}

_UNIT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True, order=True)
class Address:
    """A recipient: a service and a unit id, written ``"120/xianning"``."""

    service: Service
    unit: str

    def __post_init__(self) -> None:
        if not _UNIT.match(self.unit):
            raise ValueError(f"bad unit id {self.unit!r}: lowercase letters, digits, '-', '_'")

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse ``"service/unit"``.

        Raises:
            ValueError: Not of that form, or an unknown service.
        """
        service, sep, unit = text.partition("/")
        if not sep:
            raise ValueError(f"expected SERVICE/UNIT such as '120/xianning', got {text!r}")
        try:
            kind = Service(service)
        except ValueError:
            known = ", ".join(s.value for s in Service)
            raise ValueError(f"unknown service {service!r} in {text!r} (one of {known})") from None
        return cls(kind, unit)

    def __str__(self) -> str:
        return f"{self.service.value}/{self.unit}"


class EventType(StrEnum):
    """Event types of the timeline contract (snake_case)."""

    CALL_RECEIVED = "call_received"
    CALL_ANSWERED = "call_answered"
    INCIDENT_OPENED = "incident_opened"
    LOCATION_SET = "location_set"
    PLAYBOOK_APPLIED = "playbook_applied"
    ANSWER_RECORDED = "answer_recorded"
    ADVICE_GIVEN = "advice_given"
    PRIORITY_SET = "priority_set"
    ORDER_SENT = "order_sent"
    ORDER_DELIVERED = "order_delivered"
    ORDER_STATUS = "order_status"
    ORDER_TIMEOUT = "order_timeout"
    ORDER_RESENT = "order_resent"
    ORDER_ESCALATED = "order_escalated"
    NOTE_ADDED = "note_added"
    INCIDENTS_MERGED = "incidents_merged"
    MODE_CHANGED = "mode_changed"
    INCIDENT_RESOLVED = "incident_resolved"
    INCIDENT_CLOSED = "incident_closed"
    INCIDENT_REOPENED = "incident_reopened"
    MESSAGE_REJECTED = "message_rejected"
    LINK_DOWN = "link_down"
    LINK_UP = "link_up"
    LOG_RECOVERED = "log_recovered"
    DEADLINE_BREACHED = "deadline_breached"
    COMMAND_REFUSED = "command_refused"
    INVESTIGATION_RECORDED = "investigation_recorded"
    CALLBACK_RECORDED = "callback_recorded"
    DRILL_SCORED = "drill_scored"
    OPERATOR_LOGIN = "operator_login"
    OPERATOR_LOGOUT = "operator_logout"
    LOGIN_FAILED = "login_failed"
    OPERATOR_CHANGED = "operator_changed"
    ORDER_CANCELLED = "order_cancelled"
    ADVISORY_PUBLISHED = "advisory_published"
    INCIDENT_TRANSFERRED = "incident_transferred"
    SEAT_JOINED = "seat_joined"
    SEAT_LEFT = "seat_left"


class IncidentStatus(StrEnum):
    """Where an incident stands."""

    OPEN = "open"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"


class OrderState(StrEnum):
    """An order's progress: the console's own steps, then the recipient's reports."""

    SENT = "sent"
    DELIVERED = "delivered"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    CLEARED = "cleared"
    CANCELLED = "cancelled"


#: States a recipient may report in ``dispatch.status/1``.
REPORTED_STATES = frozenset(
    {OrderState.RECEIVED, OrderState.ACCEPTED, OrderState.DECLINED,
     OrderState.EN_ROUTE, OrderState.ON_SCENE, OrderState.CLEARED}
)
#: How far each state is along (a late report never moves an order back): the
#: enum's order.  A supervisor's cancellation stops an order whatever it reached.
ORDER_RANK: dict[str, int] = {str(s): i for i, s in enumerate(OrderState)}
#: The recipient is done with it: the incident may close once every order is.
DONE_STATES = frozenset({OrderState.CLEARED.value, OrderState.DECLINED.value})
#: Nothing more happens to it (cancelling it means nothing).
FINAL_STATES = DONE_STATES | {OrderState.CANCELLED.value}

#: What resolving, closing and reopening do to an incident, for every fold of the
#: log (the projection's rows and the desk's board alike): the status, the time
#: fields set to the event's time, and those cleared.
STATUS_STEPS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    EventType.INCIDENT_RESOLVED.value: (IncidentStatus.RESOLVED.value, ("resolved_at",), ()),
    EventType.INCIDENT_CLOSED.value: (IncidentStatus.CLOSED.value, ("closed_at",), ()),
    EventType.INCIDENT_REOPENED.value: (IncidentStatus.OPEN.value, (),
                                        ("resolved_at", "closed_at")),
}


def step_status(row: Any, kind: str, when: object) -> None:
    """Apply a resolve, close or reopen (``kind``) to an incident ``row`` at ``when``."""
    status, sets, clears = STATUS_STEPS[kind]
    row.status = status
    for name in sets:
        setattr(row, name, when)
    for name in clears:
        setattr(row, name, None)


def mark_merged(row: Any, into: str) -> None:
    """An incident merged into ``into``: its calls and orders now belong there."""
    row.status, row.merged_into = IncidentStatus.MERGED.value, into

PRIORITIES = (1, 2, 3, 4)


def check_priority(value: int) -> int:
    """Return ``value`` if it is a priority (1 highest … 4), else raise ValueError."""
    if value not in PRIORITIES or isinstance(value, bool):
        raise ValueError(f"priority must be 1 (highest) to 4, got {value!r}")
    return value


def format_stake(km: float) -> str:
    """Write a road distance the way people say it: ``1024.3`` → ``K1024+300``."""
    metres = round(km * 1000)
    return f"K{metres // 1000}+{metres % 1000:03d}"


@dataclass(frozen=True)
class Caller:
    """Who called and how to call them back."""

    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Location:
    """A place as the console knows it.

    ``km`` is the unrounded stake along ``road``; ``text`` is what the caller or
    operator typed.  Any field may be unknown (``None``) early in a call.
    """

    lat: float | None = None
    lon: float | None = None
    road: str | None = None
    km: float | None = None
    direction: str | None = None
    section: str | None = None
    jurisdiction: str | None = None
    text: str | None = None

    @property
    def stake(self) -> str | None:
        """The stake as people write it (``K1024+300``), if known."""
        return None if self.km is None else format_stake(self.km)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in events and orders."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        """Build from the JSON form, ignoring keys this version does not know."""
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


def new_id() -> str:
    """A fresh random UUID as text (event, order and message ids).

    Exactly ``str(uuid.uuid4())`` (16 random bytes, version 4, RFC 4122
    variant), built without a ``UUID`` object: every appended event takes
    one, and the object costs twice the bytes.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


#: The namespace of every derived event id (DESIGN, *The floor*, "Exactly once").
EVENT_NAMESPACE = uuid.UUID("6f1c1f0e-9d8a-5b61-a8e4-2f0a4c7d3b10")


def derived_id(*parts: object) -> str:
    """The event id of a fact, derived from its cause (UUIDv5 of ``parts``).

    An inbound message's event is ``derived_id(message_id, event_type)``; a
    system event is ``derived_id(event_type, what it is about…)``.  Recording
    the same fact twice (a redelivered call, a timer that fires again after a
    restart, two seats noticing one timeout) yields the same id, and the log
    keeps one row.
    """
    return str(uuid.uuid5(EVENT_NAMESPACE, "\x1f".join(str(p) for p in parts)))


@dataclass
class Event:
    """One entry of the timeline.

    ``seq`` is assigned by the log when the event is appended.
    """

    type: str
    actor: str
    at: datetime
    incident: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)
    seq: int | None = None


@dataclass
class Incident:
    """The incidents projection's row: an incident as folded from its events."""

    id: str
    opened_at: str
    status: str = IncidentStatus.OPEN.value
    kind: str | None = None
    priority: int | None = None
    road: str | None = None
    km: float | None = None
    section: str | None = None
    jurisdiction: str | None = None
    location: str | None = None
    resolved_at: str | None = None
    closed_at: str | None = None
    merged_into: str | None = None
    calls: int = 0
    operator: str | None = None
    last_seq: int = 0


@dataclass
class OutboxEntry:
    """An order and its delivery progress (the outbox projection's row).

    ``state`` is ``pending`` until the broker acknowledges the latest (re)send;
    ``status`` is the recipient's latest report (``None``: not even ``received``).
    """

    order: str
    incident: str | None
    address: str
    topic: str
    payload: str
    sent_seq: int
    state: str = "pending"
    delivered_at: str | None = None
    sent_at: str | None = None
    attempts: int = 1
    timeouts: int = 0
    status: str | None = None
    status_at: str | None = None
    #: The console (seat) that sent or last resent it: it publishes at once;
    #: another seat takes over only when it is left waiting.
    sender: str | None = None


def mask_name(name: str) -> str:
    """Hide all but the first character of a name: ``李四`` → ``李*``, ``Li Wei`` → ``L*****``.

    The name is made safe to show first (:func:`~dispatch.safe.safe_text`): a
    control sequence is never half kept by the mask.
    """
    name = safe_text(name).strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number: ``13800000001`` → ``138****0001`` (of the safe text)."""
    digits = safe_text(phone).strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
