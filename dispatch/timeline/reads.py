"""Reading the log: events in order, an incident's events, the projections.

The queries every engine's :class:`~dispatch.timeline.log.Timeline` shares
(they are written once, in the SQLite dialect; the PostgreSQL connection
translates them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from dispatch.clock import rfc3339
from dispatch.errors import UnknownIncidentError
from dispatch.model import Event, Incident, OutboxEntry
from dispatch.timeline.rows import row_to_event
from dispatch.timeline.writes import INCIDENT_COLS, OUTBOX_COLS, load_incident, load_order

_ALL_ROWS = "SELECT seq, id, at, incident, type, actor, data FROM events WHERE seq > ? ORDER BY seq"
_INCIDENT_ROWS = """
    SELECT seq, id, at, incident, type, actor, data FROM events WHERE incident = ?1
    UNION
    SELECT seq, id, at, incident, type, actor, data FROM events
    WHERE type = 'call_received' AND json_extract(data, '$.call') IN (
        SELECT json_extract(data, '$.call') FROM events
        WHERE incident = ?1 AND json_extract(data, '$.call') IS NOT NULL)
    ORDER BY seq
"""


class Reads:
    """The log's queries (a part of :class:`~dispatch.timeline.log.Timeline`)."""

    conn: Any
    path: Any

    def events(
        self,
        incident: str | None = None,
        *,
        after_seq: int = 0,
        since: datetime | None = None,
        types: Iterable[str] | None = None,
    ) -> Iterator[Event]:
        """Events in log order, optionally of one incident, after a seq, since a time."""
        where, params = ["seq > ?"], [after_seq]
        if incident is not None:
            where.append("incident = ?")
            params.append(incident)
        if since is not None:
            where.append("at >= ?")
            params.append(rfc3339(since))
        if types is not None:
            names = [str(t) for t in types]
            where.append(f"type IN ({', '.join('?' * len(names))})")
            params.extend(names)
        sql = f"SELECT seq, id, at, incident, type, actor, data FROM events " \
              f"WHERE {' AND '.join(where)} ORDER BY seq"
        for row in self.conn.execute(sql, params):
            yield row_to_event(row)

    def event_rows(self, incident: str | None = None) -> sqlite3.Cursor:
        """Raw ``events`` rows: what :meth:`events` or :meth:`incident_events` reads.

        For readers that decode many rows at once with :func:`decode_rows`.
        """
        if incident is None:
            return self.conn.execute(_ALL_ROWS, [0])
        return self.conn.execute(_INCIDENT_ROWS, [incident])

    def incident_events(self, incident_id: str) -> list[Event]:
        """An incident's events plus the ``call_received`` events of its calls, in order.

        A call rings before its incident exists, so its ``call_received`` event
        carries no incident; it is linked through ``data.call``.
        """
        return [row_to_event(row) for row in self.conn.execute(_INCIDENT_ROWS, [incident_id])]

    def event_count(self) -> int:
        """How many events the log holds."""
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def incident(self, incident_id: str) -> Incident:
        """The projected incident.

        Raises:
            UnknownIncidentError: The log has no such incident.
        """
        found = load_incident(self.conn, incident_id)
        if found is None:
            raise UnknownIncidentError(f"{self.path}: no incident {incident_id}")
        return found

    def incidents(self, status: str | None = None) -> list[Incident]:
        """Projected incidents, oldest first, optionally of one status."""
        sql = f"SELECT {', '.join(INCIDENT_COLS)} FROM incidents"
        rows = (self.conn.execute(sql + " WHERE status = ? ORDER BY id", [status]) if status
                else self.conn.execute(sql + " ORDER BY id"))
        return [Incident(*row) for row in rows]

    def pending_orders(self) -> list[OutboxEntry]:
        """The recovery query: orders written but not yet acknowledged by the broker."""
        sql = f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in OUTBOX_COLS)} FROM outbox " \
              "WHERE state = 'pending' ORDER BY sent_seq"
        return [OutboxEntry(*row) for row in self.conn.execute(sql)]

    def unacknowledged_orders(self) -> list[OutboxEntry]:
        """Orders whose latest send has neither a recipient's report nor a timeout yet.

        Orders of a resolved or closed incident are left out: nothing is resent or
        escalated once the incident has ended (its outstanding orders were cancelled).
        """
        sql = f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in OUTBOX_COLS)} FROM outbox " \
              "WHERE status IS NULL AND timeouts < attempts AND incident NOT IN " \
              "(SELECT id FROM incidents WHERE status IN ('resolved', 'closed')) " \
              "ORDER BY sent_seq"
        return [OutboxEntry(*row) for row in self.conn.execute(sql)]

    def outbox_entry(self, order_id: str) -> OutboxEntry | None:
        """The outbox row of an order, delivered or not."""
        return load_order(self.conn, order_id)
