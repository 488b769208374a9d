"""Stake texts in every accepted form, both languages, and each error."""

from __future__ import annotations

import re

import pytest

from dispatch.errors import GeoError
from dispatch.geo import load_map
from dispatch.geo.stake import parse_latlon, parse_stake, road_aliases


@pytest.fixture(scope="module")
def roads():
    return load_map()


@pytest.mark.parametrize(
    ("text", "km"),
    [
        ("G4 K1024+300", 1024.3),
        ("G4 1024.3", 1024.3),
        ("K1024+300 G4", 1024.3),
        ("G4京港澳高速K1024+300", 1024.3),
        ("京港澳高速 1024公里", 1024.0),
        ("京港澳高速1024公里处", 1024.0),
        ("京港澳 K1024", 1024.0),
        ("g4 k1024+300", 1024.3),
        ("G4 K1024 + 300", 1024.3),
        ("Ｇ４ Ｋ１０２４＋３００", 1024.3),  # full-width, as Chinese IMEs type it
        ("京港澳高速公路K1024+300米", 1024.3),
        ("京港澳高速1024公里300米", 1024.3),
        ("G4 1024.3 km", 1024.3),
        ("Jingzhu Expressway K1024+300", 1024.3),
        ("Beijing–Hong Kong–Macau Expressway 1024.3", 1024.3),
        ("在京珠高速K1024+300附近", 1024.3),
        ("G4 K1024.3", 1024.3),
    ],
)
def test_stake_forms(roads, text, km):
    place = roads.locate(text)
    assert place.road == "G4"
    assert place.km == pytest.approx(km, abs=1e-9)
    assert place.section == "g4-xianning"
    assert place.text == text


@pytest.mark.parametrize(
    ("text", "road", "km"),
    [
        ("沪渝高速 K850", "G50", 850.0),
        ("汉宜高速850公里", "G50", 850.0),
        ("G50 Huyu Expressway 850.5", "G50", 850.5),
        ("福银高速K1300+050", "G70", 1300.05),
        ("汉十高速 1300公里", "G70", 1300.0),
        ("Fuyin K1300", "G70", 1300.0),
    ],
)
def test_other_roads_by_name(roads, text, road, km):
    place = roads.locate(text)
    assert (place.road, place.km) == (road, pytest.approx(km))


@pytest.mark.parametrize(
    ("text", "direction", "heading"),
    [
        ("京港澳高速1024公里处往武汉方向", "往武汉方向", "decreasing"),
        ("G4 K1024+300 武汉方向", "武汉方向", "decreasing"),
        ("G4 K1024+300 往长沙方向", "往长沙方向", "increasing"),
        ("G4 K1024+300 往北京方向", "往北京方向", "decreasing"),
        ("G4 K1024+300 northbound", "northbound", "decreasing"),
        ("G4 K1024+300 southbound", "southbound", "increasing"),
        ("G4 K1024+300 向南", "向南", "increasing"),
        ("G4 K1024+300 towards Wuhan", "towards Wuhan", "decreasing"),
        ("G4 K1024+300 Wuhan-bound", "Wuhan-bound", "decreasing"),
        ("G50 K850 westbound", "westbound", "increasing"),
        ("G50 K850 往黄石方向", "往黄石方向", "decreasing"),
        ("G70 K1100 往十堰", "往十堰", "increasing"),
        ("G70 K1100 towards Shiyan", "towards Shiyan", "increasing"),
    ],
)
def test_direction_words_kept_and_resolved(roads, text, direction, heading):
    place = roads.locate(text)
    assert place.direction == direction
    assert place.heading == heading
    assert place.to_location().direction == direction


@pytest.mark.parametrize("words", ["上行", "下行", "下行方向"])
def test_up_down_kept_as_said(roads, words):
    place = roads.locate(f"G4 K1024+300 {words}")
    assert place.direction == words
    assert place.heading is None
    assert any(words[:2] in n for n in place.notes)


def test_direction_towards_unknown_place_is_kept_with_a_note(roads):
    place = roads.locate("G4 K1024+300 往拉萨方向")
    assert place.direction == "往拉萨方向"
    assert place.heading is None
    assert place.notes


def test_latlon_text(roads):
    on = roads.point_at("G4", 1024.3)
    place = roads.locate(f"{on.lat:.7f}, {on.lon:.7f}")
    assert place.road == "G4"
    assert place.km == pytest.approx(1024.3, abs=0.001)
    assert parse_latlon("30.5，114.3") == (30.5, 114.3)
    assert parse_latlon("G4 1024.3") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("G4 K2000+000", re.escape("G4 K2000+000 is outside G4's stakes K803+000 – K1084+557")),
        ("京港澳高速 500公里", re.escape("outside G4's stakes K803+000")),
        ("G9 K100", "unknown road 'G9'"),
        ("京昆高速 K100", "unknown road '京昆高速'"),
        ("Jingkun Expressway K100", "unknown road"),
        ("K1024+300", r"no road in 'K1024\+300'.*G4 \(g4-xianning\)"),
        ("G4", "no stake number"),
        ("京港澳高速", "no stake number"),
        ("G4 K1024+300 G50", "more than one road"),
        ("G4 沪渝高速 K900", "more than one road"),
        ("G4 K1024+300 K1030", "more than one stake"),
        ("G4 K1024+1500", "metres after the km must be < 1000"),
        ("G4 K1024+300 blah", "cannot read 'blah'"),
        ("", "empty place"),
        ("95.0,114.0", "not a latitude"),
        ("114.3,30.5", "the order is lat,lon"),
    ],
)
def test_errors(roads, text, message):
    with pytest.raises(GeoError, match=message):
        roads.locate(text)


def test_point_at_errors(roads):
    with pytest.raises(GeoError, match=r"outside G70's stakes K1020\+000 – K1426\+951"):
        roads.point_at("G70", 10)
    with pytest.raises(GeoError, match=r"unknown road 'G999'.*G4"):
        roads.point_at("G999", 10)
    assert roads.point_at("g4", 1024.3).road == "G4"


def test_parse_stake_alone():
    aliases = road_aliases([("G4", "Jingzhu Expressway", "京珠高速", ["京港澳"])])
    assert ("京珠", "G4") in aliases and ("jingzhu", "G4") in aliases
    q = parse_stake("京珠高速K1024+300往武汉方向", aliases)
    assert (q.road, q.km, q.direction, q.towards) == ("G4", 1024.3, "往武汉方向", "武汉")
    q = parse_stake("K1024+300", aliases)
    assert q.road is None
    q = parse_stake("G4 K1024+300 eastbound 上行", aliases)
    assert (q.compass, q.updown) == ("east", "上行")
    assert q.direction == "上行 eastbound"
