"""``q`` asks first when work is open, and says what is open; with nothing open it quits."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.desk.autopilot import Autopilot
from dispatch.timeline import Timeline
from dispatch.tui.app import ConsoleApp
from dispatch.tui.confirm import Confirm

from .consolelib import OP, console, floor, typed_call
from .desklib import make_desk


def watch_exit(app: ConsoleApp) -> list[Any]:
    """Record the app's exits instead of exiting (the test goes on looking)."""
    exits: list[Any] = []
    app.exit = lambda *args, **kwargs: exits.append(args)  # type: ignore[method-assign]
    return exits


def details(app: ConsoleApp) -> str:
    return str(app.screen.query_one("#confirm-details").content)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["open incidents: 1 (yours: 1)", "calls ringing: 1", "orders not cleared: 3"]),
    ("zh", ["处理中事件：1 起（由您负责：1 起）", "待接来电：1 个", "未完成派单：3 条"])])
async def test_q_with_work_open_asks_and_says_what_is_open(log: Timeline, lang: str,
                                                           words: list[str]) -> None:
    desk = make_desk(log)  # no broker: the orders wait in the outbox, not cleared
    call = typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300", injured=2, trapped=False,
                      fire=False, hazmat=False, vehicles=3, in_lane=True)
    Autopilot(desk, OP).work_call(call)
    typed_call(desk, "车子爆胎了", "G50 K800+000")
    app = console(desk, lang=lang)
    exits = watch_exit(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        for line in words:
            assert line in details(app)
        await pilot.press("n")  # stays
        assert app.screen is floor(app) and exits == []
        await pilot.press("q", "escape")  # stays too
        assert app.screen is floor(app) and exits == []
        await pilot.press("q", "y")
        assert exits


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_q_with_nothing_open_quits_at_once(log: Timeline, lang: str) -> None:
    app = console(make_desk(log), lang=lang)
    exits = watch_exit(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        assert exits and not isinstance(app.screen, Confirm)
