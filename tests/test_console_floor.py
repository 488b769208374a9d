"""Two consoles on one floor, worked by keys: each seat its own desk, its own connection
to one log file and its own client on one real mosquitto, as two console processes are.

A call rings on both and leaves the other's queue once answered; a call answered
elsewhere, or an incident changed elsewhere, is refused in one line that says who;
a hand-over shows on the receiving seat; the supervisor's floor view lists the seats.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

from dispatch.clock import ManualClock
from dispatch.desk import Desk, Operator, Role
from dispatch.model import new_id
from dispatch.timeline import Timeline
from dispatch.tui.app import ConsoleApp
from dispatch.tui.floor import FloorScreen
from dispatch.tui.views.seats import SeatsScreen

from .brokers import Mosquitto
from .consolelib import console, floor, notes, plain, typed_call, until
from .desklib import make_seat
from .intakelib import Gateway

ALICE, BOB = Operator("alice"), Operator("bob")
SAM = Operator("sam", Role.SUPERVISOR)
SIZE = (150, 45)


@dataclass
class Seat:
    """One console of the floor: its desk, its app and the pilot driving it."""

    name: str
    desk: Desk
    app: ConsoleApp
    pilot: Any = None

    @property
    def floor(self) -> FloorScreen:
        return floor(self.app)

    def queue(self) -> str:
        return plain(self.app, "#queue")


@asynccontextmanager
async def two_seats(make_log: Callable[..., Timeline], mosquitto: Mosquitto,
                    *operators: tuple[Operator, str], follow: bool = True
                    ) -> AsyncIterator[list[Seat]]:
    """A console per ``(operator, lang)``, each at a seat of its own on ``floor.db``,
    its bus up on the real broker; the apps run side by side in this test's loop."""
    tag = uuid.uuid4().hex[:6]  # seat ids, hence client ids, never meet an earlier test's
    seats: list[Seat] = []
    async with AsyncExitStack() as stack:
        try:
            for n, (operator, lang) in enumerate(operators):
                name = f"{'ab'[n]}-{tag}"
                desk = make_seat(make_log("floor.db"), name, mosquitto.port,
                                 follow_s=0.02 if follow else None)
                seats.append(Seat(name, desk, console(desk, lang, operator=operator)))
                await desk.start()
                await desk.bus.link.wait_up()
            for seat in seats:
                seat.pilot = await stack.enter_async_context(seat.app.run_test(size=SIZE))
            await until(lambda: all(s.app.floor is not None for s in seats))
            yield seats
        finally:
            await stack.aclose()
            for seat in seats:
                await seat.desk.stop()


def ringing(seat: Seat, count: int) -> Callable[[], bool]:
    return lambda: f"Calls ringing: {count}" in seat.queue() or \
        f"待接来电：{count}" in seat.queue()


async def test_a_call_rings_on_both_and_leaves_the_other_queue_once_answered(
        make_log: Callable[..., Timeline], mosquitto: Mosquitto) -> None:
    gateway = Gateway(mosquitto.port)
    try:
        async with two_seats(make_log, mosquitto, (ALICE, "en"), (BOB, "en")) as (a, b):
            call = new_id()
            gateway.publish([call])  # the telephony gateway, over the broker, to every seat
            await until(lambda: ringing(a, 1)() and ringing(b, 1)())
            await a.pilot.press("a")
            iid = a.floor.current
            assert iid and a.desk.board.incidents[iid].owner == "alice"
            # b folds a's answer from the log (its follow loop): the call leaves b's queue.
            await until(ringing(b, 0))
            assert b.desk.board.calls[call].answered_by == "alice"
            await until(lambda: iid in b.floor.table.rows)
            assert b.floor.table.shown(iid, "owner") == f"alice@{a.name}"
            await b.pilot.press("a")  # nothing rings for b any more
            assert any("No call is ringing" in n for n in notes(b.app))
            assert b.desk.board.calls[call].incident == iid  # b opened nothing
    finally:
        gateway.close()


async def test_a_call_answered_elsewhere_and_a_change_elsewhere_say_who(
        make_log: Callable[..., Timeline], mosquitto: Mosquitto) -> None:
    # No follow loops: b looks at the log only when told (or when the desk refuses it).
    async with two_seats(make_log, mosquitto, (ALICE, "en"), (SAM, "en"),
                         follow=False) as (a, b):
        call = typed_call(a.desk, "三辆车追尾，有人受伤", "G4 K1024+300")
        b.desk.follow()
        a.floor.refresh_all()
        b.floor.refresh_all()
        assert ringing(a, 1)() and ringing(b, 1)()
        await a.pilot.press("a")
        iid = a.floor.current
        assert iid is not None
        await b.pilot.press("a")  # b's queue still shows the call: the desk says who took it
        taken = [n for n in notes(b.app) if "taken by" in n]
        assert taken == [f"Not done: the call of Li 13800000001 G4 K1024+300 was taken by "
                         f"alice at seat {a.name}"]
        assert ringing(b, 0)()  # refused, b has folded the answer and shows it at once
        assert b.desk.board.calls[call].answered_by == "alice"
        b.desk.follow()
        b.floor.refresh_all()
        b.floor.table.select(iid)
        await a.pilot.press("escape", "1")  # alice raises the priority; b has not looked
        assert a.desk.board.incidents[iid].priority == 1
        await b.pilot.press("3")
        changed = [n for n in notes(b.app) if "changed meanwhile" in n]
        assert len(changed) == 1 and "\n" not in changed[0]
        assert changed[0].startswith(f"Not done: incident {iid} was changed meanwhile")
        assert f"by alice at seat {a.name}: Priority set to 1" in changed[0]
        assert b.desk.board.incidents[iid].priority == 1  # what won, nothing of b's
        assert b.floor.table.shown(iid, "priority") == "P1"


async def test_a_hand_over_shows_on_the_receiving_seat(
        make_log: Callable[..., Timeline], mosquitto: Mosquitto) -> None:
    async with two_seats(make_log, mosquitto, (ALICE, "en"), (BOB, "zh")) as (a, b):
        typed_call(a.desk, "车子爆胎了", "G50 K800+000")
        await until(ringing(a, 1))
        await a.pilot.press("a", "escape")
        iid = a.floor.current
        assert iid is not None
        await until(lambda: iid in b.floor.table.rows)
        await a.pilot.press("T")  # hand it over: to whom, and why
        form = a.app.screen
        assert f"bob@{b.name}" in str(form.query_one("#form-to").placeholder)
        await a.pilot.press(*"dave", "enter", *"shift", "enter")
        assert any("dave sits at no seat" in n for n in notes(a.app))  # the form stays
        form.query_one("#form-to").value = ""
        form.query_one("#form-to").focus()
        await a.pilot.press(*"bob", "enter", "enter")  # the reason stands
        assert a.app.screen is a.floor  # taken: the form closed
        assert a.desk.board.incidents[iid].owner == "bob"
        assert any(f"{iid} handed to bob" in n for n in notes(a.app))
        # b folds the hand-over: its owner column, a notification and the alert list.
        await until(lambda: b.floor.table.shown(iid, "owner") == f"bob@{b.name}")
        yours = f"{iid} 现由您负责（原负责人 alice：shift）"
        await until(lambda: any(yours in n for n in notes(b.app)))
        assert yours in plain(b.app, "#alert-lines")
        assert "handed from alice to bob" in plain(a.app, "#alert-lines")
        # Only my incidents: bob's board keeps it, alice's is empty.
        await b.pilot.press("w")
        assert list(map(str, (k.value for k in b.floor.table.rows))) == [iid]
        assert "仅我的 1/1" in plain(b.app, "#status")
        await a.pilot.press("w")
        assert a.floor.table.row_count == 0 and "MINE 0/1" in plain(a.app, "#status")
        await a.pilot.press("w")  # every incident again
        assert a.floor.table.row_count == 1 and "MINE" not in plain(a.app, "#status")


async def test_the_supervisors_floor_view_lists_every_seat(
        make_log: Callable[..., Timeline], mosquitto: Mosquitto, clock: ManualClock) -> None:
    async with two_seats(make_log, mosquitto, (ALICE, "en"), (SAM, "zh")) as (a, b):
        typed_call(a.desk, "三辆车追尾，有人受伤", "G4 K1024+300")
        await until(ringing(a, 1))
        await a.pilot.press("a")
        iid = a.floor.current
        clock.advance(95)
        typed_call(a.desk, "车子爆胎了", "G50 K800+000", phone="13900000002")
        await until(lambda: len(b.desk.board.ringing()) == 1)
        await b.pilot.press("f")
        assert isinstance(b.app.screen, SeatsScreen)

        def view() -> str:
            content = b.app.screen.query_one("#seats").content
            return getattr(content, "plain", str(content))

        text = view()
        assert "共 2 个席位，空闲 1 个，待接来电 1 个" in text, text
        lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
        row_a, row_b = lines[a.name], lines[b.name]
        assert "alice" in row_a and "通话中" in row_a and "1m" in row_a and iid in row_a
        assert "sam" in row_b and "空闲" in row_b and iid not in row_b
        assert text.index(row_a) < text.index(row_b)  # busy seats first
        # Chinese columns stay aligned: the state starts at the same cell in every row.
        header = next(line for line in text.splitlines() if line.startswith("席位  "))
        at = [cell_len(header[:header.index("状态")]),
              cell_len(row_a[:row_a.index("通话中")]), cell_len(row_b[:row_b.index("空闲")])]
        assert len(set(at)) == 1
        assert "待接来电：1" in text and "0:00" in text  # the second call, just rung
        assert f"空闲席位：1 {b.name}" in text
        # Live: alice takes the second call too; the open view redraws from b's fold.
        await a.pilot.press("escape", "a")
        await until(lambda: "待接来电：0" in view())
        assert f"空闲席位：1 {b.name}" in view()
        row_a = next(line for line in view().splitlines() if line.startswith(a.name))
        # seat, operator, state, for, calls taken, open incidents (count, ids)
        assert row_a.split()[1:6] == ["alice", "通话中", "1m", "2", "2"]
        assert len(row_a.split()) == 8
        await b.pilot.press("escape")
        assert b.app.screen is b.floor
