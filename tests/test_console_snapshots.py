"""Snapshots of the console (en and zh): the floor, the incident pane, the map.

Deterministic: a fixed manual clock, fixed calls, no broker (the desk's bus is
never started, so orders wait in the outbox) and no clock ticks.
"""

from __future__ import annotations

import pytest

from dispatch.clock import ManualClock
from dispatch.desk import Desk
from dispatch.timeline import Timeline
from dispatch.tui.app import ConsoleApp

from .consolelib import OP, console, typed_call
from .desklib import make_desk

SIZE = (140, 48)
#: The smallest screen the floor is laid out for: everything that must show still shows.
SMALL = (120, 40)


def floor_desk(log: Timeline, clock: ManualClock) -> Desk:
    """Three incidents in different states and a call still ringing."""
    desk = make_desk(log)
    first = typed_call(desk, "三辆车追尾，有人受伤 / three cars, people hurt", "G4 K1024+300",
                       injured=2, trapped=False, fire=False)
    clock.advance(6)
    desk.answer(OP, first)
    iid = desk.open_incident(OP, first)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid)
    desk.record_answer(OP, iid, "injured", 2)
    desk.set_priority(OP, iid, 2, "people hurt")
    desk.dispatch(OP, iid, ["110"])
    clock.advance(20)
    second = typed_call(desk, "车子爆胎了，停在应急车道", "G50 K800+000", phone="13900000002",
                        fault="tyre", in_lane=False)
    desk.answer(OP, second)
    other = desk.open_incident(OP, second)
    desk.set_location(OP, other, "G50 K800+000")
    desk.apply_playbook(OP, other)
    for question, value in (("fault", "tyre"), ("in_lane", False), ("smoke", False),
                            ("injured", 0)):
        desk.record_answer(OP, other, question, value)
    desk.set_priority(OP, other, 3)
    desk.dispatch(OP, other)
    desk.resolve(OP, other, cancel_orders=True)
    clock.advance(30)
    typed_call(desk, "I want to complain about the toll gate", "G70 K1100+000",
               phone="13700000003", subject="toll")
    clock.advance(12)
    return desk


def app_for(log: Timeline, clock: ManualClock, lang: str) -> ConsoleApp:
    return console(floor_desk(log, clock), lang=lang)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["140x48", "120x40"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot_floor(snap_compare, log: Timeline, clock: ManualClock,  # type: ignore[no-untyped-def]
                        lang: str, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(log, clock, lang), terminal_size=size)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["140x48", "120x40"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot_incident_pane(snap_compare, log: Timeline,  # type: ignore[no-untyped-def]
                                clock: ManualClock, lang: str, size: tuple[int, int]) -> None:
    async def ask_and_note(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("i")  # the next question, with the caller's answer
        await pilot.press("escape", "g")  # one advice given: the banner's cursor moves on
        await pilot.press("n", *"caller says hurry up")
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app_for(log, clock, lang), terminal_size=size, run_before=ask_and_note)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot_map(snap_compare, log: Timeline, clock: ManualClock,  # type: ignore[no-untyped-def]
                      lang: str) -> None:
    async def open_map(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("m")
        await pilot.pause()

    assert snap_compare(app_for(log, clock, lang), terminal_size=SIZE, run_before=open_map)
