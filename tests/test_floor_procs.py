"""A floor of seats in separate processes, over a real mosquitto, on both engines.

Each seat is ``python -m dispatch.drill.seat`` on the live log of centre
``hubei``: its own log connection, its own broker session, its own desk.  The
gateway publishes calls on ``calls/in``; simulated recipients answer orders.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dispatch.bus.link import LinkSettings
from dispatch.clock import ScaledClock
from dispatch.config.schema import Config
from dispatch.drill.seat import spec
from dispatch.model import new_id
from dispatch.timeline import Timeline, open_timeline
from dispatch.unit.simulate import Behaviour, Simulator

from .brokers import Mosquitto
from .desklib import shipped
from .intakelib import REPO, Gateway

#: Recipients that answer at once, so incidents close within the test.
BRISK = Behaviour(received=0.05, accepted=0.1, en_route=0.15, on_scene=0.2, cleared=0.3)
#: No peak mode: every call is its own incident (the merges are tested elsewhere).
CONFIG = Config.model_validate({"center": {"id": "hubei"}, "modes": {"peak_calls": 100000}})


class Seat:
    """One seat process; ``pilot`` off: it answers the calls it is told to."""

    def __init__(self, where: str, port: int, name: str, *, pilot: bool = True) -> None:
        clock = ScaledClock(1.0)
        # A seat's broker session outlives its test on the shared mosquitto: a name
        # of its own, so no earlier test's queued calls reach it.
        self.name = name = f"{name}-{new_id()[:6]}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dispatch.drill.seat",
             spec(CONFIG, where, port, name, clock, 0.2, drill=False, pilot=pilot)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.kill()
            raise RuntimeError(f"seat {name} did not start: {line!r}")

    def tell(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def said(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def stop(self) -> str:
        """Close stdin: the seat finishes and prints its autopilot's errors."""
        out, _ = self.proc.communicate(timeout=60)
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def where(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The floor's log: a SQLite file, or a PostgreSQL database."""
    if engine == "postgres":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "floor.db")


@pytest.fixture
def seats(where: str, mosquitto: Mosquitto) -> Iterator[Callable[..., Seat]]:
    started: list[Seat] = []

    def start(name: str, **kw: object) -> Seat:
        seat = Seat(where, mosquitto.port, name, **kw)  # type: ignore[arg-type]
        started.append(seat)
        return seat

    yield start
    for seat in started:
        seat.kill()


def _log(where: str) -> Timeline:
    return open_timeline(where, center="hubei", tz=CONFIG.center.tz)


def _counts(log: Timeline, sql: str) -> Counter[str]:
    return Counter(row[0] for row in log.conn.execute(sql).fetchall())


async def _until(check: Callable[[], bool], timeout: float = 90,
                 why: Callable[[], object] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the floor did not get there: {why() if why else ''}")
        await asyncio.sleep(0.1)


async def test_three_seats_answer_one_call_at_the_same_instant(
    seats: Callable[..., Seat], where: str, mosquitto: Mosquitto,
) -> None:
    floor = [seats(f"s{n}", pilot=False) for n in range(3)]
    gateway = Gateway(mosquitto.port)
    call = new_id()
    try:
        gateway.publish([call])
        await asyncio.to_thread(gateway.wait_acked)
        at = time.time() + 1.0  # every seat has the call by then, and presses at once
        for seat in floor:
            seat.tell(f"answer {call} {at}")
        said = [seat.said() for seat in floor]
    finally:
        gateway.close()
    won = [s for s in said if s.startswith("won ")]
    taken = [s for s in said if s.startswith("taken ")]
    assert len(won) == 1 and len(taken) == 2, said
    winner = floor[said.index(won[0])].name
    assert all(f"autopilot-{winner}" in t and f"seat {winner}" in t for t in taken)
    with _log(where) as log:
        types = _counts(log, "SELECT type FROM events")
        assert types["call_answered"] == 1 and types["incident_opened"] == 1
        orders = _counts(log, "SELECT json_extract(data, '$.to') FROM events "
                              "WHERE type = 'order_sent'")
        assert orders and set(orders.values()) == {1}  # one order per recipient


@pytest.mark.parametrize("calls", [500])
async def test_calls_into_four_autopilot_seats_are_each_worked_once(
    seats: Callable[..., Seat], where: str, mosquitto: Mosquitto, engine: str, calls: int,
) -> None:
    _, roadmap, _ = shipped()
    sim = Simulator([s.address for s in roadmap.stations],
                    lambda a: LinkSettings(host="127.0.0.1", port=mosquitto.port,
                                           client_id=f"sim-{a.service.value}-{a.unit}-"
                                                     f"{new_id()[:6]}"),
                    center="hubei", behaviours={str(s.address): BRISK
                                                for s in roadmap.stations})
    await sim.start()
    await sim.wait_up()
    floor = [seats(f"s{n}") for n in range(4)]
    gateway = Gateway(mosquitto.port)
    ids = [new_id() for _ in range(calls)]
    log = _log(where)
    try:
        gateway.publish(ids)
        await asyncio.to_thread(gateway.wait_acked)

        def done() -> bool:
            row = log.conn.execute(
                "SELECT count(*), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) "
                "FROM incidents").fetchone()
            return row[0] == calls and row[1] == calls

        await _until(done, timeout=240)
        errors = [seat.stop() for seat in floor]
    finally:
        gateway.close()
        await sim.stop()
    try:
        logged = _counts(log, "SELECT json_extract(data, '$.call') FROM events "
                              "WHERE type = 'call_received'")
        answered = _counts(log, "SELECT json_extract(data, '$.call') FROM events "
                                "WHERE type = 'call_answered'")
        assert set(logged) == set(answered) == set(ids)
        assert set(logged.values()) == set(answered.values()) == {1}
        per_incident = _counts(log, "SELECT incident || ' ' || json_extract(data, '$.to') "
                                    "FROM events WHERE type = 'order_sent'")
        assert set(per_incident.values()) == {1}  # each service ordered once per incident
        rejected = log.conn.execute(
            "SELECT count(*) FROM events WHERE type = 'message_rejected'").fetchone()[0]
        assert rejected == 0
        by_seat = _counts(log, "SELECT actor FROM events WHERE type = 'call_answered'")
        assert len(by_seat) >= 2  # the floor shared the work
        assert all("[]" in out for out in errors), errors
    finally:
        log.close()


async def test_a_seat_killed_mid_stream_leaves_nothing_stranded(
    seats: Callable[..., Seat], where: str, mosquitto: Mosquitto, engine: str,
) -> None:
    doomed, survivor = seats("doomed"), seats("survivor")
    gateway = Gateway(mosquitto.port)
    ids = [new_id() for _ in range(20)]
    log = _log(where)
    try:
        gateway.publish(ids)
        await asyncio.to_thread(gateway.wait_acked)
        await _until(lambda: log.conn.execute(
            "SELECT count(*) FROM events WHERE type = 'order_sent'").fetchone()[0] >= 10)
        doomed.kill()
        opened = {r[0] for r in log.conn.execute("SELECT id FROM incidents").fetchall()}
        # The survivor works what was left ringing, and publishes what the doomed
        # seat left in the outbox; the doomed seat's incidents stay on the floor.
        await _until(lambda: log.conn.execute(
            "SELECT count(DISTINCT json_extract(data, '$.call')) FROM events "
            "WHERE type = 'call_answered'").fetchone()[0] == len(ids))
        await _until(lambda: not log.pending_orders(), timeout=60)  # all published
        survivor.stop()
    finally:
        gateway.close()
    try:
        still = {r[0] for r in log.conn.execute("SELECT id FROM incidents").fetchall()}
        assert opened <= still
        answered = _counts(log, "SELECT json_extract(data, '$.call') FROM events "
                                "WHERE type = 'call_answered'")
        assert set(answered) == set(ids) and set(answered.values()) == {1}
        delivered = _counts(log, "SELECT json_extract(data, '$.order') FROM events "
                                 "WHERE type = 'order_delivered'")
        sent = _counts(log, "SELECT json_extract(data, '$.order') FROM events "
                            "WHERE type = 'order_sent'")
        assert set(delivered) == set(sent)  # every order went out, the doomed seat's too
    finally:
        log.close()


async def test_postgres_restarted_mid_stream_loses_nothing(
    own_postgres: object, mosquitto: Mosquitto, tmp_path: Path,
) -> None:
    from dispatch.errors import LogUnreachable

    from .desklib import make_seat

    server = own_postgres
    where = server.create_database("floor")  # type: ignore[attr-defined]
    floor = [Seat(where, mosquitto.port, f"s{n}") for n in range(2)]
    watch = make_seat(_log(where), f"watch-{new_id()[:6]}", mosquitto.port)
    watch.bus.intake.retry_s = 0.05
    faults: list[object] = []
    watch.on_log_health(faults.append)
    await watch.start()
    await watch.bus.link.wait_up()
    gateway = Gateway(mosquitto.port)
    first, second = [new_id() for _ in range(40)], [new_id() for _ in range(40)]
    try:
        gateway.publish(first)
        server.stop()  # type: ignore[attr-defined]  # mid-stream: seats are still working
        gateway.publish(second, start=40)
        await asyncio.to_thread(gateway.wait_acked)  # the broker holds what seats cannot log
        await _until(lambda: any(isinstance(f, LogUnreachable) for f in faults), timeout=30)
        assert "log unreachable" in str(watch.log_fault)
        server.start()  # type: ignore[attr-defined]
        await _until(lambda: faults[-1] is None, timeout=30)
        with _log(where) as log:
            await _until(lambda: log.conn.execute(
                "SELECT count(DISTINCT json_extract(data, '$.call')) FROM events "
                "WHERE type = 'call_answered'").fetchone()[0] == 80, timeout=120,
                why=lambda: log.conn.execute(
                    "SELECT type, count(*) FROM events GROUP BY type").fetchall())
            logged = _counts(log, "SELECT json_extract(data, '$.call') FROM events "
                                  "WHERE type = 'call_received'")
            answered = _counts(log, "SELECT json_extract(data, '$.call') FROM events "
                                    "WHERE type = 'call_answered'")
            assert set(logged) == set(answered) == set(first + second)
            assert set(logged.values()) == set(answered.values()) == {1}
    finally:
        gateway.close()
        for seat in floor:
            seat.kill()
        await watch.stop()
        watch.log.close()


def test_seats_opening_a_fresh_log_at_once_all_start(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    script = (
        "import sys, time; sys.path.insert(0, sys.argv[3]);"
        "from dispatch.timeline import Timeline;"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()));"
        "log = Timeline(sys.argv[1], center='hubei');"
        "log.record('note_added', 'op', text='hi'); print('ok')")
    at = str(time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), at, str(REPO)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [o.strip() for o, _ in outs] == ["ok"] * 4, [e for _, e in outs]
    with Timeline(db, center="hubei") as log:
        assert log.event_count() == 4
