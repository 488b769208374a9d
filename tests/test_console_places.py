"""The console's location field takes what callers say: a place that fits several is
listed for the operator to pick, never guessed; a gateway's place far from the caller's
words is flagged in the pane (en and zh, 120 x 40)."""

from __future__ import annotations

import pytest

from dispatch.timeline import Timeline
from dispatch.tui.pane import IncidentPane

from .consolelib import OP, console, floor, notes, plain, until
from .desklib import make_desk


def _opened(desk, says: str, location=None) -> str:  # type: ignore[no-untyped-def]
    from dispatch.desk import Operator

    call = desk.receive_call(Operator("phone"), {"name": "Li", "phone": "13800000001"}, says,
                             location)
    desk.answer(OP, call)
    return desk.open_incident(OP, call)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_ambiguous_place_is_listed_and_picked(log: Timeline, lang: str) -> None:
    desk = make_desk(log)
    iid = _opened(desk, "两车追尾")
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = floor(app)
        screen.table.select(iid)
        await pilot.press("l")
        await pilot.press(*"孝感服务区")
        pane = screen.query_one(IncidentPane)
        await until(lambda: len(pane.candidates) == 2)
        shown = plain(app, "#parsed")
        assert "#1" in shown and "#2" in shown and "G4" in shown and "G70" in shown
        await pilot.press("enter")  # no guess: refused, nothing placed
        await until(lambda: any("#1" in n for n in notes(app)))
        assert desk.board.incidents[iid].location == {}
        field = screen.query_one("#stake")
        field.value = ""  # type: ignore[attr-defined]
        await pilot.press("#", "2")
        await until(lambda: "G70" in plain(app, "#parsed"))
        await pilot.press("enter")
        await until(lambda: desk.board.incidents[iid].location.get("road") == "G70")
        placed = [e for e in log.incident_events(iid) if e.type == "location_set"]
        assert [e.actor for e in placed] == ["op1"] and "from_call" not in placed[0].data


@pytest.mark.parametrize(("lang", "words"), [("en", "check with the caller"),
                                             ("zh", "请与来电人核实")])
async def test_a_gateway_place_far_from_the_words_is_flagged(log: Timeline, lang: str,
                                                             words: str) -> None:
    desk = make_desk(log)
    far = desk.roadmap.point_at("G4", 1060.0)
    iid = _opened(desk, "咸宁服务区往武汉方向2公里，两车相撞", {"lat": far.lat, "lon": far.lon})
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)):
        floor(app).table.select(iid)
        def shown() -> str:  # the pane breaks its lines to the column: join them
            text = plain(app, "#location")
            return "".join(text.split()) if lang == "zh" else " ".join(text.split())
        await until(lambda: words in shown())
        assert "K1025+000" in shown() and "34.6" in shown()
