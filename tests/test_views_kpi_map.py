"""The key-figures and map views at 120 × 40: an aligned table with an axis under the
sparkline; road and place labels; one colour per priority, and a mark of its own for an
incident with none (issue 13, item 12)."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.style import Style

from dispatch.clock import ManualClock
from dispatch.desk import Desk
from dispatch.desk.autopilot import Autopilot
from dispatch.timeline import Timeline
from dispatch.tui.app import ConsoleApp
from dispatch.tui.board import PRIORITY_COLOUR, PRIORITY_STYLE, row_cells
from dispatch.tui.views.kpi import KpiScreen, measures
from dispatch.tui.views.map import MapScreen, MapView, draw_map, incident_mark, legend

from .consolelib import OP, console, typed_call, until
from .desklib import make_desk

SIZE = (120, 40)


def screen_lines(app: ConsoleApp) -> list[str]:
    """What the terminal shows, line by line (a wide character once, as printed)."""
    return ["".join(seg.text for seg in strip)
            for strip in app.screen._compositor.render_strips()]


def worked_desk(log: Timeline, clock: ManualClock, n: int = 3) -> Desk:
    """``n`` incidents worked to their orders, 5 s, 35 s, 65 s… after their calls."""
    desk = make_desk(log)
    for i in range(n):
        call = typed_call(desk, "车子爆胎了", "G50 K800+000", fault="tyre")
        clock.advance(30 * i + 5)
        Autopilot(desk, OP).work_call(call)
    return desk


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_kpi_rows_are_an_aligned_table(log: Timeline, clock: ManualClock,
                                             lang: str) -> None:
    desk = worked_desk(log, clock)
    app = console(desk, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = KpiScreen(desk, lang)
        app.push_screen(screen)
        await until(lambda: app.screen is screen and screen.query("#kpi-table"))
        await pilot.pause()
        lines = screen_lines(app)
        labels = [label for label, _ in measures(screen.report, lang)]
        assert any("Fire & rescue 119" in label or "消防救援 119" in label for label in labels)
        ends = set()
        for label, stat in measures(screen.report, lang):
            row = next(line for line in lines if line.strip().startswith(label + " "))
            start = row.index(label) + len(label)
            rest = row[start:]
            # The label is followed by spaces, then the count, right-aligned in its column.
            assert rest.startswith(" ") and rest.lstrip().startswith(str(stat.count) + " ")
            gap = len(rest) - len(rest.lstrip())
            ends.add(cell_len(row[:start]) + gap + len(str(stat.count)))
        assert len(ends) == 1, f"count column ends at cells {ends}"
        assert not any("receivedn=" in line or "接单n=" in line for line in lines)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("max 1m05s", "min 5s", "first: 20261122-0001 08:00", "last: 20261122-0003 08:01")),
    ("zh", ("最长 1m05s", "最短 5s", "最早：20261122-0001 08:00", "最新：20261122-0003 08:01")),
])
async def test_kpi_sparkline_has_a_labelled_axis(log: Timeline, clock: ManualClock, lang: str,
                                                 words: tuple[str, ...]) -> None:
    desk = worked_desk(log, clock)
    app = console(desk, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = KpiScreen(desk, lang)
        app.push_screen(screen)
        await until(lambda: app.screen is screen and screen.query("#kpi-spark"))
        await pilot.pause()
        lines = screen_lines(app)
        text = "\n".join(lines)
        for word in words:
            assert word in text, word
        # The largest value on the sparkline's top row, the smallest on its bottom row,
        # the first incident at the left under it and the last at the right.
        top = next(i for i, line in enumerate(lines) if words[0] in line)
        bottom = next(i for i, line in enumerate(lines) if words[1] in line)
        assert bottom - top == 3
        axis = lines[bottom + 1]
        assert axis.lstrip().startswith(words[2]) and axis.rstrip().endswith(words[3])


async def test_kpi_without_orders_says_so(log: Timeline) -> None:
    desk = make_desk(log)
    app = console(desk)
    async with app.run_test(size=SIZE) as pilot:
        screen = KpiScreen(desk, "en")
        app.push_screen(screen)
        await until(lambda: app.screen is screen and screen.query("#kpi-spark"))
        await pilot.pause()
        assert "no incident has an order yet" in "\n".join(screen_lines(app))


def _map_desk(log: Timeline) -> tuple[Desk, str, str]:
    """A desk with a P2 incident on G50 and an unprioritised one on G70."""
    desk = make_desk(log)
    call = typed_call(desk, "车子爆胎了", "G50 K800+000", fault="tyre")
    first = Autopilot(desk, OP).work_call(call)
    assert first is not None
    call = typed_call(desk, "有个情况", "G70 K1100+000")
    desk.answer(OP, call)
    second = desk.open_incident(OP, call)
    desk.set_location(OP, second, "G70 K1100+000")
    desk.set_priority(OP, first, 2)
    assert desk.board.incidents[second].priority is None
    return desk, first, second


@pytest.mark.parametrize(("lang", "places"), [("en", ("Wuhan", "Xiaogan", "Shiyan")),
                                              ("zh", ("武汉", "孝感", "十堰"))])
async def test_map_labels_roads_and_places(log: Timeline, lang: str,
                                           places: tuple[str, ...]) -> None:
    desk, _, _ = _map_desk(log)
    app = console(desk, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = MapScreen(desk, None, lang)
        app.push_screen(screen)
        await until(lambda: app.screen is screen and screen.query(MapView))
        await pilot.pause()
        view = screen.query_one(MapView)
        assert (view.size.width, view.size.height) == (120, 37)
        drawn = view.render().plain  # the map alone (the title names the roads too)
        for road in ("G4", "G50", "G70"):
            assert re.search(rf"(?<![\w+]){road}(?!\w)", drawn), road
        for place in places:
            assert place in drawn, place
        legend_line = next(line for line in screen_lines(app)
                           if "P4" in line or "4级" in line)
        assert ("no priority" if lang == "en" else "未定级") in legend_line


def test_the_road_label_stays_in_view_when_zoomed_on_an_incident(log: Timeline) -> None:
    desk, _, second = _map_desk(log)
    where = desk.board.incidents[second].location
    for zoom in (1.0, 4.0, 16.0):
        drawn = draw_map(desk, 118, 34, centre=(where["lat"], where["lon"]), zoom=zoom,
                         selected=second, lang="en").plain
        assert "G70" in drawn, zoom


def test_labels_never_overlap_and_chinese_keeps_the_width(log: Timeline) -> None:
    desk, _, _ = _map_desk(log)
    for lang in ("en", "zh"):
        drawn = draw_map(desk, 118, 34, centre=None, lang=lang)
        lines = drawn.plain.split("\n")
        assert len(lines) == 34 and {cell_len(line) for line in lines} == {118}
    zh = draw_map(desk, 118, 34, centre=None, lang="zh").plain
    assert zh.count("武汉") == 1  # one label per place, not one per desk


def _styles_of(text: object, char: str) -> list[Style]:
    from rich.text import Text

    assert isinstance(text, Text)
    out = []
    for i, ch in enumerate(text.plain):
        if ch == char:
            out.append(text.get_style_at_offset(None, i))  # type: ignore[arg-type]
    return out


def test_unprioritised_incidents_have_their_own_mark_and_colour(log: Timeline) -> None:
    desk, _, _ = _map_desk(log)
    drawn = draw_map(desk, 118, 34, centre=None, lang="en")
    assert drawn.plain.count("○") == 1 and drawn.plain.count("●") == 1
    filled, hollow = incident_mark(2), incident_mark(None)
    assert filled[0] != hollow[0] and filled[1] != hollow[1]
    assert incident_mark(4) != incident_mark(None)
    spans = {drawn.plain[s.start:s.end]: str(s.style) for s in drawn.spans}
    assert spans["○"] == hollow[1] and spans["●"] == filled[1]


def test_every_priority_has_its_colour_on_map_board_and_legend(log: Timeline,
                                                              clock: ManualClock) -> None:
    colours = [PRIORITY_COLOUR[p] for p in (1, 2, 3, 4, 0)]
    assert len(set(colours)) == 5
    for p in (1, 2, 3, 4, 0):
        assert PRIORITY_COLOUR[p] in incident_mark(p or None)[1]
        assert PRIORITY_COLOUR[p] in PRIORITY_STYLE[p]
    for lang in ("en", "zh"):
        shown = legend(lang)
        styles = {str(s.style) for s in shown.spans}
        for p in (1, 2, 3, 4, 0):
            assert any(PRIORITY_COLOUR[p] in s for s in styles), (lang, p)
    desk, first, second = _map_desk(log)
    now = clock.now()
    prio_p2 = row_cells(desk.board.incidents[first], now, None, "en")[1]
    prio_none = row_cells(desk.board.incidents[second], now, None, "en")[1]
    assert prio_p2 == ("P2", PRIORITY_STYLE[2]) and prio_none == ("-", PRIORITY_STYLE[0])
