"""Durable appends: the log's append path against bare ``sqlite3`` with the same pragmas.

Both sides write WAL with ``synchronous=FULL`` to fresh files in the same
folder, into the same ``events`` table (its indexes and triggers included):
the ratio is what the log's Python path costs on top of SQLite itself.
They alternate in rounds so that a noisy neighbour hurts both alike.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dispatch.bench.report import Figure, ratio_figure
from dispatch.model import Event, EventType, new_id
from dispatch.timeline import Timeline
from dispatch.timeline.fold import canonical_json
from dispatch.timeline.schema import connect

BATCH = 100
ROUNDS = 3

_BARE_INSERT = "INSERT INTO events (id, at, incident, type, actor, data) VALUES (?, ?, ?, ?, ?, ?)"


def sample_event(n: int, at: datetime | None = None) -> Event:
    """A realistic incoming call event (what a burst appends)."""
    return Event(type=EventType.CALL_RECEIVED, actor="gateway",
                 at=at or datetime.now(UTC),
                 data={"call": new_id(), "caller": {"name": "Li", "phone": f"1380000{n:04d}"},
                       "says": "三辆车追尾，有人受伤，在G4 K1024附近", "location": "G4 K1024+300",
                       "answers": {"injured": 2}})


def _row(event: Event) -> tuple[str, str, str | None, str, str, str]:
    return (event.id, event.at.isoformat(), event.incident, str(event.type), event.actor,
            canonical_json(event.data))


def _bare(path: Path) -> sqlite3.Connection:
    """A connection to the very same schema (table, indexes, triggers) and pragmas."""
    return connect(str(path)).conn


def _timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def appends(folder: Path, *, single: int = 2000, batched: int = 50_000) -> list[Figure]:
    """Durable appends per second, batched (100 per commit) and single (one per commit).

    Args:
        folder: Where the temporary databases go.
        single: Events appended one per transaction, per side.
        batched: Events appended 100 per transaction, per side.

    Returns:
        Two figures: batched (target ≥ 0.5 × bare) and single (≥ 0.8 × bare).
    """
    log = Timeline(folder / "appends-log.db", center="bench", drill=False)
    bare = _bare(folder / "appends-bare.db")
    events = [sample_event(i) for i in range(max(single, batched))]
    rows = [_row(e) for e in events]
    totals = {"log1": 0.0, "bare1": 0.0, "logN": 0.0, "bareN": 0.0}
    try:
        for r in range(ROUNDS):
            part_s = range(r * single // ROUNDS, (r + 1) * single // ROUNDS)
            part_b = range(r * batched // ROUNDS, (r + 1) * batched // ROUNDS)

            def bare_single(part: range = part_s) -> None:
                for i in part:
                    bare.execute("BEGIN IMMEDIATE")
                    bare.execute(_BARE_INSERT, rows[i])
                    bare.execute("COMMIT")

            def log_single(part: range = part_s) -> None:
                for i in part:
                    log.append(_fresh(events[i]))

            def bare_batched(part: range = part_b) -> None:
                for i in range(part.start, part.stop, BATCH):
                    bare.execute("BEGIN IMMEDIATE")
                    bare.executemany(_BARE_INSERT, [_fresh_row(x) for x in
                                                    rows[i:min(i + BATCH, part.stop)]])
                    bare.execute("COMMIT")

            def log_batched(part: range = part_b) -> None:
                for i in range(part.start, part.stop, BATCH):
                    log.append(*(_fresh(e) for e in events[i:min(i + BATCH, part.stop)]))

            totals["bare1"] += _timed(bare_single)
            totals["log1"] += _timed(log_single)
            totals["logN"] += _timed(log_batched)
            totals["bareN"] += _timed(bare_batched)
    finally:
        log.close()
        bare.close()
    per = {k: (single if k.endswith("1") else batched) / v for k, v in totals.items()}
    return [
        ratio_figure("durable appends/s, batched (100 per commit)", per["logN"], per["bareN"],
                     "/s", at_least=0.5),
        ratio_figure("durable appends/s, single (1 per commit)", per["log1"], per["bare1"],
                     "/s", at_least=0.8),
    ]


def _fresh(event: Event) -> Event:
    """The same event under a new id (each side writes every event once per table)."""
    return Event(type=event.type, actor=event.actor, at=event.at, incident=event.incident,
                 data=event.data)


def _fresh_row(row: tuple[str, str, str | None, str, str, str]) -> tuple[str, ...]:
    return (new_id(), *row[1:])  # type: ignore[return-value]
