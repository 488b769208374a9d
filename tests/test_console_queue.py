"""The queue you can select: most urgent first with its kind and danger marks, the mark moved
with [ and ], a answers the marked call, a typed-in call is answered at once."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from dispatch.clock import ManualClock
from dispatch.timeline import Timeline
from dispatch.tui.prompts import CallForm
from dispatch.tui.queue import CallQueue

from .consolelib import console, floor, plain, typed_call
from .desklib import make_desk

SIZES = [(120, 40), (160, 48)]
COMPLAINT = "我要投诉，救援车来得太慢了"
TANKER = "危化品罐车侧翻，有液体泄漏"


def lines(app: object) -> list[str]:
    return plain(app, "#queue").splitlines()  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "mark", "kind"), [("en", " HAZMAT ", "accident"),
                                                     ("zh", " 危化品 ", "交通事故")])
@pytest.mark.parametrize("size", SIZES)
async def test_a_hazmat_call_after_two_complaints_is_first_with_its_marks(
        log: Timeline, clock: ManualClock, lang: str, mark: str, kind: str,
        size: tuple[int, int]) -> None:
    desk = make_desk(log)
    first = typed_call(desk, COMPLAINT, "G4 K1030+000", phone="13800000001")
    clock.advance(20)
    second = typed_call(desk, COMPLAINT, "G4 K1031+000", phone="13800000002")
    clock.advance(20)
    tanker = typed_call(desk, TANKER, "G4 K1024+300", phone="13800000003")
    clock.advance(5)
    app = console(desk, lang=lang)
    async with app.run_test(size=size) as pilot:
        shown = lines(app)
        assert shown[1].startswith(">") and mark in shown[1] and kind in shown[1]
        assert "K1024+300" in shown[1]  # the tanker, though it rang last
        assert all(mark not in line for line in shown[2:])
        assert [c.id for c, _ in desk.queue()] == [tanker, first, second]
        await pilot.press("right_square_bracket")  # the mark on the older complaint
        assert lines(app)[2].startswith(">") and not lines(app)[1].startswith(">")
        await pilot.press("a")  # answers the marked call, not the top one
        assert desk.board.calls[first].answered_by == "op1"
        assert desk.board.calls[tanker].answered_by is None
        inc = desk.board.calls[first].incident
        assert inc and floor(app).current == inc
        floor(app).flush()
        assert lines(app)[1].startswith(">") and "K1024+300" in lines(app)[1]  # back on top


async def test_the_mark_stops_at_the_ends_and_follows_the_top_until_moved(
        log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    typed_call(desk, COMPLAINT, None, phone="13800000001")
    app = console(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        queue = floor(app).query_one(CallQueue)
        await pilot.press("left_square_bracket")  # already at the top
        first = queue.selected
        tanker = typed_call(desk, TANKER, "G4 K1024+300", phone="13800000003")
        floor(app).flush()
        assert queue.selected == tanker != first  # an urgent call takes the mark's place...
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert queue.selected == first  # ...and the mark stops at the last call
        typed_call(desk, TANKER, "G4 K1025+300", phone="13800000004")
        floor(app).flush()
        assert queue.selected == first  # moved by the operator: it stays while it rings


@pytest.mark.parametrize("size", SIZES)
async def test_more_calls_than_shown_say_how_many_more(log: Timeline, clock: ManualClock,
                                                       size: tuple[int, int]) -> None:
    desk = make_desk(log)
    for n in range(7):
        typed_call(desk, "车子爆胎了", f"G50 K{800 + n}+000", phone=f"1380000{n:04d}")
        clock.advance(3)
    app = console(desk)
    async with app.run_test(size=size) as pilot:
        queue = floor(app).query_one(CallQueue)
        assert lines(app)[-1].strip() == "+2 more ringing ([ ] to reach them)"
        assert queue.content_size.height >= len(lines(app))  # nothing cut: all on screen
        for _ in range(6):
            await pilot.press("right_square_bracket")
        assert lines(app)[-2].startswith(">")  # the last call, scrolled into view
        assert queue.selected == desk.queue()[-1][0].id


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_typed_call_is_answered_and_opened_at_once(log: Timeline, lang: str) -> None:
    desk = make_desk(log)
    earlier = typed_call(desk, COMPLAINT, None)  # another call rings meanwhile
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CallForm)
        for field, value in (("name", "Zhang"), ("phone", "13900000009"),
                             ("says", "两车相撞，有人受伤"), ("location", "G4 K1024+300")):
            app.screen.query_one(f"#call-{field}", Input).value = value
        app.screen.query_one("#call-location", Input).focus()
        await pilot.press("enter")
        assert app.screen is floor(app)
        typed = next(c for c in desk.board.calls.values() if c.caller.get("name") == "Zhang")
        assert typed.answered_by == "op1" and typed.incident
        assert floor(app).current == typed.incident
        assert desk.board.incidents[typed.incident].location  # placed where it said
        assert desk.board.calls[earlier].answered_by is None  # still ringing
