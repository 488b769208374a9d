"""The log's tables, pragmas and migrations.

``events`` is the contract of DESIGN (append-only, enforced by triggers);
``incidents``, ``outbox`` and ``incident_days`` are projections folded from it
and can be rebuilt from ``events`` alone.  ``meta`` says whose log this is.
Migrations are sqlite-utils ``Migrations``: each runs once, in order, in a
transaction, and is recorded in ``_sqlite_migrations``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dispatch.timeline.storage import open_read_only

#: Pragmas set on every connection.  ``synchronous=FULL`` makes every commit
#: wait for the WAL fsync: an append that returned survives a power loss.
PRAGMAS = (
    # First: switching a fresh file to WAL takes a lock that another seat opening
    # the same file at the same moment must wait for, not fail on.
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)

migrations = Migrations("dispatch.timeline")


@migrations()
def m001_events(db: Database) -> None:
    """The append-only event log and the projections of version 1."""
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
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
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            opened_at TEXT NOT NULL,
            status TEXT NOT NULL,
            kind TEXT,
            priority INTEGER,
            road TEXT,
            km REAL,
            section TEXT,
            jurisdiction TEXT,
            location TEXT,
            resolved_at TEXT,
            closed_at TEXT,
            merged_into TEXT,
            calls INTEGER NOT NULL DEFAULT 0,
            operator TEXT,
            last_seq INTEGER NOT NULL
        );
        CREATE INDEX incidents_status ON incidents (status);
        CREATE TABLE outbox (
            "order" TEXT PRIMARY KEY,
            incident TEXT,
            address TEXT NOT NULL,
            topic TEXT NOT NULL,
            payload TEXT NOT NULL,
            sent_seq INTEGER NOT NULL,
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
        """
    )


@migrations()
def m002_operators(db: Database) -> None:
    """Operator accounts: scrypt password hashes and roles (not part of the event fold)."""
    db.executescript(
        """
        CREATE TABLE operators (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL,
            hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m003_floor(db: Database) -> None:
    """Many seats on one log: which seat sent each order (so another can take it over)."""
    db.execute("ALTER TABLE outbox ADD COLUMN sender TEXT")


@migrations()
def m004_start(db: Database) -> None:
    """A seat starts in time independent of the history: the calls still ringing, and
    an index from a call to its events (rung, answered, opened)."""
    db.executescript(
        """
        CREATE TABLE ringing (call TEXT PRIMARY KEY, seq INTEGER NOT NULL);
        CREATE INDEX events_call ON events (json_extract(data, '$.call'));
        CREATE INDEX incidents_merged_into ON incidents (merged_into);
        INSERT INTO ringing (call, seq)
            SELECT json_extract(data, '$.call'), min(seq) FROM events
            WHERE type = 'call_received' AND json_extract(data, '$.call') IS NOT NULL
            AND json_extract(data, '$.call') NOT IN (
                SELECT json_extract(data, '$.call') FROM events
                WHERE type = 'incident_opened'
                AND json_extract(data, '$.call') IS NOT NULL)
            GROUP BY json_extract(data, '$.call');
        """
    )


#: Projection tables, emptied and refilled by a rebuild.
PROJECTIONS = ("incidents", "outbox", "incident_days", "ringing")


def connect(path: str, *, read_only: bool = False) -> Database:
    """Open a log file with the log's pragmas and bring its schema up to date.

    With ``read_only`` the file is opened ``mode=ro`` (see
    :func:`~dispatch.timeline.storage.open_read_only`): nothing is migrated or
    written, and a folder this process cannot write is no obstacle.
    """
    if read_only:
        conn = open_read_only(Path(path))
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        return Database(conn, execute_plugins=False)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    for pragma in PRAGMAS:
        _patiently(lambda sql=pragma: conn.execute(sql))
    _migrate(db)
    return db


def _patiently(step: Callable[[], object], tries: int = 100) -> None:
    """Run ``step``, again while another seat holds the file's lock.

    Switching a fresh file to WAL needs it alone, and SQLite reports that as
    "locked" at once rather than through the busy timeout.
    """
    for attempt in range(tries):
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def _migrate(db: Database) -> None:
    """Apply what is pending, also when several seats open a fresh log at once.

    Each migration is one transaction: a seat that loses the race finds the
    other's tables (its own attempt rolled back) and looks again.
    """
    for attempt in range(20):
        try:
            if migrations.pending(db):
                migrations.apply(db)
            return
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if attempt == 19 or not ("already exists" in text or "locked" in text
                                     or "duplicate column" in text):
                raise
            time.sleep(0.05)
