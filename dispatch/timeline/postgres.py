"""The log on PostgreSQL: the same tables, the same fold, seats on several hosts.

:class:`PgTimeline` is a :class:`~dispatch.timeline.log.Timeline` whose
connection is psycopg 3 (the ``postgres`` extra).  The log's SQL is written
once, with ``?`` placeholders; :class:`PgConnection` turns it into
PostgreSQL's.  Three things differ from SQLite, and each is kept here:

- **Commit order.** A PostgreSQL sequence hands out numbers in the order
  transactions *ask*, not the order they *commit*: a reader following by
  ``seq`` could pass an event whose transaction commits late.  Every write
  transaction therefore takes one advisory lock first (the counterpart of
  SQLite's ``BEGIN IMMEDIATE``): writes are serialised, so ``seq`` order is
  commit order and a follower never skips an event.
- **Following.** Each write ends with ``NOTIFY``; a listener thread sets a
  flag that :meth:`PgTimeline.changed` reads, and a reconnect sets it too, so a
  seat catches up by ``seq`` after any gap in the notifications.
- **Reachability.** The server can go away (a restart, a fail-over): the
  errors become :class:`~dispatch.errors.LogUnreachable` (nothing recorded,
  the intake keeps its messages unacknowledged), and the next use reconnects.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dispatch.clock import Clock
from dispatch.errors import (
    LogFull,
    LogReadOnly,
    LogUnreachable,
    LogUnwritable,
    TimelineError,
)
from dispatch.timeline.log import Timeline

log = logging.getLogger(__name__)

#: The advisory lock every write transaction of a log takes (any constant: one per database).
WRITE_LOCK = 0x64697370  # "disp"
CHANNEL = "dispatch_log"


def shown_url(url: str) -> str:
    """The URL without its password (for messages and the status bar)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def to_postgres(sql: str) -> str:
    """The log's SQL (SQLite dialect, ``?`` placeholders) in PostgreSQL's dialect.

    The log's statements hold no literal ``%`` (psycopg's placeholder mark).
    """
    return _converted(sql)[0]


@lru_cache(maxsize=512)
def _converted(sql: str) -> tuple[str, bool]:
    """The statement in PostgreSQL's dialect, and whether its parameters are numbered."""
    named = re.search(r"\?\d", sql) is not None
    sql = re.sub(r"json_extract\((\w+), '\$\.(\w+)'\)", r"(\1::jsonb ->> '\2')", sql)
    sql = re.sub(r"\?(\d+)", r"%(p\1)s", sql)
    return sql.replace("?", "%s"), named


class PgConnection:
    """A psycopg connection that speaks the log's SQL, and reconnects after a loss.

    Args:
        url: ``postgresql://USER@HOST:PORT/DB``.
    """

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self.url = url
        self._raw: Any = None
        self._connect()

    def _connect(self) -> Any:
        try:
            self._raw = self._psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        except self._psycopg.OperationalError as exc:
            self._raw = None
            raise LogUnreachable(f"{shown_url(self.url)}: log unreachable ({_first(exc)})") \
                from None
        return self._raw

    @property
    def raw(self) -> Any:
        """The live psycopg connection (reconnected if it was lost)."""
        raw = self._raw
        if raw is None or raw.closed or raw.broken:
            raw = self._connect()
        return raw

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection."""
        raw = self._raw
        if raw is None or raw.closed:
            return False
        return raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Any = ()) -> Any:
        """Run one statement; return its cursor.

        Raises:
            LogUnreachable: The server cannot be reached (the connection is
                dropped; the next statement reconnects).
        """
        text, named = _converted(sql)
        if named and not isinstance(params, dict):
            params = {f"p{i + 1}": v for i, v in enumerate(params)}
        try:
            return self.raw.execute(text, params or None)
        except self._psycopg.OperationalError as exc:
            raise self.lost(exc) from None

    def executemany(self, sql: str, rows: Any) -> Any:
        """Run one statement for each row of parameters."""
        try:
            cur = self.raw.cursor()
            cur.executemany(to_postgres(sql), list(rows))
            return cur
        except self._psycopg.OperationalError as exc:
            raise self.lost(exc) from None

    def lost(self, exc: Exception) -> TimelineError:
        """Translate a server error; drop the connection when it is gone."""
        errors = self._psycopg.errors
        if isinstance(exc, errors.DiskFull):
            return LogFull(f"{shown_url(self.url)}: log full: the server's disk is full "
                           "(nothing recorded; free space there)")
        if isinstance(exc, errors.ReadOnlySqlTransaction):
            return LogReadOnly(f"{shown_url(self.url)}: log read-only: the server takes no "
                               "writes (a standby?)")
        if self._raw is not None and (self._raw.broken or self._raw.closed):
            self._raw = None
        elif self._raw is not None:
            try:
                self._raw.close()
            finally:
                self._raw = None
        return LogUnreachable(f"{shown_url(self.url)}: log unreachable ({_first(exc)}); "
                              "nothing recorded, retrying")

    def close(self) -> None:
        """Close the connection."""
        if self._raw is not None:
            self._raw.close()
            self._raw = None


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


class _Listener:
    """LISTEN in a thread of its own: sets :attr:`flag` on every notification."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.flag = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log-listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.flag.set()  # (re)connected: catch up by seq whatever was missed
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self.flag.set()
            except psycopg.Error:
                self.flag.set()
                self._stop.wait(0.5)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)


class PgTimeline(Timeline):
    """An open event log on a PostgreSQL database (see the module docstring).

    Args:
        url: ``postgresql://USER@HOST:PORT/DB``.
        center: The centre this log belongs to (``None``: whatever it names).
        drill: Whether this is a drill log (``None``: either).
        tz: The centre's time zone.
        clock: Where "now" comes from.
        create: Create the tables when the database has none (always: a
            database is created by its administrator, the tables by us).
        read_only: Reading tools; nothing is written.

    Raises:
        LogUnreachable: The server cannot be reached.
        TimelineError: Not a dispatch log, or another centre's or kind's.
    """

    returning = True

    def __init__(self, url: str, *, center: str | None = None, drill: bool | None = False,
                 tz: tzinfo = UTC, clock: Clock | None = None, create: bool = True,
                 read_only: bool = False) -> None:
        from dispatch.timeline.pgschema import migrate

        self.url = url
        self.path = shown_url(url)  # type: ignore[assignment]
        self._start(tz, clock, read_only)
        self._listener: _Listener | None = None
        self.conn = PgConnection(url)  # type: ignore[assignment]
        import psycopg

        try:
            if not read_only:
                migrate(self.conn)
            self._setup(center, drill)
        except psycopg.Error as exc:
            self.conn.close()
            raise TimelineError(f"{self.path}: not a dispatch log ({_first(exc)})") from None

    #: Every write takes the log's advisory lock first: commits in ``seq`` order.
    BEGIN = (("BEGIN", ()), ("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,)))

    def _commit(self, conn: Any) -> None:
        conn.execute(f"NOTIFY {CHANNEL}")
        conn.execute("COMMIT")

    def _relax(self, relaxed: bool) -> None:
        """``synchronous_commit=off`` for the next commit, or back to the server's setting.

        Either way the log's WAL is written in order, so the next durable
        commit flushes a relaxed one with it.
        """
        try:
            self.conn.execute("SET synchronous_commit TO off" if relaxed
                              else "RESET synchronous_commit")
        except LogUnwritable:
            if relaxed:
                raise
            # The connection is gone, and with it the setting: a new one is durable.

    def _translate(self, exc: BaseException) -> BaseException:
        # PgConnection already turned the server's errors into the log's own.
        if isinstance(exc, LogUnwritable):
            self._set_fault(exc)
        return exc

    def changed(self) -> bool:
        """Whether another seat committed since the last call (LISTEN/NOTIFY)."""
        if self._listener is None:
            self._listener = _Listener(self.url)
            return True  # what was written before we listened: look once
        if self._listener.flag.is_set():
            self._listener.flag.clear()
            return True
        return False

    def _data_version(self) -> int:
        return 0

    def close(self) -> None:
        """Stop listening and close the connection."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.conn.close()
