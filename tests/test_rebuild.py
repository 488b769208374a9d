"""A rebuilt projection equals the one kept incrementally, on random histories."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.clock import ManualClock
from dispatch.model import EventType as E
from dispatch.timeline import Timeline

# One step of a history: (what, which incident/order index, a value, seconds to wait).
step = st.tuples(
    st.sampled_from(["open", "location", "playbook", "priority", "resolve", "close", "reopen",
                     "merge", "send", "deliver", "resend", "timeout", "status", "note", "call",
                     "batch"]),
    st.integers(0, 20),
    st.integers(1, 4),
    st.integers(0, 7200),
)


def _dump(log: Timeline) -> dict[str, list[tuple]]:
    tables = {"incidents": "id", "outbox": '"order"', "incident_days": "day"}
    return {t: log.conn.execute(f"SELECT * FROM {t} ORDER BY {k}").fetchall()
            for t, k in tables.items()}


def _play(log: Timeline, clock: ManualClock, steps: list[tuple[str, int, int, int]]) -> None:
    incidents: list[str] = []
    orders: list[str] = []

    def pick(i: int) -> str | None:
        return incidents[i % len(incidents)] if incidents else None

    for what, idx, value, wait in steps:
        clock.advance(wait)
        iid = pick(idx)
        if what == "open":
            incidents.append(log.open_incident(f"op{value}", {"call": f"c{len(incidents)}",
                                                              "kind": "accident"}).incident)
        elif iid is None:
            log.record(E.CALL_RECEIVED, "gateway", call=f"r{idx}")
        elif what == "location":
            log.record(E.LOCATION_SET, "op1", iid,
                       location={"road": "G4", "km": 1000 + idx + value / 10, "section": "s"})
        elif what == "playbook":
            kind = ["accident", "breakdown"][value % 2]
            log.record(E.PLAYBOOK_APPLIED, "op1", iid, playbook=kind)
        elif what == "priority":
            log.record(E.PRIORITY_SET, "op1", iid, priority=value)
        elif what == "resolve":
            log.record(E.INCIDENT_RESOLVED, "op1", iid)
        elif what == "close":
            log.record(E.INCIDENT_CLOSED, "op1", iid)
        elif what == "reopen":
            log.record(E.INCIDENT_REOPENED, "sup1", iid)
        elif what == "merge":
            log.record(E.INCIDENTS_MERGED, "op1", iid, merged=[pick(idx + value)])
        elif what == "send":
            orders.append(f"o{len(orders)}")
            log.record(E.ORDER_SENT, "op1", iid, order=orders[-1], to="120/xianning",
                       payload={"n": len(orders)})
        elif what in ("deliver", "resend", "timeout") and orders:
            kind = {"deliver": E.ORDER_DELIVERED, "resend": E.ORDER_RESENT,
                    "timeout": E.ORDER_TIMEOUT}[what]
            log.record(kind, "system", iid, order=orders[idx % len(orders)])
        elif what == "status" and orders:
            status = ["received", "accepted", "on_scene", "cleared"][value - 1]
            log.record(E.ORDER_STATUS, "120/xianning", iid, order=orders[idx % len(orders)],
                       status=status)
        elif what == "batch":
            log.append(*(log.event(E.ANSWER_RECORDED, "op1", iid, {"question": "injured",
                                                                    "value": n})
                         for n in range(value)))
        else:
            log.record(E.NOTE_ADDED, "op1", iid, text="note")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=60))
def test_rebuild_equals_incremental(steps: list[tuple[str, int, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(datetime(2026, 11, 22, 12, tzinfo=UTC))
        log = Timeline(Path(folder) / "h.db", center="hubei", clock=clock,
                       tz=ZoneInfo("Asia/Shanghai"))
        _play(log, clock, steps)
        incremental = _dump(log)
        assert log.rebuild() == log.event_count()
        assert _dump(log) == incremental
        log.close()
