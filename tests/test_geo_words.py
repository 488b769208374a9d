"""Locating a caller's words: stake forms, roads, landmarks with offsets and directions,
coordinates, ambiguity, and every landmark of the shipped map (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.cli import main
from dispatch.errors import GeoError
from dispatch.geo import Ambiguous, load_map
from dispatch.geo.landmarks import fold
from dispatch.geo.network import geodesic_m
from dispatch.geo.saying import numerals

ROADS = load_map()
LANDMARKS = ROADS.landmarks


def _at(text: str):  # type: ignore[no-untyped-def]
    return ROADS.locate_text(text)


@pytest.mark.parametrize(("text", "road", "km"), [
    ("G4 K1024+300", "G4", 1024.3),
    ("京港澳高速1024公里300米", "G4", 1024.3),
    ("京港澳一千零二十四公里", "G4", 1024.0),
    ("京港澳高速一千零二十四公里三百米", "G4", 1024.3),
    ("G4 km 1024.3", "G4", 1024.3),
    ("1024.3 km on the G4", "G4", 1024.3),
    ("the Beijing-Hong Kong-Macau expressway, K1024", "G4", 1024.0),
    ("Beijing–Hong Kong–Macau Expressway km 1024.3", "G4", 1024.3),
    ("Jingzhu expressway K1024+300 heading to Wuhan", "G4", 1024.3),
    ("沪渝高速 K800", "G50", 800.0),
])
def test_stake_forms_and_road_names(text: str, road: str, km: float) -> None:
    place = _at(text)
    assert (place.road, place.km) == (road, pytest.approx(km))


def test_numerals_in_words() -> None:
    assert numerals("一千零二十四公里") == "1024公里"
    assert numerals("往南两公里半") == "往南2.5公里"
    assert numerals("一零二四点三公里") == "1024.3公里"
    assert numerals("two km past") == "2 km past"
    assert numerals("第二车道") == "第二车道"  # not a distance


def test_a_stake_without_a_road_is_every_road_that_has_it() -> None:
    with pytest.raises(Ambiguous) as info:
        _at("一千零二十四公里")
    roads = {c.place.road for c in info.value.candidates}
    assert roads == {"G4", "G50", "G70"}
    assert all(c.place.km == pytest.approx(1024.0) for c in info.value.candidates)


@pytest.mark.parametrize(("text", "km", "heading"), [
    ("咸宁服务区往武汉方向2公里", 1025.0, "decreasing"),
    ("2 km past the Xianning exit towards Wuhan", 1029.5, "decreasing"),
    ("two kilometres past the Xianning exit, heading to Wuhan", 1029.5, "decreasing"),
    ("过了大悟收费站", 828.6, None),
    ("just past the Dawu toll station", 828.6, None),
    ("in the tunnel after the Dawu exit", 834.1, "increasing"),
    ("大悟出口后面的隧道里", 834.1, "increasing"),
    ("咸宁北收费站往南两公里", 1020.5, "increasing"),
    ("2 km south of the Xianning North toll station, southbound", 1020.5, "increasing"),
    ("just past the Xianning service area, heading to Wuhan", 1027.0, "decreasing"),
    ("还没到咸宁出口，往长沙方向，500米", 1031.0, "increasing"),
    ("500 m before the Xianning exit towards Changsha", 1031.0, "increasing"),
    ("郑店服务区", 985.5, "increasing"),  # one carriageway only: its direction is known
])
def test_landmarks_with_offsets_and_directions(text: str, km: float, heading: str) -> None:
    place = _at(text)
    assert place.road == "G4" and place.km == pytest.approx(km, abs=1e-6)
    assert place.heading == heading
    if heading:
        assert place.direction  # the direction of travel is kept in the place


def test_the_direction_decides_the_section_and_its_recipients() -> None:
    north = _at("贺胜桥收费站往武汉方向5公里")
    south = _at("贺胜桥收费站往长沙方向5公里")
    assert (north.km, north.section) == (pytest.approx(1007.0), "g4-wuhan")
    assert (south.km, south.section) == (pytest.approx(1017.0), "g4-xianning")
    assert str(north.recipients[next(iter(s for s in north.recipients if s.value == "section"))]) \
        == "section/g4-wuhan"


@pytest.mark.parametrize("text", [
    "30.1,114.3", "at 30.1, 114.3", "30°06'N 114°18'E", "N30 06.0 E114 18.0",
    "N30°06.0' E114°18.0'", "北纬30度06分 东经114度18分", "30.1N 114.3E",
])
def test_coordinates(text: str) -> None:
    place = _at(text)
    assert (place.lat, place.lon) == (pytest.approx(30.1), pytest.approx(114.3))


def test_two_landmarks_of_one_name_are_candidates_not_a_guess() -> None:
    with pytest.raises(Ambiguous) as info:
        _at("孝感服务区")
    assert {c.place.road for c in info.value.candidates} == {"G4", "G70"}
    assert _at("福银高速孝感服务区").road == "G70"
    assert _at("Xiaogan services on the G4").road == "G4"


def test_an_offset_without_a_direction_is_both_ways() -> None:
    with pytest.raises(Ambiguous) as info:
        _at("Xianning exit, 2 km")
    kms = sorted(c.place.km for c in info.value.candidates)
    assert kms == [pytest.approx(1029.5), pytest.approx(1033.5)]
    assert "#1" not in str(info.value) and "1)" in str(info.value)


def test_a_twin_service_area_needs_the_direction() -> None:
    with pytest.raises(Ambiguous) as info:
        _at("咸宁服务区")
    assert {c.place.heading for c in info.value.candidates} == {"increasing", "decreasing"}
    assert _at("Xianning services towards Changsha").km == pytest.approx(1027.2)


def test_each_pick_places_exactly_its_candidate() -> None:
    for text in ("孝感服务区", "Xianning exit, 2 km", "咸宁服务区", "一千零二十四公里"):
        with pytest.raises(Ambiguous) as info:
            _at(text)
        for c in info.value.candidates:
            back = _at(c.pick)
            assert (back.road, back.heading) == (c.place.road, c.place.heading)
            assert back.km == pytest.approx(c.place.km, abs=0.001)


def test_words_that_place_nothing_say_so() -> None:
    with pytest.raises(GeoError, match="no stake, landmark or coordinates"):
        _at("there is smoke everywhere")
    with pytest.raises(GeoError, match="outside G4's stakes"):
        _at("G4 K2000")
    with pytest.raises(GeoError, match="not on G50"):
        _at("沪渝高速咸宁服务区")


def test_evidence_names_the_words() -> None:
    best = ROADS.candidates("咸宁服务区往武汉方向2公里")[0]
    means = {e.words: e.means for e in best.evidence}
    assert "咸宁服务区" in means and "往武汉方向" in means and "2公里" in means


# -- the whole landmark file ------------------------------------------------------------


def _near(text: str, lm, metres: float) -> bool:  # type: ignore[no-untyped-def]
    for c in ROADS.candidates(text):
        if geodesic_m(c.place.lat, c.place.lon, lm.lat, lm.lon) <= metres:
            return True
    return False


@pytest.mark.parametrize("lm", LANDMARKS, ids=lambda lm: lm.id)
def test_every_name_and_alias_of_every_landmark_locates_it(lm) -> None:  # type: ignore[no-untyped-def]
    for word in lm.words:
        found = ROADS.candidates(word)
        assert any(c.landmark is lm for c in found), word
        assert _near(word, lm, 300), word
        if len(found) == 1:
            assert geodesic_m(found[0].place.lat, found[0].place.lon, lm.lat, lm.lon) <= 300


def _towards(lm, heading):  # type: ignore[no-untyped-def]
    sec = ROADS.section(ROADS.locate_text(f"{lm.road} K{lm.km:.3f}").section)
    return sec.towards_increasing if heading == "increasing" else sec.towards_decreasing


ZH_FORMS = ["{name}往{x}方向{d}公里", "{name}往{x}方向{dzh}公里", "过了{name}往{x}方向走了{d}公里",
            "{name}朝{x}方向{d}千米"]
EN_FORMS = ["{d} km past the {name} towards {x}", "{name}, {d} km towards {x}",
            "about {dword} kilometres past {name}, heading to {x}",
            "{d}km after {name} going to {x}"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lm=st.sampled_from(LANDMARKS), data=st.data())
def test_name_plus_two_km_towards_a_place_lands_two_km_along(lm, data) -> None:  # type: ignore[no-untyped-def]
    ways = ["increasing", "decreasing"] if lm.side == "both" else [lm.side]
    heading = data.draw(st.sampled_from(ways))
    towards = _towards(lm, heading)
    zh = data.draw(st.booleans())
    words = [w for w in lm.words if w.isascii() != zh]
    name = data.draw(st.sampled_from(words))
    form = data.draw(st.sampled_from(ZH_FORMS if zh else EN_FORMS))
    text = form.format(name=name, x=towards.zh if zh else towards.en, d=2, dzh="两", dword="two")
    want_km = lm.km + (2.0 if heading == "increasing" else -2.0)
    key = fold(name)
    if any(o.road != lm.road and key in map(fold, o.words) for o in LANDMARKS):
        # One name on two roads: both are candidates (never a guess); this one is among them.
        place = next(c.place for c in ROADS.candidates(text) if c.landmark is lm)
    else:
        place = ROADS.locate_text(text)
    want = ROADS.point_at(lm.road, want_km)
    assert place.road == lm.road and place.heading == heading, text
    assert geodesic_m(place.lat, place.lon, want.lat, want.lon) <= 100, text
    assert place.km == pytest.approx(want_km, abs=0.1), text


# -- the command line ---------------------------------------------------------------------


def test_locate_json_gives_candidates_with_evidence(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["locate", "咸宁服务区往武汉方向2公里", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ambiguous"] is False and data["stake"] == "K1025+000"
    first = data["candidates"][0]
    for key in ("road", "stake", "km", "heading", "direction", "section", "jurisdiction",
                "recipients", "evidence", "landmark", "pick", "score"):
        assert key in first, key
    assert first["section"] == "g4-xianning" and first["jurisdiction"] == "xianning"
    assert first["recipients"]["section"] == "section/g4-xianning"
    assert {"words": "咸宁服务区", "means": first["evidence"][0]["means"]} in first["evidence"]
    assert first["landmark"]["id"] == "g4-xianning-services-n"


def test_locate_ambiguous_lists_and_exits_3(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["locate", "孝感服务区", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["ambiguous"] is True and len(data["candidates"]) == 2
    assert "road" not in data  # no silent guess at the top
    assert main(["locate", "孝感服务区"]) == 3
    out = capsys.readouterr().out
    assert "1) G4 K870+500" in out and "2) G70 K1048+000" in out
