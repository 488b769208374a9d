"""A seat starts from the floor as it is, not from the whole history (issue: a year of
history, a seat that starts at once)."""

from __future__ import annotations

from pathlib import Path

from dispatch.clock import ManualClock
from dispatch.desk import Operator, Role
from dispatch.desk.board import Board
from dispatch.timeline import Timeline
from dispatch.timeline.start import floor_events

from .conftest import SHANGHAI
from .desklib import make_seat, ring, worked

OP = Operator("alice")
SUP = Operator("sam", Role.SUPERVISOR)


def _history(log: Timeline, clock: ManualClock) -> dict[str, set[str]]:
    desk = make_seat(log, "a")
    made: dict[str, set[str]] = {"closed": set(), "open": set(), "ringing": set()}

    def incident(n: int) -> str:
        iid = worked(desk, OP, ring(desk, n), f"G4 K{1000 + n}+300")
        desk.dispatch(OP, iid)
        clock.advance(60)
        return iid

    for n in range(30):
        iid = incident(n)
        desk.resolve(OP, iid, cancel_orders=True)
        desk.close(OP, iid)
        made["closed"].add(iid)
    clock.advance(3600)  # the peak window's calls are long gone
    survivor, duplicate = incident(40), incident(41)
    desk.merge(OP, survivor, [duplicate], "same crash")
    resolved = incident(42)
    desk.resolve(OP, resolved, cancel_orders=True)
    made["open"] = {survivor, duplicate, resolved, incident(43)}
    for n in range(2):
        made["ringing"].add(ring(desk, 50 + n))
    answered = ring(desk, 60)  # answered, its incident not opened yet
    desk.answer(OP, answered)
    made["answered"] = {answered}
    return made


def test_a_seat_starts_from_what_is_open_and_shows_the_same_floor(
    tmp_path: Path, clock: ManualClock,
) -> None:
    log = Timeline(tmp_path / "live.db", center="hubei", tz=SHANGHAI, clock=clock)
    made = _history(log, clock)
    full = Board(console="console-hubei-b")
    for event in log.events():
        full.apply(event)
    seat = make_seat(Timeline(tmp_path / "live.db", center="hubei", tz=SHANGHAI, clock=clock),
                     "b")
    board = seat.board
    assert set(board.incidents) == made["open"]
    for iid in made["open"]:
        assert board.incidents[iid] == full.incidents[iid]
    assert {c.id for c in board.ringing()} == made["ringing"] == {c.id for c in full.ringing()}
    for call in made["ringing"] | made["answered"]:
        assert board.calls[call] == full.calls[call]
    assert board.seats == full.seats and board.mode == full.mode
    assert seat.seen == full.last_seq
    assert seat.loaded < log.event_count() / 3
    seat.log.close()
    log.close()


def test_start_reads_no_closed_incidents_events_and_loads_them_on_demand(
    tmp_path: Path, clock: ManualClock,
) -> None:
    log = Timeline(tmp_path / "live.db", center="hubei", tz=SHANGHAI, clock=clock)
    made = _history(log, clock)
    read = floor_events(log, clock.now())
    assert read and not {e.incident for e in read} & made["closed"]
    closed_calls = {e.data["call"] for e in log.events(types=["incident_opened"])
                    if e.incident in made["closed"]}
    assert not {e.data.get("call") for e in read} & closed_calls
    # A closed incident comes from the log when someone asks for it (a supervisor reopens).
    seat = make_seat(log, "c")
    some = sorted(made["closed"])[0]
    assert some not in seat.board.incidents
    seat.reopen(SUP, some)
    assert seat.board.incidents[some].status == "open"
    assert seat.board.incidents[some].orders
    log.close()


def test_a_log_from_before_the_ringing_table_is_migrated(tmp_path: Path,
                                                         clock: ManualClock) -> None:
    log = Timeline(tmp_path / "live.db", center="hubei", tz=SHANGHAI, clock=clock)
    made = _history(log, clock)
    log.rebuild()  # the projection refilled from events alone agrees with the live one
    rows = {r[0] for r in log.conn.execute("SELECT call FROM ringing")}
    assert rows == made["ringing"] | made["answered"]
    log.close()
