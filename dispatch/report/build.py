"""The response-time report as a pure fold over timeline events.

Nothing but the events is read: no projection, no clock.  What each figure
measures (all durations in seconds, rounded to the millisecond):

- **answer**: ``call_answered.at − call_received.at`` of the same ``data.call``
  (the first answer of each call).
- **dispatch** (call to first order): the first ``order_sent`` of an incident
  minus the ``call_received`` of its call (``incident_opened.data.call``).
  Incidents merged into another count for the survivor: the survivor's start is
  the earliest call of the group it absorbed, its first order the earliest order
  of any incident of the group.  Incidents opened without a call (automatic
  outage or peak-load incidents) have no dispatch time.
- **services**: per service (``order_sent.data.to`` before the ``/``), from an
  order's ``order_sent`` to its first ``order_status`` ``received`` (against
  ``sla.ack_s``) and to its first ``on_scene`` (against ``sla.on_scene_s``).
- **resolve**: from the call (or from ``incident_opened`` when the incident
  had no call) to the first ``incident_resolved`` or ``incident_closed``,
  against ``sla.resolve_s``.  Complaints are left out: their loop runs for days
  and has its own deadlines.
- **complaints**: incidents of kind ``complaint`` (from ``incident_opened.data.kind``
  or the last ``playbook_applied``).  The investigation is due ``investigate`` seconds
  after ``incident_opened``, the callback ``callback`` seconds after it.  A deadline is
  missed when its event (``investigation_recorded``, ``callback_recorded``) came
  after it, or never came and the deadline is before "now", or a
  ``deadline_breached`` event names it for the complaint.

**Time windows** (``since``): only events at or after ``since`` are folded.  A
pair whose first half lies before ``since`` is simply left out: a call that rang
before ``since`` and was answered after it has no answer time; an order sent
before ``since`` has no service times; an incident opened before ``since`` is
not counted, even if it is resolved in the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dispatch.config.schema import SlaConfig
from dispatch.model import Event, EventType
from dispatch.report.figures import (
    COMPLAINT_DEADLINES,
    DEADLINE_KINDS,
    SERVICE_ORDER,
    ComplaintRow,
    DrillScore,
    IncidentRow,
    Report,
    ServiceTimes,
    Stat,
)

# Event types the desk writes that the core enum does not (yet) name.
DEADLINE_BREACHED = "deadline_breached"
INVESTIGATION_RECORDED = "investigation_recorded"
CALLBACK_RECORDED = "callback_recorded"
DRILL_SCORED = "drill_scored"

COMPLAINT = "complaint"


def seconds(start: datetime, end: datetime) -> float:
    """``end − start`` in seconds, rounded to the millisecond (the log's precision)."""
    return round((end - start).total_seconds(), 3)


@dataclass
class _Incident:
    id: str
    opened_at: datetime
    call: str | None
    kind: str | None
    calls: set[str] = field(default_factory=set)
    first_order: datetime | None = None
    orders: int = 0
    resolved_at: datetime | None = None
    investigated_at: datetime | None = None
    callback_at: datetime | None = None
    satisfied: bool | None = None
    breached: set[str] = field(default_factory=set)


@dataclass
class _Order:
    service: str
    sent_at: datetime
    received_at: datetime | None = None
    on_scene_at: datetime | None = None


class _Fold:
    """The running state of one report."""

    def __init__(self) -> None:
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.rang: dict[str, datetime] = {}
        self.answered: dict[str, datetime] = {}
        self.incidents: dict[str, _Incident] = {}
        self.merged_into: dict[str, str] = {}
        self.orders: dict[str, _Order] = {}
        self.sent = 0  # order_sent events of distinct orders
        self.breaches: dict[str, int] = dict.fromkeys(DEADLINE_KINDS, 0)
        self.drills: list[DrillScore] = []

    def apply(self, event: Event) -> None:
        at, data, kind = event.at, event.data or {}, str(event.type)
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)
        call = data.get("call")
        if kind == EventType.CALL_RECEIVED and isinstance(call, str):
            self.rang.setdefault(call, at)
        elif kind == EventType.CALL_ANSWERED and isinstance(call, str):
            if call in self.rang:
                self.answered.setdefault(call, at)
        elif kind == EventType.INCIDENT_OPENED and event.incident:
            self.incidents.setdefault(event.incident, _Incident(
                id=event.incident, opened_at=at, call=call if isinstance(call, str) else None,
                kind=data.get("kind")))
        elif kind == EventType.ORDER_SENT:
            self._order_sent(event)
        elif kind == EventType.ORDER_STATUS:
            self._order_status(event)
        elif kind == DEADLINE_BREACHED:
            name = str(data.get("deadline") or "other")
            self.breaches[name] = self.breaches.get(name, 0) + 1
        elif kind == DRILL_SCORED:
            self._drill(event)
        elif kind == EventType.INCIDENTS_MERGED and event.incident:
            for other in data.get("merged") or []:
                if isinstance(other, str) and other != event.incident:
                    self.merged_into[other] = event.incident
        inc = self.incidents.get(event.incident or "")
        if inc is not None:
            self._incident_event(inc, kind, event)

    def _incident_event(self, inc: _Incident, kind: str, event: Event) -> None:
        data, at = event.data or {}, event.at
        if isinstance(data.get("call"), str) and kind in (
            EventType.INCIDENT_OPENED, EventType.CALL_RECEIVED, EventType.CALL_ANSWERED
        ):
            inc.calls.add(data["call"])
        if kind == EventType.PLAYBOOK_APPLIED and data.get("playbook"):
            inc.kind = str(data["playbook"])
        elif kind in (EventType.INCIDENT_RESOLVED, EventType.INCIDENT_CLOSED):
            inc.resolved_at = inc.resolved_at or at
        elif kind == INVESTIGATION_RECORDED:
            inc.investigated_at = inc.investigated_at or at
        elif kind == CALLBACK_RECORDED and inc.callback_at is None:
            inc.callback_at = at
            satisfied = data.get("satisfied")
            inc.satisfied = satisfied if isinstance(satisfied, bool) else None
        elif kind == DEADLINE_BREACHED and data.get("deadline"):
            inc.breached.add(str(data["deadline"]))

    def _order_sent(self, event: Event) -> None:
        data = event.data or {}
        order = data.get("order")
        to = str(data.get("to") or "")
        if isinstance(order, str):
            if order in self.orders:
                return  # the same order written twice: count it once
            self.orders[order] = _Order(service=to.partition("/")[0] or "?", sent_at=event.at)
        self.sent += 1
        inc = self.incidents.get(event.incident or "")
        if inc is not None:
            inc.orders += 1
            inc.first_order = inc.first_order or event.at

    def _order_status(self, event: Event) -> None:
        data = event.data or {}
        order = self.orders.get(str(data.get("order")))
        if order is None:
            return
        status = data.get("status")
        if status == "received" and order.received_at is None:
            order.received_at = event.at
        elif status == "on_scene" and order.on_scene_at is None:
            order.on_scene_at = event.at

    def _drill(self, event: Event) -> None:
        data = event.data or {}
        title = data.get("title")
        if not isinstance(title, dict):
            title = {"en": str(title or data.get("drill") or ""),
                     "zh": str(title or data.get("drill") or "")}
        score, calls = data.get("score"), data.get("calls")
        self.drills.append(DrillScore(
            drill=str(data.get("drill") or ""),
            title={"en": str(title.get("en") or title.get("zh") or ""),
                   "zh": str(title.get("zh") or title.get("en") or "")},
            score=score if isinstance(score, int | float) and not isinstance(score, bool)
            else None,
            calls=calls if isinstance(calls, int) and not isinstance(calls, bool) else None,
            at=event.at,
        ))

    def root(self, incident_id: str) -> str:
        """The incident that finally absorbed ``incident_id`` (itself if never merged)."""
        seen = {incident_id}
        while incident_id in self.merged_into:
            incident_id = self.merged_into[incident_id]
            if incident_id in seen:  # a merge cycle: a broken log, stop somewhere
                break
            seen.add(incident_id)
        return incident_id


def build_report(
    events: Iterable[Event],
    sla: SlaConfig,
    complaint_deadlines: Mapping[str, int] | None = None,
    *,
    now: datetime | None = None,
    since: datetime | None = None,
) -> Report:
    """Fold events into the response-time report.

    Args:
        events: Timeline events in log order (e.g. ``Timeline.events()``).
        sla: The deadlines to hold the times against.
        complaint_deadlines: ``{"investigate": s, "callback": s}`` from ``incident_opened``;
            missing keys default to 86400 and 172800 (1 and 2 days).
        now: The moment open deadlines are judged against; defaults to the last event's time.
        since: Leave out events before this time (see the module's notes on pairs).

    Returns:
        The report.
    """
    deadlines = {**COMPLAINT_DEADLINES, **(complaint_deadlines or {})}
    fold = _Fold()
    for event in events:
        if since is None or event.at >= since:
            fold.apply(event)
    now = now or fold.last

    groups: dict[str, list[_Incident]] = {}
    for inc in fold.incidents.values():
        groups.setdefault(fold.root(inc.id), []).append(inc)
    # A group whose survivor opened before the window is not counted at all.
    survivors = [fold.incidents[root] for root in groups if root in fold.incidents]
    survivors.sort(key=lambda inc: (inc.opened_at, inc.id))

    dispatch: list[float] = []
    resolve: list[float] = []
    rows: list[IncidentRow] = []
    complaints: list[ComplaintRow] = []
    for inc in survivors:
        group = groups[inc.id]
        row = _incident_row(fold, inc, group)
        rows.append(row)
        if row.first_order_s is not None:
            dispatch.append(row.first_order_s)
        if inc.kind == COMPLAINT:
            complaints.append(_complaint(inc, group, deadlines, now))
        elif row.resolved_s is not None:
            resolve.append(row.resolved_s)

    answers = [seconds(fold.rang[c], at) for c, at in fold.answered.items()]
    non_complaints = [i for i in survivors if i.kind != COMPLAINT]
    counts = {
        "calls": len(fold.rang),
        "answered": len(answers),
        "unanswered": len(fold.rang) - len(answers),
        "incidents": len(survivors),
        "merged": len(fold.incidents) - len(survivors),
        "orders": fold.sent,
        "resolved": len(resolve),
        "unresolved": sum(1 for i in non_complaints if i.resolved_at is None),
    }
    return Report(
        since=since, first=fold.first, last=fold.last, now=now,
        sla=sla.model_dump(), complaint_deadlines=deadlines, counts=counts,
        answer=Stat.of(answers, sla.answer_s),
        dispatch=Stat.of(dispatch, sla.dispatch_s),
        services=_services(fold, sla),
        resolve=Stat.of(resolve, sla.resolve_s),
        breaches=dict(fold.breaches),
        complaints=complaints, drills=list(fold.drills), incidents=rows,
    )


def _incident_row(fold: _Fold, inc: _Incident, group: list[_Incident]) -> IncidentRow:
    calls: set[str] = set().union(*(g.calls for g in group))
    rang = [fold.rang[c] for c in calls if c in fold.rang]
    if inc.call is not None and inc.call not in fold.rang:
        start: datetime | None = None  # its call rang before the window: leave it out
    else:
        start = min(rang) if rang else None
    orders = [g.first_order for g in group if g.first_order is not None]
    first_order = min(orders) if orders else None
    resolved_from = start if start is not None or inc.call is not None else inc.opened_at
    return IncidentRow(
        id=inc.id,
        kind=inc.kind,
        calls=len(calls),
        orders=sum(g.orders for g in group),
        merged=tuple(sorted(g.id for g in group if g is not inc)),
        first_order_s=seconds(start, first_order)
        if start is not None and first_order is not None else None,
        resolved_s=seconds(resolved_from, inc.resolved_at)
        if resolved_from is not None and inc.resolved_at is not None else None,
    )


def _complaint(inc: _Incident, group: list[_Incident], deadlines: Mapping[str, int],
               now: datetime | None) -> ComplaintRow:
    investigate_due = inc.opened_at + timedelta(seconds=deadlines["investigate"])
    callback_due = inc.opened_at + timedelta(seconds=deadlines["callback"])
    investigated = _earliest(g.investigated_at for g in group)
    callback = _earliest(g.callback_at for g in group)
    satisfied = next((g.satisfied for g in group if g.callback_at == callback), None)
    breached: set[str] = set().union(*(g.breached for g in group))
    return ComplaintRow(
        incident=inc.id,
        opened_at=inc.opened_at,
        investigate_due=investigate_due,
        callback_due=callback_due,
        investigated_at=investigated,
        callback_at=callback,
        satisfied=satisfied if callback is not None else None,
        investigate_late=_late(investigated, investigate_due, now) or "investigate" in breached,
        callback_late=_late(callback, callback_due, now) or "callback" in breached,
    )


def _late(done: datetime | None, due: datetime, now: datetime | None) -> bool:
    if done is not None:
        return done > due
    return now is not None and now > due


def _earliest(times: Iterable[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _services(fold: _Fold, sla: SlaConfig) -> dict[str, ServiceTimes]:
    names = list(SERVICE_ORDER) + sorted({o.service for o in fold.orders.values()}
                                         - set(SERVICE_ORDER))
    result: dict[str, ServiceTimes] = {}
    for name in names:
        orders = [o for o in fold.orders.values() if o.service == name]
        received = [seconds(o.sent_at, o.received_at) for o in orders if o.received_at]
        on_scene = [seconds(o.sent_at, o.on_scene_at) for o in orders if o.on_scene_at]
        result[name] = ServiceTimes(service=name, orders=len(orders),
                                    received=Stat.of(received, sla.ack_s),
                                    on_scene=Stat.of(on_scene, sla.on_scene_s))
    return result
