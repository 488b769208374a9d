"""Many seats on one log (DESIGN, *The floor*): following, claims, no lost update,
ownership, duties once.  Each seat has its own connection to one SQLite file, as
each console process has; the separate-process races are in ``test_floor_procs``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dispatch.clock import ManualClock
from dispatch.desk import Changed, Desk, Operator, Refused, Role, Taken
from dispatch.errors import DeskError
from dispatch.timeline import Timeline

from .desklib import make_seat, ring, worked

ALICE, BOB, CAROL = Operator("alice"), Operator("bob"), Operator("carol")
SUPER = Operator("sam", Role.SUPERVISOR)


@pytest.fixture
def floor(shared_log: Callable[[], Timeline]) -> Callable[..., Desk]:
    """Seats on one shared log (SQLite file or PostgreSQL database), each on its own
    connection."""

    def seat(name: str, operator: Operator | None = None, **kw: object) -> Desk:
        desk = make_seat(shared_log(), name, **kw)  # type: ignore[arg-type]
        desk.join(operator)
        return desk

    return seat


def test_every_seat_sees_every_ringing_call_and_answering_claims_it(
    floor: Callable[..., Desk],
) -> None:
    a, b, c = floor("a", ALICE), floor("b", BOB), floor("c", CAROL)
    call = ring(a)
    for seat in (b, c):
        seat.follow()
        assert [q.id for q, _ in seat.queue()] == [call]
    b.answer(BOB, call)
    with pytest.raises(Taken, match="taken by bob at seat b"):
        a.answer(ALICE, call)
    with pytest.raises(Taken, match="bob"):
        c.answer(CAROL, call)
    for seat in (a, b, c):
        seat.follow()
        assert seat.queue() == []
        assert seat.board.calls[call].answered_by == "bob"
    rows = a.log.conn.execute(
        "SELECT count(*) FROM events WHERE type = 'call_answered'").fetchone()[0]
    assert rows == 1


def test_a_stale_seat_cannot_answer_twice_even_without_following(
    floor: Callable[..., Desk],
) -> None:
    a, b = floor("a", ALICE, follow_s=None), floor("b", BOB, follow_s=None)
    call = ring(a)
    b.follow()
    a.answer(ALICE, call)
    # b has not looked since: the claim is decided by the log, not by b's board.
    with pytest.raises(Taken, match="alice"):
        b.answer(BOB, call)
    with pytest.raises(Taken):
        b.open_incident(BOB, call)
    iid = a.open_incident(ALICE, call)
    b.follow()
    assert b.board.incidents[iid].owner == "alice"
    assert b.board.incidents[iid].owner_seat == "a"


def test_two_seats_editing_one_incident_lose_no_update(floor: Callable[..., Desk]) -> None:
    a = floor("a", ALICE)
    b = floor("b", SUPER, follow_s=None)  # b does not look before deciding
    iid = worked(a, ALICE, ring(a))
    b.follow()
    a.set_priority(ALICE, iid, 1, "trapped driver")
    with pytest.raises(Changed) as refused:
        b.set_priority(SUPER, iid, 3, "looks minor")
    message = str(refused.value)
    assert "alice (seat a)" in message and "1" in message
    # The loser's board now shows what won; nothing of the loser's was written.
    assert b.board.incidents[iid].priority == 1
    priorities = [(e.data["priority"], e.data["source"])
                  for e in a.log.events(iid, types=["priority_set"])]
    assert priorities == [(3, "playbook"), (1, "operator")]  # the playbook's, then alice's
    # Having seen it, the supervisor may decide again.
    b.set_priority(SUPER, iid, 2, "seen the change")
    a.follow()
    assert a.board.incidents[iid].priority == 2


def test_a_seat_joining_late_shows_the_same_board(
    floor: Callable[..., Desk], clock: ManualClock
) -> None:
    a, b = floor("a", ALICE), floor("b", BOB)
    first = worked(a, ALICE, ring(a, 1))
    b.follow()
    second = worked(b, BOB, ring(b, 2))
    a.dispatch(ALICE, first)
    clock.advance(5)
    b.set_priority(BOB, second, 2, "")
    a.resolve(ALICE, first, cancel_orders=True)
    late = floor("late", CAROL)
    for seat in (a, b):
        seat.follow()
    assert late.board.incidents == a.board.incidents == b.board.incidents
    assert late.board.calls == a.board.calls
    assert late.seen == a.seen == b.seen


def test_ownership_and_transfer(floor: Callable[..., Desk]) -> None:
    a, b, s = floor("a", ALICE), floor("b", BOB), floor("sup", SUPER)
    iid = worked(a, ALICE, ring(a))
    b.follow()
    with pytest.raises(Refused, match="belongs to alice"):
        b.transfer(BOB, iid, "bob", "I know the place")
    with pytest.raises(DeskError, match="no seat"):
        a.transfer(ALICE, iid, "dave", "end of shift")
    a.transfer(ALICE, iid, "bob", "end of shift")
    b.follow()
    inc = b.board.incidents[iid]
    assert (inc.owner, inc.owner_seat) == ("bob", "b")
    assert b.board.alerts[-1].kind == "transferred"
    assert [i.id for i in b.board.owned("bob")] == [iid]
    s.transfer(SUPER, iid, "sam", "taking over the pile-up")
    a.follow()
    assert a.board.incidents[iid].owner == "sam"


def test_seats_and_their_state(floor: Callable[..., Desk], clock: ManualClock) -> None:
    a, b = floor("a", ALICE), floor("b", BOB)
    a.follow()
    assert set(a.board.seats) == {"a", "b"}
    now = clock.now()
    assert a.board.seat_state("a", now)[0] == "free"
    call = ring(a)
    b.follow()
    iid = b.open_incident(BOB, b.answer(BOB, call).id)
    a.follow()
    assert a.board.seat_state("b", now)[0] == "call"
    assert a.board.seats["b"].answered == 1
    b.set_location(BOB, iid, "G4 K1024+300")
    b.apply_playbook(BOB, iid, "accident")
    b.dispatch(BOB, iid)
    a.follow()
    assert a.board.seat_state("b", now)[0] == "wrap_up"
    assert a.board.free_seats(now) == ["a"]


def test_duties_are_recorded_once_however_many_seats_notice(
    floor: Callable[..., Desk], clock: ManualClock
) -> None:
    seats = [floor(n, Operator(f"op-{n}")) for n in "abc"]
    a = seats[0]
    iid = worked(a, a_op := Operator("op-a"), ring(a))
    a.dispatch(a_op, iid)
    clock.advance(20 * 60)  # answer, dispatch and ack deadlines all past
    for seat in seats:
        seat.follow()
        seat.tick()
    counts = dict(a.log.conn.execute(
        "SELECT type, count(*) FROM events WHERE type IN "
        "('order_timeout', 'order_escalated', 'order_resent', 'deadline_breached') "
        "GROUP BY type").fetchall())
    assert counts["order_escalated"] == len(a.board.incidents[iid].orders)
    assert counts["order_timeout"] == counts["order_resent"] == counts["order_escalated"]
    breaches = [(e.data["deadline"], e.incident) for e in a.log.events(
        types=["deadline_breached"])]
    assert len(breaches) == len(set(breaches))


def test_a_surge_switches_the_floor_to_peak_once(floor: Callable[..., Desk]) -> None:
    a, b = floor("a", ALICE, peak_calls=3), floor("b", BOB, peak_calls=3)
    for n in range(5):
        ring(a if n % 2 else b, n)
        a.follow()
        b.follow()
    modes = [e.data["mode"] for e in a.log.events(types=["mode_changed"])]
    assert modes == ["peak"]
    peaks = [i for i in a.board.incidents.values() if i.auto == "peak"]
    assert len(peaks) == 1
    assert a.board.mode == b.board.mode == "peak"


def test_another_seats_waiting_order_is_taken_over_when_left(
    floor: Callable[..., Desk], clock: ManualClock
) -> None:
    a, b = floor("a", ALICE), floor("b", BOB)
    iid = worked(a, ALICE, ring(a))
    a.dispatch(ALICE, iid)  # a's bus is not running: its orders wait in the outbox
    b.follow()
    assert a.bus._pending() and b.bus._pending() == []
    clock.advance(b.bus.takeover_s)
    assert {o.key for o in b.bus._pending()} == {o.key for o in a.bus._pending()}
    assert b.bus._stranded()


def test_a_duty_s_order_goes_out_once_however_many_seats_take_it(
    floor: Callable[..., Desk]
) -> None:
    """Two seats that each merged a duplicate both see the first incident needs traffic
    control before either has folded the other's order: the derived ids keep one."""
    from dispatch.desk.roles import SYSTEM

    a, b = floor("a", ALICE), floor("b", BOB)
    iid = worked(a, ALICE, ring(a))
    b.follow()
    key = ("traffic_control", iid)
    first = a.dispatch(SYSTEM, iid, ["section"], kind="traffic_control", key=key)
    again = b.dispatch(SYSTEM, iid, ["section"], kind="traffic_control", key=key)  # stale b
    assert len(first) == 1 and again == []
    sent = [e for e in a.log.events(types=["order_sent"]) if e.data["kind"] == "traffic_control"]
    assert [e.data["order"] for e in sent] == first
    b.follow()
    assert b.board.incidents[iid].traffic_control
    assert [o.order for o in a.log.pending_orders() if o.order in first] == first  # once
