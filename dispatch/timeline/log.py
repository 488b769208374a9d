"""The event log: durable appends, projections in the same transaction, queries.

One :class:`Timeline` owns one SQLite file.  Every append is one transaction
that writes the events and the projection rows they change, committed with
``synchronous=FULL``: when :meth:`Timeline.append` returns, the events survive
a SIGKILL and a power loss.  Many events given at once share one commit.

The one exception is asked for by name: ``append(..., durable=False)`` commits
without waiting for the disk (SQLite ``synchronous=NORMAL`` for that commit,
PostgreSQL ``synchronous_commit=off``).  Such a commit survives a SIGKILL (the
write is in the OS's hands) but a power loss may take it, and only it: the
log is written in order, so the next durable commit of any seat makes it
durable too.  It is for facts whose loss costs a resend that the recipient
de-duplicates (``order_delivered``), never for an order, a call or a report.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from dispatch.clock import Clock, SystemClock, rfc3339
from dispatch.errors import LogUnwritable, TimelineError
from dispatch.model import Event, EventType
from dispatch.timeline.reads import Reads
from dispatch.timeline.rows import project_rows
from dispatch.timeline.schema import PROJECTIONS, connect
from dispatch.timeline.storage import (
    folder_writable,
    private_file,
    private_folder,
    unwritable_folder,
    wide_permissions,
    write_error,
)
from dispatch.timeline.writes import (
    Guard,
    Transaction,
    load_day,
    load_incident,
    load_order,
    write_projection,
)

logger = logging.getLogger(__name__)

#: Told of every change of the log's health: the fault, or ``None`` when writes work again.
HealthListener = Callable[[LogUnwritable | None], None]


class Timeline(Reads):
    """An open event log.

    Args:
        path: The SQLite file (created if missing, unless ``create`` is false).
        center: The centre this log belongs to; a log of another centre is refused.
            ``None`` accepts whatever centre the file names (reading tools).
        drill: Whether this is a drill log; live and drill records never share a file.
            ``None`` accepts either (reading tools).
        tz: The centre's time zone, whose calendar day starts incident ids.
        clock: Where "now" comes from.
        create: Create the file when it does not exist (mode ``0600``, its
            folder ``0700``).
        read_only: Open for reading only (``mode=ro``): reading tools work on a
            log in a folder they cannot write.

    Raises:
        TimelineError: The file is missing (and not to be created), is not a
            dispatch log, or belongs to another centre or kind.
        LogReadOnly: The log's folder cannot be written (and ``read_only`` is off).

    A write that fails for lack of space or permission raises a
    :class:`~dispatch.errors.LogUnwritable` subclass, records nothing and sets
    :attr:`fault` until a write succeeds again; :meth:`on_health` listeners
    hear both changes.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        center: str | None = None,
        drill: bool | None = False,
        tz: tzinfo = UTC,
        clock: Clock | None = None,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self._start(tz, clock, read_only)
        if (not create or read_only) and not self.path.is_file():
            raise TimelineError(f"{self.path}: no such log")
        if not read_only:
            if create:
                try:
                    private_folder(self.path.parent)
                    private_file(self.path)
                except OSError as exc:
                    raise (unwritable_folder(self.path) if not folder_writable(self.path)
                           else write_error(exc, self.path)) from None
            if not folder_writable(self.path):
                raise unwritable_folder(self.path)
            warning = wide_permissions(self.path)
            if warning:
                self.warnings.append(warning)
                logger.warning(warning)
        try:
            self.db = connect(str(self.path), read_only=read_only)
            self.conn = self.db.conn
            self._setup(center, drill)
        except sqlite3.DatabaseError as exc:
            if not read_only and not folder_writable(self.path):
                raise unwritable_folder(self.path) from None
            raise TimelineError(f"{self.path}: not a dispatch log ({exc})") from None

    def _start(self, tz: tzinfo, clock: Clock | None, read_only: bool) -> None:
        """What every engine's log holds before it connects."""
        self.tz = tz
        self.clock = clock or SystemClock()
        self.read_only = read_only
        self.fault: LogUnwritable | None = None
        self.warnings: list[str] = []
        self._health: list[HealthListener] = []

    #: Whether inserts report their ``seq`` with ``RETURNING`` (PostgreSQL has no
    #: ``lastrowid``; SQLite's is cheaper on the hot path).
    returning = False

    def _setup(self, center: str | None, drill: bool | None) -> None:
        """What every engine does once connected: claim the log, build the loaders."""
        self._claim(center, drill)
        conn = self.conn
        self._version = self._data_version()
        #: The projection's row loaders on this connection, built once, not per
        #: transaction: every append starts a projection.
        self.loaders = (partial(load_incident, conn), partial(load_order, conn),
                        partial(load_day, conn))

    def _claim(self, center: str | None, drill: bool | None) -> None:
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            if center is None or drill is None or self.read_only:
                raise TimelineError(f"{self.path}: empty log (no centre recorded)")
            conn = self._begin()
            try:
                # Two seats opening a fresh log at once: the first one's claim stands.
                for key, value in (("center", center), ("kind", "drill" if drill else "live"),
                                   ("created_at", rfc3339(self.clock.now()))):
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                                 "ON CONFLICT(key) DO NOTHING", [key, value])
                self._commit(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if center is not None and meta["center"] != center:
            raise TimelineError(
                f"{self.path}: this log belongs to centre {meta['center']!r}, not {center!r}"
            )
        if drill is not None and meta["kind"] != ("drill" if drill else "live"):
            raise TimelineError(
                f"{self.path}: this is a {meta['kind']} log; live and drill records never "
                "share a file"
            )
        self.center: str = meta["center"]
        self.drill: bool = meta["kind"] == "drill"

    # -- writing ------------------------------------------------------------

    def event(
        self,
        type: str,
        actor: str,
        incident: str | None = None,
        data: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> Event:
        """Build an event stamped with this log's clock (not yet appended)."""
        return Event(type=str(type), actor=actor, at=at or self.clock.now(),
                     incident=incident, data=dict(data or {}))

    def append(self, *events: Event, guard: Guard | None = None,
               durable: bool = True) -> list[Event]:
        """Append events in one durable transaction and fold them into the projections.

        Args:
            events: What to append.
            guard: Append only if nobody else changed these incidents since
                the seat last looked (DESIGN, "No lost update").
            durable: Wait for the disk before returning (the default).  ``False``
                skips the fsync for this commit (see the module docstring): only
                for events whose loss after a power cut is a de-duplicated resend.

        Returns:
            The events that were new, their ``seq`` assigned; an event whose id
            the log already holds (the same fact recorded again) is left out.

        Raises:
            LogUnwritable: No space or no permission: nothing was recorded.
            LogConflict: The guard found another operator's change: nothing
                was recorded.
        """
        # The body of ``transaction()`` without the generator machinery: this is
        # the hot path of every single append.
        if not durable:
            try:
                self._relax(True)
            except (sqlite3.Error, LogUnwritable) as exc:
                raise self._translate(exc) from None
        try:
            conn = self._begin()
            tx = Transaction(self)
            try:
                if guard is not None:
                    tx.check(guard)
                tx.append(*events)
                tx.flush()
                self._commit(conn)
            except BaseException as exc:
                self._failed(conn, tx, exc)
                raise self._translate(exc) from None
        finally:
            if not durable:
                self._relax(False)
        if self.fault is not None:
            self._healed()
        return tx.appended

    def record(
        self,
        type: str,
        actor: str,
        incident: str | None = None,
        **data: Any,
    ) -> Event:
        """Build and append one event now; return it with its ``seq``."""
        event = self.event(type, actor, incident, data)
        self.append(event)
        return event

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction: everything appended in it commits together, or nothing.

        ``BEGIN IMMEDIATE`` takes the write lock at once, so an incident number
        read inside the transaction cannot be taken by another writer.
        """
        conn = self._begin()
        tx = Transaction(self)
        try:
            yield tx
            tx.flush()
            self._commit(conn)
        except BaseException as exc:
            self._failed(conn, tx, exc)
            raise self._translate(exc) from None
        if self.fault is not None:
            self._healed()

    #: What opens a write transaction: ``BEGIN IMMEDIATE`` takes SQLite's write
    #: lock at once (PostgreSQL's engine takes an advisory lock instead).
    BEGIN: tuple[tuple[str, tuple[Any, ...]], ...] = (("BEGIN IMMEDIATE", ()),)

    def _begin(self) -> sqlite3.Connection:
        """Open a write transaction holding the log's write lock (refused when one is open)."""
        conn = self.conn
        if conn.in_transaction:
            raise TimelineError("nested log transactions are not supported")
        if self.read_only:
            raise TimelineError(f"{self.path}: opened for reading only")
        try:
            for sql, params in self.BEGIN:
                conn.execute(sql, params)
        except (sqlite3.Error, LogUnwritable) as exc:
            raise self._translate(exc) from None
        return conn

    def _commit(self, conn: Any) -> None:
        conn.execute("COMMIT")

    def _relax(self, relaxed: bool) -> None:
        """Let the next commit skip its fsync (``True``), or make commits durable again.

        Set outside the transaction (SQLite reads the level when the
        transaction starts) and always put back: every other append waits for
        the disk.
        """
        self.conn.execute(f"PRAGMA synchronous={'NORMAL' if relaxed else 'FULL'}")

    # -- health -------------------------------------------------------------

    def on_health(self, listener: HealthListener) -> None:
        """Call ``listener(fault)`` when writes start failing, and ``listener(None)`` when
        they work again."""
        self._health.append(listener)

    def _failed(self, conn: Any, tx: Transaction, exc: BaseException) -> None:
        for event in tx.appended:
            event.seq = None  # rolled back: not in the log
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except Exception:  # the connection itself is gone: nothing to roll back
                logger.debug("rollback failed after %s", exc)

    def _translate(self, exc: BaseException) -> BaseException:
        if not isinstance(exc, (sqlite3.OperationalError, OSError)):
            return exc
        error = write_error(exc, self.path)
        if isinstance(error, LogUnwritable):
            self._set_fault(error)
        return error

    def _set_fault(self, error: LogUnwritable) -> None:
        changed = self.fault is None or type(self.fault) is not type(error)
        self.fault = error
        if changed:
            self._tell(error)

    def _healed(self) -> None:
        self.fault = None
        self._tell(None)

    def _tell(self, fault: LogUnwritable | None) -> None:
        for listener in list(self._health):
            try:
                listener(fault)
            except Exception:
                logger.exception("log health listener failed")

    def open_incident(
        self, actor: str, data: dict[str, Any] | None = None, *, follow: Sequence[Event] = (),
        event_id: str | None = None,
    ) -> Event | None:
        """Allocate the next incident id and append its ``incident_opened`` event.

        Args:
            actor: Who opens it.
            data: The event's data (``kind``, ``priority``, ``call``, ``location``…).
            follow: Events to append in the same transaction; their ``incident``
                is set to the new id.
            event_id: The opening's id when it is derived from its cause (the
                call it is for, the mode episode): a second seat opening the
                same thing records nothing.

        Returns:
            The ``incident_opened`` event, its ``incident`` the new id; ``None``
            when the log already holds an opening with ``event_id``.
        """
        with self.transaction() as tx:
            opened = self.event(EventType.INCIDENT_OPENED, actor, tx.new_incident_id(), data)
            if event_id is not None:
                opened.id = event_id
            tx.append(opened)
            if opened.seq is None:
                return None  # opened already, by another seat: the number stays free
            for ev in follow:
                ev.incident = opened.incident
            tx.append(*follow)
        return opened

    def changed(self) -> bool:
        """Whether another connection committed since the last call (cheap: no read).

        Seats poll this to follow each other's writes on one file.
        """
        version = self._data_version()
        if version == self._version:
            return False
        self._version = version
        return True

    def _data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def rebuild(self) -> int:
        """Recompute every projection from ``events`` alone.

        Returns:
            The number of events folded.
        """
        with self.transaction():
            for table in PROJECTIONS:
                self.conn.execute(f"DELETE FROM {table}")
            proj, count = project_rows(self.event_rows())
            write_projection(self.conn, proj)
        return count

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
