"""The incident pane and the floor's layout at 120 x 40 and 160 x 48.

What must always be on screen (the advice banner, the orders, the next
deadline, the status bar, the keys line) is checked against the widgets'
regions; notifications stay over the alerts column; the advice banner lists
every item with its state and a cursor; a place taken from the call is
prefilled for Enter to confirm.
"""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets._toast import Toast  # not exported: the toasts are found by type

from dispatch.clock import ManualClock
from dispatch.desk import Desk
from dispatch.model import EventType
from dispatch.timeline import Timeline
from dispatch.tui.app import ConsoleApp
from dispatch.tui.board import GAP, columns, row_cells

from .conftest import SHANGHAI
from .consolelib import OP, console, floor, notes, plain, typed_call, until
from .desklib import make_desk

SIZES = [(120, 40), (160, 48)]
LONG = ("Three cars crashed into each other just after the tunnel, one is on its side, "
        "people are shouting, there is glass everywhere and the traffic behind is still "
        "coming fast, I am standing behind the guardrail with my children. ") * 4


def shown(app: App, selector: str) -> str:
    """What a Static shows with no blanks or line breaks (the pane breaks its own lines)."""
    return squash(plain(app, selector))


def squash(text: str) -> str:
    """``text`` without blanks or line breaks."""
    return re.sub(r"\s+", "", text)


def screen_text(app: App) -> list[str]:
    """The screen as lines of text."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def on_screen(widget: Widget) -> bool:
    """The whole widget is inside the screen and inside every container around it."""
    region = widget.region
    if not widget.display or region.area == 0:
        return False
    node = widget.parent
    while isinstance(node, Widget):
        if not node.region.contains_region(region):
            return False
        node = node.parent
    return True


def busy(log: Timeline, clock: ManualClock) -> tuple[Desk, str]:
    """An accident with a long caller's text, questions to ask, four orders, notes."""
    desk = make_desk(log)
    call = typed_call(desk, LONG, "G4 K1024+300", injured=2)
    clock.advance(5)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "accident")
    desk.record_answer(OP, iid, "injured", 2)
    desk.dispatch(OP, iid, ["110", "120", "section"])
    desk.dispatch(OP, iid, ["119"])
    for n in range(6):
        desk.note(OP, iid, f"note {n}: the caller is calm")
    clock.advance(20)
    return desk, iid


def report(desk: Desk, iid: str, service: str, status: str, **data: object) -> None:
    """What a unit reports on its order (as the bus would record it)."""
    order = next(o for o in desk.board.incidents[iid].orders.values() if o.service == service)
    desk.record(desk.event(EventType.ORDER_STATUS, order.to, iid, order=order.id, to=order.to,
                           status=status, **data))


@pytest.mark.parametrize("size", SIZES)
async def test_advice_orders_and_deadline_stay_on_screen(
        log: Timeline, clock: ManualClock, size: tuple[int, int]) -> None:
    desk, iid = busy(log, clock)
    report(desk, iid, "119", "declined", note="no crew free")  # an alert, not a toast
    app = console(desk)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = floor(app)
        await pilot.press("i")  # the next question, its answer field
        await pilot.press("escape", "a", "a", "a")  # nothing rings: three notifications
        await until(lambda: len(screen.query(Toast)) >= 3)
        await pilot.pause()
        parts = {name: screen.query_one(f"#{name}") for name in
                 ("advice", "orders", "deadline", "keys", "status")}
        for name, widget in parts.items():
            assert on_screen(widget), f"#{name} is not wholly on screen at {size}"
        assert "READ TO THE CALLER" in plain(app, "#advice")
        assert plain(app, "#orders").count("waiting in outbox") == 3
        assert "Next deadline" in plain(app, "#deadline")
        alerts = screen.query_one("#alerts")
        for toast in screen.query(Toast):
            assert toast.region.x >= alerts.region.x, "a notification covers the pane"
            for name, widget in parts.items():
                assert not toast.region.overlaps(widget.region), f"a toast covers #{name}"
        # The keys line is one line; the status bar fits its width.
        assert parts["keys"].region.height == 1
        status = parts["status"]
        assert cell_len(plain(app, "#status")) <= status.content_size.width
        # The alert went to its column, highlighted, and popped up nowhere.
        assert "declined (no crew free)" in plain(app, "#alert-lines")
        assert not any("declined" in n for n in notes(app))
        assert "1 new" in plain(app, "#alerts-title")
        # The caller's text scrolls in the left column; the board shows every column.
        assert squash(LONG[:80]) in shown(app, "#caller")
        assert any(line.rstrip().endswith("Sect") for line in screen_text(app)[:8])


async def test_status_bar_drops_the_least_useful_first(log: Timeline, clock: ManualClock) -> None:
    desk, _ = busy(log, clock)
    app = ConsoleApp(desk, operator=OP, tz=SHANGHAI, tick_s=None,
                     centre="Hubei provincial expressway emergency hotline")
    async with app.run_test(size=(100, 40)):
        line = plain(app, "#status")
        assert cell_len(line) <= 98
        assert "NORMAL" in line and "outbox" in line and "breached" in line
        assert "Hubei provincial" not in line and "2026-11-22" not in line  # dropped first
    async with console(desk).run_test(size=(160, 40)) as pilot:
        assert "2026-11-22" in plain(pilot.app, "#status")  # room for everything


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_advice_banner_lists_every_item_and_g_marks_the_highlighted(
        log: Timeline, clock: ManualClock, lang: str) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "three cars, people hurt", "G4 K1024+300", injured=2)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "accident")
    desk.record_answer(OP, iid, "injured", 2)
    items = desk.guidance(iid, lang).advice
    assert [a.id for a in items] == ["leave_lanes", "hazard_lights", "warning_triangle",
                                     "do_not_move_injured", "stay_on_line"]
    closing = desk.service.phrase("closing", lang)
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        banner = plain(app, "#advice")
        assert ("0/4" in banner) and all(a.text[:12] in banner for a in items)
        assert f"▶ {items[0].text[:12]}" in banner  # the cursor: the first not given
        await pilot.press("g")
        assert desk.board.incidents[iid].advice == ["leave_lanes"]
        banner = plain(app, "#advice")
        assert "1/4" in banner and f"✓ {items[0].text[:12]}" in banner
        assert f"▶ {items[1].text[:12]}" in banner  # on to the next not given
        await pilot.press("G")  # skip one: the highlight moves, nothing is marked
        assert f"▶ {items[2].text[:12]}" in plain(app, "#advice")
        await pilot.press("g", "g")  # warning_triangle, then do_not_move_injured
        assert desk.board.incidents[iid].advice == ["leave_lanes", "warning_triangle",
                                                    "do_not_move_injured"]
        assert f"▶ {items[4].text[:12]}" in plain(app, "#advice")
        await pilot.press("d")  # every order out, but hazard_lights not read yet
        assert desk.board.incidents[iid].services_sent() >= {"110", "120", "section"}
        assert squash(closing) not in shown(app, "#phrase")
        await pilot.press("g")  # stay_on_line (optional); back round to hazard_lights
        assert f"▶ {items[1].text[:12]}" in plain(app, "#advice")
        assert squash(closing) not in shown(app, "#phrase")
        await pilot.press("g")
        assert set(desk.board.incidents[iid].advice) == {a.id for a in items}
        assert ("Safety advice given" if lang == "en" else "安全提示均已告知") \
            in plain(app, "#advice")
        assert squash(closing) in shown(app, "#phrase")  # only now: every advice given, orders out
        await pilot.press("g")
        assert any(("every safety advice" if lang == "en" else "均已告知") in n
                   for n in notes(app))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_place_from_the_call_is_prefilled_for_enter_to_confirm(
        log: Timeline, lang: str) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "tyre burst", "G50 K800+000", fault="tyre")
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)  # placed where the call said, to be confirmed
    assert desk.board.incidents[iid].location_from_call
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        stake = floor(app).query_one("#stake", Input)
        assert stake.value == "G50 K800+000"  # the value, not the placeholder
        assert stake.placeholder == ("e.g. G4 K1024+300" if lang == "en"
                                     else "例：G4 K1024+300")
        where = shown(app, "#location")
        if lang == "en":
            assert squash("Placed from the call: G50 K800+000") in where
            assert "Enterconfirms" in where
            assert "areaWuhan" in where and "G50Wuhansection" in where
        else:
            assert "按来电定位：G50K800+000" in where and "回车确认" in where
            assert "辖区武汉" in where and "沪渝高速武汉段" in where
            assert "wuhan" not in where and "g50-" not in where
        assert floor(app).query_one("#location").has_class("from-call")
        await pilot.press("l", "enter")  # Enter confirms it
        placed = [e for e in log.events() if e.type == EventType.LOCATION_SET]
        assert placed[-1].actor == "op1" and placed[-1].data["location"]["road"] == "G50"
        assert not desk.board.incidents[iid].location_from_call
        assert ("Placed:G50K800+000" if lang == "en" else "已定位：G50K800+000") \
            in shown(app, "#location")
        assert not floor(app).query_one("#location").has_class("from-call")


async def test_a_confirmed_place_reads_differently(log: Timeline) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "tyre burst", None)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    app = console(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "not yet placed" in plain(app, "#location")
        assert floor(app).query_one("#stake", Input).value == ""
        await pilot.press("l", *"G4 K1024+300", "enter")
        assert desk.board.incidents[iid].location["road"] == "G4"
        where = shown(app, "#location")
        assert "Placed:G4K1024+300" in where and "fromthecall" not in where


async def test_orders_eta_and_labels(log: Timeline, clock: ManualClock) -> None:
    desk, iid = busy(log, clock)
    app = console(desk)
    async with app.run_test(size=(160, 48)) as pilot:
        report(desk, iid, "120", "accepted", eta_s=600)
        await pilot.pause()
        floor(app).refresh_all()
        assert "eta 10 min" in plain(app, "#orders")
        await pilot.pause()
        lines = screen_text(app)
        assert sum("Next deadline:" in line for line in lines) == 1, lines
        floor(app).query_one("#pane-info").scroll_end(animate=False)  # down to the notes
        await pilot.pause()
        lines = screen_text(app)
        assert sum("Notes (n to write" in line for line in lines) == 1, lines
        assert sum("the caller is calm" in line for line in lines) == 5  # the latest five
        report(desk, iid, "120", "on_scene")
        floor(app).refresh_all()
        assert "on scene" in plain(app, "#orders") and "eta" not in plain(app, "#orders")


async def test_recommendations_name_the_service_once(log: Timeline) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "three cars, people hurt", "G4 K1024+300")
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.apply_playbook(OP, iid, "accident")
    app = console(desk)
    async with app.run_test(size=(160, 48)):
        orders = plain(app, "#orders")
        assert "Road-section centre: patrol" in orders
        assert "Road-section centre: Road-section centre" not in orders


async def test_the_chinese_pane_shows_no_ids(log: Timeline) -> None:
    desk = make_desk(log)
    crash = typed_call(desk, "三车追尾", "G4 K1024+300")
    desk.answer(OP, crash)
    first = desk.open_incident(OP, crash)
    desk.set_location(OP, first, "G4 K1024+300")
    desk.apply_playbook(OP, first, "accident")
    tyre = typed_call(desk, "车坏了", "G50 K800+000", fault="mechanical")
    desk.answer(OP, tyre)
    second = desk.open_incident(OP, tyre)
    desk.set_location(OP, second, "G50 K800+000")
    desk.apply_playbook(OP, second, "breakdown")
    desk.record_answer(OP, second, "in_lane", False)
    app = console(desk, lang="zh")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = floor(app)
        screen.table.select(first)
        await pilot.pause()
        text = shown(app, "#questions") + shown(app, "#orders") + shown(app, "#location")
        for raw in ("trapped", "fire", "hazmat", "vehicles", "(", "g4-xianning", "xianning"):
            assert raw not in text, raw
        assert "可能增加" in text and "消防救援119" in text
        assert "路段京港澳高速咸宁段" in text and "辖区咸宁" in text
        screen.table.select(second)
        await pilot.press("i")  # "what is wrong": the caller said mechanical
        questions = shown(app, "#questions")
        assert "来电人答：机械故障" in questions and "mechanical" not in questions
        assert "tyre" not in questions and "爆胎" in questions  # the choices by their labels
        await pilot.press(*"机械故障", "enter")
        assert desk.board.incidents[second].answers["fault"] == "mechanical"
        assert "：机械故障" in shown(app, "#questions")


def test_the_boards_columns_fit_120_and_hold_the_longest_deadline(
        log: Timeline, clock: ManualClock) -> None:
    from datetime import timedelta

    from dispatch.desk.timers import Deadline

    desk, iid = busy(log, clock)
    cols = columns(owner=True)
    # Every column with its blank, and the DataTable's scrollbar (2).
    assert sum(width + GAP for _, width in cols) + 2 <= 120
    inc = desk.board.incidents[iid]
    now = desk.clock.now()
    for lang in ("en", "zh"):
        for left in (timedelta(hours=23, minutes=59), -timedelta(hours=23, minutes=59)):
            deadline = Deadline("investigate", now + left, iid)
            cells = row_cells(inc, now, deadline, lang, owner=True)
            for (key, width), (text, _) in zip(cols, cells, strict=True):
                if key == "deadline":
                    assert cell_len(text) <= width, text


async def test_the_alerts_column_and_keys_line_in_chinese(log: Timeline,
                                                         clock: ManualClock) -> None:
    desk, iid = busy(log, clock)
    app = console(desk, lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        report(desk, iid, "119", "declined", note="无车")
        await until(lambda: "拒" in plain(app, "#alert-lines"))
        assert "告警：1 条新" in plain(app, "#alerts-title")
        clock.advance(120)
        floor(app).tick()  # fresh no more
        assert plain(app, "#alerts-title") == "告警"
        keys = floor(app).query_one("#keys", Static)
        assert keys.region.height == 1 and on_screen(keys)
        await pilot.pause()


def test_chinese_lines_break_between_characters_not_after_the_mark() -> None:
    from rich.text import Text

    from dispatch.tui.pane_parts import wrap_text

    text = Text()
    text.append("✓ ", style="dim")
    text.append("有几个人受伤？（没有人受伤就说0）：2", style="green")
    lines = wrap_text(text, 12).split("\n")
    assert lines[0].plain.startswith("✓ 有几个")  # the mark keeps its text on its line
    assert all(cell_len(line.plain) <= 12 for line in lines)
    assert not any(line.plain[:1] in "）：，。" for line in lines)
    assert {s.style for s in lines[1].spans if s.end > s.start} == {"green"}  # styles kept
    assert wrap_text(Text("a few English words"), 8).plain == "a few\nEnglish\nwords"
