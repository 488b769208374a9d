"""The desk places from a caller's words; several places are a pick, never a guess;
the gateway's place is checked against what the caller says."""

from __future__ import annotations

import pytest

from dispatch.desk import Operator
from dispatch.errors import AmbiguousPlace
from dispatch.timeline import Timeline
from dispatch.tui.refusals import refusal

from .desklib import make_desk

OP = Operator("op7")
CALLER = {"name": "李明", "phone": "13800000001"}


def _opened(desk, says: str, location=None) -> str:  # type: ignore[no-untyped-def]
    call = desk.receive_call(OP, CALLER, says, location=location)
    desk.answer(OP)
    return desk.open_incident(OP, call)


def _placed(log: Timeline, iid: str):  # type: ignore[no-untyped-def]
    return [e for e in log.incident_events(iid) if e.type == "location_set"]


def test_words_place_an_incident(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _opened(desk, "追尾")
    place = desk.set_location(OP, iid, "咸宁服务区往武汉方向2公里")
    assert (place.road, place.stake, place.heading) == ("G4", "K1025+000", "decreasing")
    event = _placed(log, iid)[-1]
    assert event.data["location"]["direction"] == "往武汉方向"
    assert event.data["recipients"]["section"] == "section/g4-xianning"


def test_ambiguous_words_are_a_pick(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _opened(desk, "追尾")
    with pytest.raises(AmbiguousPlace) as info:
        desk.set_location(OP, iid, "孝感服务区")
    exc = info.value
    assert exc.key == "ambiguous" and len(exc.candidates) == 2
    assert "#1 G4 K870+500" in exc.fields["choices"]
    assert "孝感服务区" in exc.fields["choices_zh"]
    assert "#2" in refusal(exc, desk, "en") and "#2" in refusal(exc, desk, "zh")
    assert not _placed(log, iid)  # nothing recorded: no guess
    place = desk.set_location(OP, iid, exc.candidates[1].pick)
    assert (place.road, place.stake) == ("G70", "K1048+000")


def test_the_callers_words_place_a_call_without_a_gateway_place(log: Timeline) -> None:
    desk = make_desk(log)
    iid = _opened(desk, "过了大悟收费站有车着火了")
    event = _placed(log, iid)[-1]
    assert event.data["from_call"] is True and event.data["location"]["km"] == 828.6


def test_the_gateway_place_is_flagged_when_the_words_disagree(log: Timeline) -> None:
    desk = make_desk(log)
    far = desk.roadmap.point_at("G4", 1060.0)
    iid = _opened(desk, "咸宁服务区往武汉方向2公里，两车相撞",
                  location={"lat": far.lat, "lon": far.lon})
    event = _placed(log, iid)[-1]
    assert event.data["from_call"] is True
    assert event.data["location"]["km"] == pytest.approx(1060.0, abs=0.01)  # the gateway's
    off = event.data["disagrees"]
    assert off["stake"] == "K1025+000" and off["distance_km"] > 2
    assert any("caller's words say" in n for n in event.data["notes"])


def test_the_gateway_place_agrees_with_nearby_words(log: Timeline) -> None:
    desk = make_desk(log)
    near = desk.roadmap.point_at("G4", 1025.5)
    iid = _opened(desk, "咸宁服务区往武汉方向2公里", location={"lat": near.lat, "lon": near.lon})
    assert "disagrees" not in _placed(log, iid)[-1].data
    iid = _opened(desk, "a landmark text gateway", location={"text": "过了大悟收费站"})
    assert _placed(log, iid)[-1].data["location"]["km"] == 828.6
