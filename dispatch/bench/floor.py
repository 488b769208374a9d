"""Floor figures: seats following each other, PostgreSQL appends, a seat's start.

- **A → B**: a note added on seat A, until seat B's desk has folded it (B
  follows the shared log as a console does), p50 / p99; the baseline is a bare
  write-then-notice loop on the same engine (a writer commits a row, a reader
  that polls the same way — ``PRAGMA data_version``, or LISTEN — reads it).
- **PostgreSQL appends/s**: one event per durable transaction through the
  log, against bare psycopg inserts with the same commit policy.
- **Seat start**: a desk built on a log of a long history with 50 open
  incidents, against one on a log holding only those 50.

PostgreSQL figures need a server (``dispatch bench --postgres URL``, a
database that may be emptied); without one they are reported as not measured.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import tracemalloc
from pathlib import Path

from dispatch.bench.report import Figure, percentile, ratio_figure
from dispatch.bench.setup import OPERATOR, bench_desk, worked_incident
from dispatch.desk import Desk
from dispatch.model import EventType, new_id
from dispatch.timeline import Timeline, open_timeline
from dispatch.timeline.fold import canonical_json

POLL_S = 0.02  # a console's follow period (Desk's default)


def _seat(where: str | Path, port: int, name: str, follow_s: float | None) -> Desk:
    # Fifty calls about one crash: no peak mode merging them here.
    return bench_desk(where, port, seat=f"{name}-{new_id()[:6]}", follow_s=follow_s,
                      peak_calls=1_000_000)


async def seat_to_seat(where: str | Path, port: int, samples: int) -> tuple[list[float], str]:
    """A note on seat A until seat B has folded it, in ms."""
    a, b = _seat(where, port, "a", None), _seat(where, port, "b", POLL_S)
    seen: dict[str, float] = {}
    b.listeners.append(lambda e: seen.setdefault(e.id, time.perf_counter()))
    await a.start()
    await b.start()  # B follows the floor on its own loop, as a console does
    out: list[float] = []
    try:
        incident = worked_incident(a)
        for n in range(samples):
            await asyncio.sleep(POLL_S * ((n * 7919) % 100) / 100)  # not in step with B's poll
            t0 = time.perf_counter()
            event = a.event(EventType.NOTE_ADDED, OPERATOR, incident, text=f"n{n}", flagged=[])
            a.record(event)
            while event.id not in seen:
                await asyncio.sleep(0.001)
            out.append((seen[event.id] - t0) * 1000)
    finally:
        for desk in (a, b):
            await desk.stop()
            desk.log.close()
    return out, "B folds what it notices on its 20 ms follow loop"


async def _bare(write: object, changed: object, read: object, samples: int) -> list[float]:
    """Write a row, and time until a reader looking every 20 ms (as a seat does) has it."""
    arrived: dict[int, float] = {}

    async def reader() -> None:
        last = 0
        while True:
            await asyncio.sleep(POLL_S)
            if changed():  # type: ignore[operator]
                for seq in read(last):  # type: ignore[operator]
                    arrived.setdefault(seq, time.perf_counter())
                    last = max(last, seq)

    task = asyncio.get_running_loop().create_task(reader())
    out: list[float] = []
    try:
        for n in range(samples):
            await asyncio.sleep(POLL_S * ((n * 7919) % 100) / 100)  # not in step with the poll
            t0 = time.perf_counter()
            seq = write(n)  # type: ignore[operator]
            while seq not in arrived:
                await asyncio.sleep(0.001)
            out.append((arrived[seq] - t0) * 1000)
    finally:
        task.cancel()
    return out


async def bare_sqlite(path: Path, samples: int) -> list[float]:
    """A writer commits a row; a reader polling ``data_version`` reads it."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA synchronous=FULL")
    writer.execute("CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, v TEXT)")
    reader = sqlite3.connect(path, isolation_level=None)
    version = [reader.execute("PRAGMA data_version").fetchone()[0]]

    def write(n: int) -> int:
        writer.execute("BEGIN IMMEDIATE")
        seq = writer.execute("INSERT INTO t (v) VALUES (?)", [f"n{n}"]).lastrowid
        writer.execute("COMMIT")
        return seq

    def changed() -> bool:
        now = reader.execute("PRAGMA data_version").fetchone()[0]
        moved, version[0] = now != version[0], now
        return moved

    def read(last: int) -> list[int]:
        return [r[0] for r in reader.execute("SELECT seq FROM t WHERE seq > ?", [last])]

    try:
        return await _bare(write, changed, read, samples)
    finally:
        writer.close()
        reader.close()


async def bare_postgres(url: str, samples: int) -> list[float]:
    """A writer commits a row and NOTIFYs; a reader told by a LISTEN thread reads it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as setup:
        setup.execute("DROP TABLE IF EXISTS bench_t")
        setup.execute("CREATE TABLE bench_t (seq BIGSERIAL PRIMARY KEY, v TEXT)")
    flag, stop = threading.Event(), threading.Event()

    def listen() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("LISTEN bench_t")
            flag.set()
            while not stop.is_set():
                for _ in conn.notifies(timeout=0.2, stop_after=1):
                    flag.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    with psycopg.connect(url, autocommit=True) as writer, \
            psycopg.connect(url, autocommit=True) as reader:

        def write(n: int) -> int:
            with writer.transaction():
                seq = writer.execute("INSERT INTO bench_t (v) VALUES (%s) RETURNING seq",
                                     [f"n{n}"]).fetchone()[0]
                writer.execute("NOTIFY bench_t")
            return seq

        def changed() -> bool:
            moved = flag.is_set()
            flag.clear()
            return moved

        def read(last: int) -> list[int]:
            return [r[0] for r in reader.execute("SELECT seq FROM bench_t WHERE seq > %s",
                                                 [last])]

        try:
            return await _bare(write, changed, read, samples)
        finally:
            stop.set()
            thread.join(timeout=2)


def _latency_figures(engine: str, new: list[float], bare: list[float], note: str
                     ) -> list[Figure]:
    p99, bp99 = percentile(new, 99), percentile(bare, 99)
    p50, bp50 = percentile(new, 50), percentile(bare, 50)
    worst = ratio_figure(f"seat A → seat B board p99 ({engine})", p99, bp99, "ms", at_most=3,
                         note=f"{note}; baseline: bare write-then-notice loop; "
                              "target also ≤ 100 ms")
    worst.met = bool(worst.met) and p99 <= 100
    worst.target = "≤ 3 × baseline, ≤ 100 ms"
    return [worst, ratio_figure(f"seat A → seat B board p50 ({engine})", p50, bp50, "ms",
                                at_most=3, note="same runs")]


def pg_appends(url: str, count: int) -> list[Figure]:
    """Single durable appends through the log vs bare psycopg inserts, per second."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_events")
        conn.execute("CREATE TABLE bench_events (seq BIGINT GENERATED ALWAYS AS IDENTITY "
                     "PRIMARY KEY, id TEXT UNIQUE, at TEXT, incident TEXT, type TEXT, "
                     "actor TEXT, data TEXT)")
        t0 = time.perf_counter()
        for n in range(count):
            with conn.transaction():
                conn.execute("INSERT INTO bench_events (id, at, incident, type, actor, data) "
                             "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT(id) DO NOTHING "
                             "RETURNING seq",
                             [new_id(), "2026-12-01T00:00:00.000Z", None, "note_added", "b",
                              canonical_json({"n": n})]).fetchone()
        bare = count / (time.perf_counter() - t0)
    log = open_timeline(url, center="bench", drill=False)
    try:
        t0 = time.perf_counter()
        for n in range(count):
            log.append(log.event(EventType.NOTE_ADDED, "b", None, {"n": n}))
        ours = count / (time.perf_counter() - t0)
    finally:
        log.close()
    return [ratio_figure("PostgreSQL appends/s (one per commit)", ours, bare, "/s",
                         at_least=0.5, note="baseline: bare psycopg insert + commit; ours "
                         "adds the write lock, the projection and NOTIFY")]


def _history(path: Path, closed: int, per_incident: int = 10) -> None:
    """A log of ``closed`` closed incidents (``per_incident`` events each), in bulk."""
    log = Timeline(path, center="bench", drill=False)
    at = "2026-01-01T00:00:00.000Z"
    try:
        for start in range(0, closed, 5000):
            rows, incidents = [], []
            for i in range(start, min(closed, start + 5000)):
                iid = f"2025{(i // 9999) % 12 + 1:02d}{(i // 9999) // 12 % 28 + 1:02d}-" \
                      f"{i % 9999 + 1:04d}"
                call = new_id()
                rows.append((new_id(), at, None, "call_received", "gateway",
                             canonical_json({"call": call, "says": "x"})))
                rows.append((new_id(), at, iid, "incident_opened", "b",
                             canonical_json({"call": call})))
                rows += [(new_id(), at, iid, "note_added", "b", '{"text":"x"}')
                         for _ in range(per_incident - 3)]
                rows.append((new_id(), at, iid, "incident_closed", "b", "{}"))
                incidents.append((iid, at, "closed", at))
            with log.transaction():
                log.conn.executemany("INSERT INTO events (id, at, incident, type, actor, data)"
                                     " VALUES (?, ?, ?, ?, ?, ?)", rows)
                log.conn.executemany("INSERT INTO incidents (id, opened_at, status, "
                                     "closed_at, last_seq) VALUES (?, ?, ?, ?, 0)", incidents)
    finally:
        log.close()


def _open_50(path: Path, port: int) -> None:
    desk = _seat(path, port, "maker", None)
    try:
        for _ in range(50):
            worked_incident(desk)
    finally:
        desk.log.close()


def seat_start(folder: Path, port: int, events: int) -> list[Figure]:
    """A desk's start on a long history with 50 open incidents vs on only those 50."""
    big, small = folder / "start-big.db", folder / "start-small.db"
    _history(big, events // 10)
    for path in (big, small):
        _open_50(path, port)

    def start(path: Path) -> tuple[float, float]:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            desk = _seat(path, port, "s", None)
            best = min(best, time.perf_counter() - t0)
            desk.log.close()
        tracemalloc.start()
        desk = _seat(path, port, "s", None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        desk.log.close()
        return best, peak / 2**20

    (small_s, small_mb), (big_s, big_mb) = start(small), start(big)
    with Timeline(big, center="bench", drill=False) as log:
        held = log.event_count()
    return [ratio_figure(f"seat start on {held:,} events, 50 open", big_s * 1000,
                         small_s * 1000, "ms", at_most=1.5,
                         note="baseline: the same 50 open incidents alone; desk built "
                              "(log, bus, fold), best of 3; the first frame is the "
                              "board bench's"),
            ratio_figure(f"seat start memory on {held:,} events", big_mb, small_mb, "MiB",
                         at_most=1.5, note="Python allocations at peak while the desk is "
                                           "built (tracemalloc), same two logs")]


async def floor(folder: Path, port: int, samples: int, start_events: int,
                postgres: str | None) -> list[Figure]:
    """Every floor figure (PostgreSQL ones only with a server)."""
    figures: list[Figure] = []
    new, note = await seat_to_seat(folder / "floor.db", port, samples)
    figures += _latency_figures("SQLite", new, await bare_sqlite(folder / "bare.db", samples),
                                note)
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:  # a database to empty
            conn.execute("DROP TABLE IF EXISTS dispatch_migrations, meta, events, incidents, "
                         "outbox, incident_days, operators, ringing CASCADE")
            conn.execute("DROP FUNCTION IF EXISTS events_append_only CASCADE")
        new, note = await seat_to_seat(postgres, port, samples)
        figures += _latency_figures("PostgreSQL", new, await bare_postgres(postgres, samples),
                                    note)
        figures += pg_appends(postgres, max(200, samples * 5))
    else:
        figures += [Figure(f"{name} (PostgreSQL)", None, unit, note="not measured: give "
                           "--postgres URL (a database the bench may empty)")
                    for name, unit in (("seat A → seat B board p99", "ms"),
                                       ("appends/s", "/s"))]
    figures += seat_start(folder, port, start_events)
    return figures

