"""What a seat folds to start: the floor as it is now, not the whole history.

A busy centre's year is some ten million events; folding them all before a
seat shows its board would take most of a minute and a gigabyte.  The floor
now is a small part of it, found through the projections:

- the incidents not yet closed, and those merged into them (their orders
  moved over), with every event of theirs and the calls that rang for them;
- the calls still ringing (the ``ringing`` projection) and their breaches;
- the calls of the peak window (the automatic peak mode counts them);
- the last mode change, the seats' comings and goings, each console's last
  link change.

Closed incidents stay in the log; search, timeline, replay and the report
read them from there.  Folding these events in ``seq`` order gives the same
board, for everything open, as folding the whole log (a test checks it).
"""

from __future__ import annotations

import json
from datetime import datetime

from dispatch.clock import rfc3339
from dispatch.model import Event
from dispatch.timeline.log import Timeline
from dispatch.timeline.rows import row_to_event

_COLS = "seq, id, at, incident, type, actor, data"
_CHUNK = 500


def floor_events(log: Timeline, since: datetime) -> list[Event]:
    """The events that make the floor as it is now, in ``seq`` order.

    Args:
        log: The log.
        since: Start of the peak window (calls since then are counted).
    """
    conn = log.conn
    rows: dict[int, tuple] = {}

    def take(sql: str, params: list, types: tuple[str, ...] = ()) -> None:
        # Types are filtered here, not in SQL: a type condition would lead the
        # planner to the (type, seq) index, a scan of the whole history.
        for row in conn.execute(sql, params):
            if not types or row[4] in types:
                rows[row[0]] = row

    open_ids = [r[0] for r in conn.execute(
        "SELECT id FROM incidents WHERE status IN ('open', 'resolved')")]
    wanted, frontier = set(open_ids), list(open_ids)
    while frontier:  # incidents merged into open ones, and into those, …
        found = []
        for part in _chunks(frontier):
            found += [r[0] for r in conn.execute(
                f"SELECT id FROM incidents WHERE merged_into IN ({_marks(part)})", part)]
        frontier = [i for i in found if i not in wanted]
        wanted.update(frontier)
    for part in _chunks(sorted(wanted)):
        take(f"SELECT {_COLS} FROM events WHERE incident IN ({_marks(part)})", part)
    calls = [json.loads(r[6]).get("call") for r in rows.values() if r[4] == "incident_opened"]
    calls = [c for c in calls if isinstance(c, str)]
    ringing = [r[0] for r in conn.execute("SELECT seq FROM ringing")]
    for part in _chunks(ringing):
        take(f"SELECT {_COLS} FROM events WHERE seq IN ({_marks(part)})", part)
    # The calls of those incidents, and of calls answered whose incident is not open yet.
    calls += [r[0] for r in conn.execute("SELECT call FROM ringing")]
    for part in _chunks(calls):
        take(f"SELECT {_COLS} FROM events WHERE json_extract(data, '$.call') IN "
             f"({_marks(part)})", part, ("call_received", "call_answered"))
    if ringing:
        take(f"SELECT {_COLS} FROM events WHERE type = 'deadline_breached' AND seq >= ? "
             "AND incident IS NULL", [min(ringing)])
    # By seq, not by time: (type, seq) is indexed, and the window is the log's tail.
    # (The first event in time order from then on: seats' clocks agree to well
    # within the window.)
    found = conn.execute("SELECT seq FROM events WHERE at >= ? ORDER BY at LIMIT 1",
                         [rfc3339(since)]).fetchone()
    if found is not None:
        first = found[0]
        take(f"SELECT {_COLS} FROM events WHERE type = 'call_received' AND seq >= ?", [first])
    take(f"SELECT {_COLS} FROM events WHERE type = 'mode_changed' ORDER BY seq DESC LIMIT 1",
         [])
    take(f"SELECT {_COLS} FROM events WHERE type IN ('seat_joined', 'seat_left')", [])
    take(f"SELECT {_COLS} FROM events WHERE seq IN (SELECT max(seq) FROM events "
         "WHERE type IN ('link_up', 'link_down') GROUP BY json_extract(data, '$.console'))", [])
    return [row_to_event(rows[seq]) for seq in sorted(rows)]


def last_seq(log: Timeline) -> int:
    """The highest ``seq`` in the log (0: empty)."""
    return log.conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]


def _marks(part: list) -> str:
    return ", ".join("?" * len(part))


def _chunks(items: list) -> list[list]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]
