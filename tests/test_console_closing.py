"""Closing safely from the keys: r / x with orders out list them and ask, y cancels them;
a supervisor cancels one order with C; a callback answer other than yes or no is told."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from dispatch.desk import Operator, Role
from dispatch.desk.autopilot import Autopilot
from dispatch.timeline import Timeline
from dispatch.tui.callers import recipient_label
from dispatch.tui.confirm import Confirm
from dispatch.tui.prompts import Ask, Form

from .consolelib import OP, console, floor, notes, typed_call, until
from .desklib import make_desk

SAM = Operator("sam", Role.SUPERVISOR)


def worked(log: Timeline, operator: Operator = OP) -> tuple[object, str]:
    """A desk with one accident worked to dispatch (no broker: the orders wait, not cleared)."""
    desk = make_desk(log)
    call = typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300", injured=2, trapped=False,
                      fire=False, hazmat=False, vehicles=3, in_lane=True)
    iid = Autopilot(desk, operator).work_call(call)
    assert iid
    return desk, iid


def details(app: object) -> str:
    return str(app.screen.query_one("#confirm-details").content)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "key", "status", "state"), [
    ("en", "r", "resolved", "waiting in outbox"), ("zh", "x", "closed", "发件箱等待")])
async def test_ending_with_orders_out_asks_then_cancels_them(
        log: Timeline, lang: str, key: str, status: str, state: str) -> None:
    desk, iid = worked(log)
    orders = list(desk.board.incidents[iid].orders.values())  # type: ignore[attr-defined]
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        floor(app).table.select(iid)
        await pilot.press(key)
        assert isinstance(app.screen, Confirm)
        shown = details(app)
        assert all(recipient_label(desk, o.to, lang) in shown for o in orders) and state in shown
        await pilot.press("n")  # keeps them: nothing recorded
        inc = desk.board.incidents[iid]  # type: ignore[attr-defined]
        assert inc.status == "open" and all(o.state == "sent" for o in orders)
        await pilot.press(key, "y")
        await until(lambda: desk.board.incidents[iid].status == status)  # type: ignore
        assert all(o.state == "cancelled" for o in orders)
        cancels = [o for o in inc.orders.values() if o.kind == "cancel"]
        assert sorted(o.to for o in cancels) == sorted(o.to for o in orders)
        word = "cancelled" if lang == "en" else "已撤销"
        assert any(word in n for n in notes(app))


async def test_ending_with_every_order_done_asks_nothing(log: Timeline) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "车子爆胎了", "G50 K800+000", fault="tyre", in_lane=False)
    iid = desk.open_incident(OP, desk.answer(OP, call).id)
    app = console(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        floor(app).table.select(iid)
        await pilot.press("r")
        assert not isinstance(app.screen, Confirm)
        assert desk.board.incidents[iid].status == "resolved"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_supervisor_cancels_one_order_with_a_reason(log: Timeline, lang: str) -> None:
    desk, iid = worked(log, SAM)
    orders = list(desk.board.incidents[iid].orders.values())  # type: ignore[attr-defined]
    app = console(desk, lang=lang, operator=SAM)
    async with app.run_test(size=(120, 40)) as pilot:
        floor(app).table.select(iid)
        await pilot.press("C")
        assert isinstance(app.screen, Form)
        assert all(recipient_label(desk, o.to, lang) in str(app.screen.query_one("Label").content)
                   for o in orders)
        await pilot.press("9", "enter", *"duplicate", "enter")  # no order 9: which one?
        assert isinstance(app.screen, Form)
        between = "to" if lang == "en" else "至"
        assert any(f"1 {between} {len(orders)}" in n for n in notes(app))  # which numbers
        app.screen.query_one("#form-order", Input).value = "1"  # the reason stands
        await pilot.press("enter")
        await until(lambda: orders[0].state == "cancelled")
        assert [o.state for o in orders[1:]] == ["sent"] * (len(orders) - 1)
        assert app.screen is floor(app)


async def test_an_operator_may_not_cancel_an_order(log: Timeline) -> None:
    desk, iid = worked(log)
    app = console(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        floor(app).table.select(iid)
        await pilot.press("C", "1", "enter", *"mistake", "enter")
        await until(lambda: any(n.startswith("Not done") for n in notes(app)))
    assert [e.type for e in log.events()].count("command_refused") == 1


@pytest.mark.parametrize(("lang", "yes", "hint"), [("en", "yes", "Type yes or no"),
                                                   ("zh", "是", "请输入“是”或“否”")])
async def test_a_callback_answer_other_than_yes_or_no_is_told(log: Timeline, lang: str,
                                                              yes: str, hint: str) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "我要投诉，救援车来得太慢了", None)
    iid = desk.open_incident(OP, desk.answer(OP, call).id)
    desk.apply_playbook(OP, iid, "complaint")
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        floor(app).table.select(iid)
        await pilot.press("b", *"maybe", "enter")
        await until(lambda: any(hint in n and "maybe" in n for n in notes(app)))
        assert isinstance(app.screen, Ask)  # still asking
        app.screen.query_one("#ask", Input).value = yes
        await pilot.press("enter")
        await until(lambda: desk.board.incidents[iid].callback_at is not None)
