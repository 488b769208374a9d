"""A field unit's own small log: the orders it holds and the reports it owes.

Durable like the console's log (WAL, ``synchronous=FULL``), so a restart
shows every order once and sends every report that had not gone out.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dispatch.timeline.schema import PRAGMAS

migrations = Migrations("dispatch.unit")


@migrations()
def m001_unit(db: Database) -> None:
    """Orders, status reports and rejected messages."""
    db.executescript(
        """
        CREATE TABLE orders (
            id TEXT PRIMARY KEY,
            incident TEXT NOT NULL,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL,
            arrivals INTEGER NOT NULL DEFAULT 1,
            status TEXT,
            status_at TEXT
        );
        CREATE TABLE reports (
            n INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            "order" TEXT NOT NULL,
            status TEXT NOT NULL,
            payload TEXT NOT NULL,
            sent INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE rejected (n INTEGER PRIMARY KEY, at TEXT, topic TEXT, reason TEXT);
        """
    )


@dataclass(frozen=True)
class HeldOrder:
    """An order as the unit holds it."""

    id: str
    incident: str
    payload: dict[str, Any]
    received_at: str
    arrivals: int
    status: str | None
    status_at: str | None


class UnitStore:
    """The unit's SQLite state (``":memory:"`` for simulated recipients)."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        self.db = Database(conn, execute_plugins=False)
        if migrations.pending(self.db):
            migrations.apply(self.db)
        self.conn = conn

    def add_order(self, order_id: str, incident: str, payload: dict[str, Any], at: str) -> bool:
        """Keep an arriving order; return ``True`` if it is new (show it), ``False`` if seen."""
        with self.db.atomic():
            cur = self.conn.execute(
                "INSERT INTO orders (id, incident, payload, received_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO NOTHING",
                [order_id, incident, json.dumps(payload, ensure_ascii=False), at],
            )
            if cur.rowcount:
                return True
            self.conn.execute("UPDATE orders SET arrivals = arrivals + 1 WHERE id = ?",
                              [order_id])
            return False

    def order(self, order_id: str) -> HeldOrder | None:
        """One held order."""
        row = self.conn.execute(
            "SELECT id, incident, payload, received_at, arrivals, status, status_at FROM orders "
            "WHERE id = ?", [order_id]).fetchone()
        return _held(row) if row else None

    def orders(self) -> list[HeldOrder]:
        """Every held order, oldest first."""
        rows = self.conn.execute(
            "SELECT id, incident, payload, received_at, arrivals, status, status_at FROM orders "
            "ORDER BY received_at, rowid")
        return [_held(r) for r in rows]

    def add_report(self, report_id: str, order_id: str, status: str, payload: str,
                   at: str) -> None:
        """Owe a report: stored unsent, and the order's status moves on, in one commit."""
        with self.db.atomic():
            self.conn.execute(
                'INSERT INTO reports (id, "order", status, payload) VALUES (?, ?, ?, ?)',
                [report_id, order_id, status, payload])
            self.conn.execute("UPDATE orders SET status = ?, status_at = ? WHERE id = ?",
                              [status, at, order_id])

    def resend_latest(self, order_id: str) -> bool:
        """Mark the order's latest report unsent again (the console asked once more)."""
        with self.db.atomic():
            cur = self.conn.execute(
                'UPDATE reports SET sent = 0 WHERE n = (SELECT max(n) FROM reports '
                'WHERE "order" = ?)', [order_id])
            return bool(cur.rowcount)

    def unsent(self) -> list[tuple[str, str]]:
        """Reports still to publish: ``(id, payload)``, oldest first."""
        return self.conn.execute("SELECT id, payload FROM reports WHERE sent = 0 ORDER BY n"
                                 ).fetchall()

    def mark_sent(self, report_id: str) -> None:
        """The broker acknowledged a report."""
        with self.db.atomic():
            self.conn.execute("UPDATE reports SET sent = 1 WHERE id = ?", [report_id])

    def reject(self, at: str, topic: str, reason: str) -> None:
        """Remember a refused message (the unit's equivalent of ``message_rejected``)."""
        with self.db.atomic():
            self.conn.execute("INSERT INTO rejected (at, topic, reason) VALUES (?, ?, ?)",
                              [at, topic, reason])

    def rejected(self) -> list[tuple[str, str, str]]:
        """Refused messages ``(at, topic, reason)``."""
        return self.conn.execute("SELECT at, topic, reason FROM rejected ORDER BY n").fetchall()

    def close(self) -> None:
        """Close the file."""
        self.conn.close()


def _held(row: tuple) -> HeldOrder:
    oid, incident, payload, at, arrivals, status, status_at = row
    return HeldOrder(oid, incident, json.loads(payload), at, arrivals, status, status_at)
