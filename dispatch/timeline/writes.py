"""What one write transaction does: insert events, fold them, write the projection rows.

:class:`Transaction` is the body of every :class:`~dispatch.timeline.log.Timeline`
write: events are inserted (a fact already logged is skipped), folded into a
:class:`~dispatch.timeline.fold.Projection` that loads the rows it touches, and
the changed projection rows are upserted before the commit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import TYPE_CHECKING

from dispatch.clock import rfc3339
from dispatch.errors import LogConflict, TimelineError
from dispatch.model import Event, EventType, Incident, OutboxEntry
from dispatch.timeline.fold import Projection, canonical_json
from dispatch.timeline.rows import row_to_event

if TYPE_CHECKING:
    from dispatch.timeline.log import Timeline

INCIDENT_COLS = [f.name for f in fields(Incident)]
OUTBOX_COLS = [f.name for f in fields(OutboxEntry)]
# A fact recorded twice (same derived id) leaves one row, silently: DESIGN, "Exactly once".
_INSERT_EVENT = "INSERT INTO events (id, at, incident, type, actor, data) " \
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING"


_INSERT_RETURNING = _INSERT_EVENT + " RETURNING seq"


def _upsert_sql(table: str, cols: list[str], key: str) -> str:
    quoted = [f'"{c}"' for c in cols]
    updates = ", ".join(f"{q}=excluded.{q}" for c, q in zip(cols, quoted, strict=True) if c != key)
    return (
        f"INSERT INTO {table} ({', '.join(quoted)}) VALUES ({', '.join('?' * len(cols))}) "
        f'ON CONFLICT("{key}") DO UPDATE SET {updates}'
    )


#: A row's values in column order.  ``dataclasses.astuple`` deep-copies every
#: value, which costs more than the upsert itself; the fields are scalars.
_incident_row = attrgetter(*INCIDENT_COLS)
_order_row = attrgetter(*OUTBOX_COLS)

_UPSERT_INCIDENT = _upsert_sql("incidents", INCIDENT_COLS, "id")
_UPSERT_ORDER = _upsert_sql("outbox", OUTBOX_COLS, "order")
_UPSERT_RINGING = "INSERT INTO ringing (call, seq) VALUES (?, ?) ON CONFLICT(call) DO NOTHING"
_UPSERT_DAY = "INSERT INTO incident_days (day, last) VALUES (?, ?) " \
    "ON CONFLICT(day) DO UPDATE SET last=excluded.last"


#: What another operator may have changed that makes a seat's command stale
#: (DESIGN, "No lost update").  Notes, advice read and the recipients' reports
#: add to an incident without contradicting a decision, so they never conflict.
CHANGES = tuple(str(t) for t in (
    EventType.LOCATION_SET, EventType.PLAYBOOK_APPLIED, EventType.ANSWER_RECORDED,
    EventType.PRIORITY_SET, EventType.ORDER_SENT, EventType.ORDER_CANCELLED,
    EventType.INCIDENTS_MERGED, EventType.INCIDENT_RESOLVED, EventType.INCIDENT_CLOSED,
    EventType.INCIDENT_REOPENED, EventType.INCIDENT_TRANSFERRED))


@dataclass(frozen=True)
class Guard:
    """The condition of a command's write: nobody else changed these incidents since ``seen``.

    Attributes:
        incidents: The incidents the command is about.
        seen: The last ``seq`` the seat had folded when it checked the command.
        actor: Who gives the command (their own earlier changes never conflict).
    """

    incidents: tuple[str, ...]
    seen: int
    actor: str


class Transaction:
    """Events collected for one commit, folded into projections as they come."""

    def __init__(self, log: Timeline) -> None:
        self._log = log
        self._proj = Projection(*log.loaders)
        #: The events this transaction wrote (duplicates of logged facts left out).
        self.appended: list[Event] = []

    def new_incident_id(self) -> str:
        """Reserve the next ``YYYYMMDD-NNNN`` for today in the centre's time zone.

        The number is only taken once the ``incident_opened`` event that uses it
        is appended in this transaction.
        """
        day = self._log.clock.now().astimezone(self._log.tz).strftime("%Y%m%d")
        return f"{day}-{self._proj.last_number(day) + 1:04d}"

    def check(self, guard: Guard) -> None:
        """Refuse the transaction when another operator changed the guarded incidents.

        Runs inside the write lock, so nothing can land between the check and
        the commit.

        Raises:
            LogConflict: The changes the seat had not seen, oldest first.
        """
        marks = ", ".join("?" * len(guard.incidents))
        rows = self._log.conn.execute(
            f"SELECT seq, id, at, incident, type, actor, data FROM events "
            f"WHERE incident IN ({marks}) AND seq > ? AND actor != ? "
            f"AND type IN ({', '.join('?' * len(CHANGES))}) ORDER BY seq",
            [*guard.incidents, guard.seen, guard.actor, *CHANGES]).fetchall()
        if rows:
            changes = [row_to_event(row) for row in rows]
            raise LogConflict(f"incident {changes[0].incident} changed since seq {guard.seen}",
                              changes)

    def append(self, *events: Event) -> None:
        """Write events now (inside the open transaction) and fold them."""
        execute, apply, keep = self._log.conn.execute, self._proj.apply, self.appended.append
        returning = self._log.returning
        sql = _INSERT_RETURNING if returning else _INSERT_EVENT
        for event in events:
            at = rfc3339(event.at)  # formatted once: the row and the fold both use it
            try:
                cur = execute(
                    sql,
                    (event.id, at, event.incident, str(event.type),
                     event.actor, canonical_json(event.data)),
                )
            except sqlite3.IntegrityError as exc:
                raise TimelineError(f"event {event.id} refused: {exc}") from None
            if returning:
                row = cur.fetchone()
                if row is None:
                    continue  # this fact is already in the log
                event.seq = row[0]
            elif not cur.rowcount:
                continue  # this fact is already in the log
            else:
                event.seq = cur.lastrowid
            keep(event)
            apply(event, at)

    def flush(self) -> None:
        """Write the projection rows changed so far."""
        proj = self._proj
        # Most appends (calls, answers, advice) touch no projection row at all.
        if proj.dirty_incidents or proj.dirty_orders or proj.dirty_days or proj.ringing:
            write_projection(self._log.conn, proj)
            proj.clear_dirty()


def write_projection(conn: sqlite3.Connection, proj: Projection) -> None:
    """Upsert the projection rows ``proj`` changed."""
    if proj.dirty_incidents:
        incidents = [proj.incidents[i] for i in sorted(proj.dirty_incidents)]
        conn.executemany(_UPSERT_INCIDENT, [_incident_row(i) for i in incidents if i is not None])
    if proj.dirty_orders:
        orders = [proj.outbox[o] for o in sorted(proj.dirty_orders)]
        conn.executemany(_UPSERT_ORDER, [_order_row(o) for o in orders if o is not None])
    if proj.dirty_days:
        conn.executemany(_UPSERT_DAY, [(d, proj.days[d]) for d in sorted(proj.dirty_days)])
    if proj.ringing:
        rang = [(c, s) for c, s in proj.ringing.items() if s is not None]
        gone = [(c,) for c, s in proj.ringing.items() if s is None]
        if rang:
            conn.executemany(_UPSERT_RINGING, rang)
        if gone:
            conn.executemany("DELETE FROM ringing WHERE call = ?", gone)


def load_incident(conn: sqlite3.Connection, incident_id: str) -> Incident | None:
    """The projected incident, or ``None``."""
    row = conn.execute(
        f"SELECT {', '.join(INCIDENT_COLS)} FROM incidents WHERE id = ?", [incident_id]
    ).fetchone()
    return Incident(*row) if row else None


def load_order(conn: sqlite3.Connection, order_id: str) -> OutboxEntry | None:
    """The outbox row of an order, or ``None``."""
    cols = ", ".join(f'"{c}"' for c in OUTBOX_COLS)
    row = conn.execute(f'SELECT {cols} FROM outbox WHERE "order" = ?', [order_id]).fetchone()
    return OutboxEntry(*row) if row else None


def load_day(conn: sqlite3.Connection, day: str) -> int:
    """The last incident number of ``day`` (0: none yet)."""
    row = conn.execute("SELECT last FROM incident_days WHERE day = ?", [day]).fetchone()
    return row[0] if row else 0
