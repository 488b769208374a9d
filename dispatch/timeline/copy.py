"""Moving a centre's log between engines, event by event.

The copy replays every event into the destination through the same write
path (and so the same fold) as live appends, in ``seq`` order, with its id,
time, actor and data unchanged; the projections at the destination are
therefore folded there, not copied.  Operator accounts come along.  The
destination must hold no events yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass

from dispatch.errors import TimelineError
from dispatch.timeline.log import Timeline
from dispatch.timeline.rows import row_to_event

#: Events per destination transaction: group commits (DESIGN, "facts to design by").
BATCH = 2000

_OPERATOR_COLS = ("id", "name", "role", "hash", "disabled", "created_at", "changed_at")


@dataclass(frozen=True)
class Copied:
    """What a copy moved, and whether the destination folds to the same incidents."""

    events: int
    operators: int
    incidents: int
    same: bool


def copy_log(src: Timeline, dst: Timeline,
             progress: Callable[[int], None] | None = None) -> Copied:
    """Copy every event (and account) of ``src`` into the empty log ``dst``.

    Raises:
        TimelineError: ``dst`` already holds events, or belongs to another
            centre or kind than ``src``.
    """
    if dst.event_count():
        raise TimelineError(f"{dst.path}: holds events already; copy into an empty log")
    if (dst.center, dst.drill) != (src.center, src.drill):
        raise TimelineError(f"{dst.path}: belongs to {dst.center} "
                            f"({'drill' if dst.drill else 'live'}), not {src.center}")
    count = 0
    batch = []
    for row in src.conn.execute("SELECT seq, id, at, incident, type, actor, data FROM events "
                                "ORDER BY seq"):
        event = row_to_event(row)
        event.seq = None
        batch.append(event)
        if len(batch) >= BATCH:
            count += _write(dst, batch)
            batch = []
            if progress:
                progress(count)
    count += _write(dst, batch)
    accounts = src.conn.execute(f"SELECT {', '.join(_OPERATOR_COLS)} FROM operators "
                                "ORDER BY id").fetchall()
    if accounts:
        with dst.transaction():
            for account in accounts:
                dst.conn.execute(
                    f"INSERT INTO operators ({', '.join(_OPERATOR_COLS)}) VALUES "
                    f"({', '.join('?' * len(_OPERATOR_COLS))}) ON CONFLICT(id) DO NOTHING",
                    list(account))
    incidents = src.incidents()
    same = [astuple(i)[:-1] for i in incidents] == [astuple(i)[:-1] for i in dst.incidents()]
    return Copied(count, len(accounts), len(incidents), same)


def _write(dst: Timeline, events: list) -> int:
    if not events:
        return 0
    with dst.transaction() as tx:
        tx.append(*events)
    return len(tx.appended)
