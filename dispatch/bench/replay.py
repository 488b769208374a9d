"""Replay fold: events per second rebuilding incidents from a large log.

The log is built from one incident worked by real desk commands (call,
answer, placing, playbook, answers, advice, orders, deliveries, reports,
resolve, close), cloned under fresh ids until it holds the wanted number of
events.  The figure with the target is the issue's "rebuilding incidents":
read, decode and fold every row into the incidents projection (what
``dispatch timeline --rebuild`` and a replay's incident list use).  A second
figure, without a target, times the console's replay, which also folds the
desk's board (calls, orders, alerts) and keeps every event for stepping.
The baseline is a bare read of the same rows.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from dispatch.bench.report import Figure, ratio_figure
from dispatch.bench.setup import OPERATOR, bench_desk, worked_incident
from dispatch.drill.replay import Replay
from dispatch.model import Event, EventType, new_id
from dispatch.timeline import Timeline
from dispatch.timeline.rows import project_rows, row_to_event


def template_events(folder: Path) -> list[Event]:
    """The events of one incident worked from call to close (no broker needed)."""
    desk = bench_desk(folder / "replay-template.db", port=1)
    try:
        incident = worked_incident(desk)
        for advice in ("leave_lanes", "hazard_lights", "warning_triangle"):
            desk.give_advice(OPERATOR, incident, advice)
        desk.set_priority(OPERATOR, incident, 1, "injured")
        for order in desk.dispatch(OPERATOR, incident, ["110", "120", "section"]):
            to = desk.board.incidents[incident].orders[order].to
            desk.record(desk.event(EventType.ORDER_DELIVERED, "system", incident, order=order,
                                   to=to))
            for status in ("received", "accepted", "on_scene", "cleared"):
                desk.record(desk.event(EventType.ORDER_STATUS, to, incident, order=order,
                                       to=to, status=status))
        desk.resolve(OPERATOR, incident)
        desk.close(OPERATOR, incident)
        return list(desk.log.events())
    finally:
        desk.log.close()


def clone(template: list[Event], n: int) -> list[Event]:
    """The template's events under fresh ids; the incident becomes ``20260101-{n:06d}``."""
    incident = next(e.incident for e in template if e.incident)
    ids = {*(e.data.get("call", "") for e in template),
           *(e.data.get("order", "") for e in template)} - {""}
    new = {old: new_id() for old in ids}
    new[incident] = f"20260101-{n:06d}"
    out = []
    for e in template:
        text = json.dumps(e.data, ensure_ascii=False)
        for old, fresh in new.items():
            text = text.replace(old, fresh)
        out.append(Event(type=e.type, actor=e.actor, at=e.at,
                         incident=new.get(e.incident or "", e.incident), data=json.loads(text)))
    return out


def build_log(path: Path, folder: Path, events: int) -> int:
    """Fill a fresh log with ``events`` events (cloned incidents); return how many."""
    template = template_events(folder)
    log = Timeline(path, center="bench", drill=False)
    written, n = 0, 0
    try:
        while written < events:
            batch: list[Event] = []
            for _ in range(max(1, 1000 // len(template))):
                n += 1
                batch.extend(clone(template, n))
            batch = batch[: events - written]
            log.append(*batch)
            written += len(batch)
    finally:
        log.close()
    return written


def replay(folder: Path, events: int = 100_000) -> list[Figure]:
    """Events per second folded by :class:`Replay` against a bare read (target ≥ 0.3 ×)."""
    path = folder / "replay.db"
    count = build_log(path, folder, events)

    def bare() -> float:
        conn = sqlite3.connect(str(path))
        start = time.perf_counter()
        for _row in conn.execute(
                "SELECT seq, id, at, incident, type, actor, data FROM events ORDER BY seq"):
            pass
        took = time.perf_counter() - start
        conn.close()
        return took

    def incidents() -> float:
        with Timeline(path, center=None, drill=None, create=False) as log:
            start = time.perf_counter()
            project_rows(log.event_rows())
            return time.perf_counter() - start

    def console() -> float:
        with Timeline(path, center=None, drill=None, create=False) as log:
            start = time.perf_counter()
            Replay.of(log).run()
            return time.perf_counter() - start

    def decoded() -> float:
        conn = sqlite3.connect(str(path))
        start = time.perf_counter()
        for row in conn.execute(
                "SELECT seq, id, at, incident, type, actor, data FROM events ORDER BY seq"):
            row_to_event(row)
        took = time.perf_counter() - start
        conn.close()
        return took

    # Interleaved rounds, best of each: the machine's noise then falls on both alike.
    rounds = [(bare(), incidents()) for _ in range(4)]
    b, r = min(x for x, _ in rounds), min(y for _, y in rounds)
    c = min(console() for _ in range(2))
    d = decoded()
    note = (f"{count} events; reading them into Event objects alone runs at "
            f"{count / d:,.0f}/s ({b / d:.2f} × the bare read)")
    return [ratio_figure("replay fold: rebuilding incidents", count / r, count / b, "events/s",
                         at_least=0.3, note=note),
            ratio_figure("replay fold: console replay (incidents + board, events kept)",
                         count / c, count / b, "events/s")]
