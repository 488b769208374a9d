"""The log's tables on PostgreSQL, and their migrations.

The same tables as :mod:`dispatch.timeline.schema` (SQLite), in PostgreSQL's
types.  Each migration runs once, in order, in a transaction that holds the
log's write lock (seats starting together migrate once), and is recorded in
``dispatch_migrations``.
"""

from __future__ import annotations

from typing import Any

#: The migrations, by name, in order (names match SQLite's for the same step).
MIGRATIONS: list[tuple[str, str]] = [
    ("m001_events", """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            incident TEXT,
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_incident ON events (incident, seq);
        CREATE INDEX events_type ON events (type, seq);
        CREATE INDEX events_at ON events (at);
        CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
        CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_append_only();
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            opened_at TEXT NOT NULL,
            status TEXT NOT NULL,
            kind TEXT,
            priority INTEGER,
            road TEXT,
            km DOUBLE PRECISION,
            section TEXT,
            jurisdiction TEXT,
            location TEXT,
            resolved_at TEXT,
            closed_at TEXT,
            merged_into TEXT,
            calls INTEGER NOT NULL DEFAULT 0,
            operator TEXT,
            last_seq BIGINT NOT NULL
        );
        CREATE INDEX incidents_status ON incidents (status);
        CREATE TABLE outbox (
            "order" TEXT PRIMARY KEY,
            incident TEXT,
            address TEXT NOT NULL,
            topic TEXT NOT NULL,
            payload TEXT NOT NULL,
            sent_seq BIGINT NOT NULL,
            state TEXT NOT NULL,
            delivered_at TEXT,
            sent_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 1,
            timeouts INTEGER NOT NULL DEFAULT 0,
            status TEXT,
            status_at TEXT
        );
        CREATE INDEX outbox_state ON outbox (state, sent_seq);
        CREATE TABLE incident_days (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
    """),
    ("m002_operators", """
        CREATE TABLE operators (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL,
            hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
    """),
    ("m003_floor", "ALTER TABLE outbox ADD COLUMN sender TEXT;"),
    ("m004_start", """
        CREATE TABLE ringing (call TEXT PRIMARY KEY, seq BIGINT NOT NULL);
        CREATE INDEX events_call ON events (((data::jsonb ->> 'call')));
        CREATE INDEX incidents_merged_into ON incidents (merged_into);
    """),
]


def migrate(conn: Any) -> list[str]:
    """Bring a database's tables up to date; return the migrations applied.

    Args:
        conn: A :class:`~dispatch.timeline.postgres.PgConnection`.
    """
    from dispatch.timeline.postgres import WRITE_LOCK

    raw = conn.raw
    applied: list[str] = []
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        raw.execute("CREATE TABLE IF NOT EXISTS dispatch_migrations "
                    "(name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        done = {row[0] for row in raw.execute("SELECT name FROM dispatch_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            raw.execute(sql)
            raw.execute("INSERT INTO dispatch_migrations (name) VALUES (%s)", [name])
            applied.append(name)
    return applied
