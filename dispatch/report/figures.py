"""The report's values: duration statistics and the report itself, with its JSON form.

Percentiles are **nearest-rank**: the p-th percentile of ``n`` sorted samples is
the sample at rank ``ceil(p / 100 * n)`` (1-based).  It is always a time that
was actually measured, never an interpolation between two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatch.clock import rfc3339

#: The ``schema`` of :meth:`Report.to_json`.
SCHEMA = "dispatch.report/1"

#: How percentiles are computed (stated in the JSON form too).
PERCENTILE_METHOD = "nearest-rank"

#: The deadline kinds a ``deadline_breached`` event names; the report always lists these.
DEADLINE_KINDS = ("answer", "dispatch", "ack", "on_scene", "resolve", "investigate", "callback")

#: Services in the order the report lists them.
SERVICE_ORDER = ("110", "119", "120", "section", "ops")

#: Complaint deadlines in seconds from ``incident_opened``: investigate within 1 day,
#: call the complainant back within 2 days.
COMPLAINT_DEADLINES = {"investigate": 86400, "callback": 172800}


def percentile(samples: Sequence[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile of ``samples`` (``None`` when empty).

    Args:
        samples: The values, in any order.
        p: The percentile, 0 < p <= 100.

    Returns:
        The smallest sample such that at least ``p`` % of the samples are at or below it.
    """
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, -(-p * len(ordered) // 100))  # ceil without float surprises for int p
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class Stat:
    """Durations of one measure, in seconds, against one deadline.

    Attributes:
        count: How many durations were measured.
        p50: The median (nearest rank), ``None`` when nothing was measured.
        p90: The 90th percentile (nearest rank).
        max: The longest.
        deadline_s: The deadline the durations are held against (``None``: none).
        within: How many were at or under the deadline (equal counts as within).
        share: ``within / count`` rounded to 4 places; ``None`` when nothing was measured.
    """

    count: int = 0
    p50: float | None = None
    p90: float | None = None
    max: float | None = None
    deadline_s: int | None = None
    within: int = 0
    share: float | None = None

    @classmethod
    def of(cls, samples: Sequence[float], deadline_s: int | None = None) -> Stat:
        """Summarise ``samples`` (seconds) against ``deadline_s``."""
        if not samples:
            return cls(deadline_s=deadline_s)
        within = sum(1 for s in samples if deadline_s is not None and s <= deadline_s)
        return cls(
            count=len(samples),
            p50=percentile(samples, 50),
            p90=percentile(samples, 90),
            max=max(samples),
            deadline_s=deadline_s,
            within=within,
            share=round(within / len(samples), 4) if deadline_s is not None else None,
        )

    def to_json(self) -> dict[str, Any]:
        """``{count, p50, p90, max, deadline_s, within, share}``."""
        return {"count": self.count, "p50": self.p50, "p90": self.p90, "max": self.max,
                "deadline_s": self.deadline_s, "within": self.within, "share": self.share}


@dataclass(frozen=True)
class ServiceTimes:
    """How fast one service acknowledged its orders and reached the scene."""

    service: str
    orders: int
    received: Stat
    on_scene: Stat

    def to_json(self) -> dict[str, Any]:
        """``{orders, received: Stat, on_scene: Stat}``."""
        return {"orders": self.orders, "received": self.received.to_json(),
                "on_scene": self.on_scene.to_json()}


@dataclass(frozen=True)
class ComplaintRow:
    """One complaint and its two deadlines."""

    incident: str
    opened_at: datetime
    investigate_due: datetime
    callback_due: datetime
    investigated_at: datetime | None
    callback_at: datetime | None
    satisfied: bool | None
    investigate_late: bool
    callback_late: bool

    @property
    def past_deadline(self) -> bool:
        """Whether either the investigation or the callback is (or was) late."""
        return self.investigate_late or self.callback_late

    def to_json(self) -> dict[str, Any]:
        """The complaint as JSON (times RFC 3339 UTC)."""
        return {
            "incident": self.incident,
            "opened_at": rfc3339(self.opened_at),
            "investigate_due": rfc3339(self.investigate_due),
            "callback_due": rfc3339(self.callback_due),
            "investigated_at": _time(self.investigated_at),
            "callback_at": _time(self.callback_at),
            "satisfied": self.satisfied,
            "investigate_late": self.investigate_late,
            "callback_late": self.callback_late,
            "past_deadline": self.past_deadline,
        }


@dataclass(frozen=True)
class IncidentRow:
    """One counted incident (merged ones are folded into their survivor)."""

    id: str
    kind: str | None
    calls: int
    orders: int
    merged: tuple[str, ...]
    first_order_s: float | None
    resolved_s: float | None

    def to_json(self) -> dict[str, Any]:
        """``{id, kind, calls, orders, merged, first_order_s, resolved_s}``."""
        return {"id": self.id, "kind": self.kind, "calls": self.calls, "orders": self.orders,
                "merged": list(self.merged), "first_order_s": self.first_order_s,
                "resolved_s": self.resolved_s}


@dataclass(frozen=True)
class DrillScore:
    """A ``drill_scored`` event."""

    drill: str
    title: dict[str, str]
    score: float | None
    calls: int | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        """``{drill, title: {en, zh}, score, calls, at}``."""
        return {"drill": self.drill, "title": dict(self.title), "score": self.score,
                "calls": self.calls, "at": rfc3339(self.at)}


@dataclass(frozen=True)
class Report:
    """The response-time report: a fold of the event log (see :func:`build_report`).

    Attributes:
        since: Only events at or after this time were read (``None``: all).
        first: The earliest event read (``None``: none).
        last: The latest event read.
        now: The moment open deadlines are judged against.
        sla: The deadlines used, ``{answer_s, dispatch_s, ack_s, on_scene_s, resolve_s}``.
        complaint_deadlines: ``{investigate, callback}`` in seconds.
        counts: ``calls``, ``answered``, ``unanswered``, ``incidents``, ``merged``,
            ``orders``, ``resolved``, ``unresolved``.
        answer: Call rang → call answered.
        dispatch: Call rang → first order of the incident.
        services: Per service, order sent → ``received`` and → ``on_scene``.
        resolve: Call rang → incident resolved (complaints excluded).
        breaches: ``deadline_breached`` events per deadline kind.
        complaints: Every complaint, oldest first.
        drills: Every drill score, in log order.
        incidents: Every counted incident, oldest first.
    """

    since: datetime | None
    first: datetime | None
    last: datetime | None
    now: datetime | None
    sla: dict[str, int]
    complaint_deadlines: dict[str, int]
    counts: dict[str, int]
    answer: Stat
    dispatch: Stat
    services: dict[str, ServiceTimes]
    resolve: Stat
    breaches: dict[str, int]
    complaints: list[ComplaintRow] = field(default_factory=list)
    drills: list[DrillScore] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)

    @property
    def complaints_past_deadline(self) -> list[str]:
        """Ids of the complaints whose investigation or callback is late."""
        return [c.incident for c in self.complaints if c.past_deadline]

    def to_json(self) -> dict[str, Any]:
        """The whole report as one JSON-ready object with stable keys."""
        return {
            "schema": SCHEMA,
            "percentiles": PERCENTILE_METHOD,
            "since": _time(self.since),
            "first": _time(self.first),
            "last": _time(self.last),
            "now": _time(self.now),
            "sla": dict(self.sla),
            "complaint_deadlines": dict(self.complaint_deadlines),
            "counts": dict(self.counts),
            "answer": self.answer.to_json(),
            "dispatch": self.dispatch.to_json(),
            "services": {name: s.to_json() for name, s in self.services.items()},
            "resolve": self.resolve.to_json(),
            "breaches": {"total": sum(self.breaches.values()), "by_kind": dict(self.breaches)},
            "complaints": {
                "total": len(self.complaints),
                "past_deadline": len(self.complaints_past_deadline),
                "past_deadline_ids": self.complaints_past_deadline,
                "satisfied": sum(1 for c in self.complaints if c.satisfied is True),
                "items": [c.to_json() for c in self.complaints],
            },
            "drills": [d.to_json() for d in self.drills],
            "incidents": [i.to_json() for i in self.incidents],
        }


def _time(at: datetime | None) -> str | None:
    return None if at is None else rfc3339(at)
