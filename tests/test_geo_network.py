"""Locating on the shipped demo map: stakes, points, recipients, batch."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.errors import GeoError
from dispatch.geo import load_map
from dispatch.geo.network import local_metres
from dispatch.model import Address, Location, Service


@pytest.fixture(scope="module")
def roads():
    return load_map()


SHIPPED = load_map()
SECTIONS = [s.id for s in SHIPPED.sections]


def test_shipped_network_is_big_enough(roads):
    assert {"G4", "G50", "G70"} <= set(roads.roads)
    assert len(roads.sections) >= 12
    assert len(roads.jurisdictions) >= 5
    assert roads.station("ops/duty").phone


@settings(max_examples=60, deadline=None)
@given(section=st.sampled_from(SECTIONS), frac=st.floats(0, 1))
def test_stake_point_round_trip(section, frac):
    """stake → point → stake within 1 m, on every shipped section."""
    s = SHIPPED.section(section)
    km = s.km_min + frac * (s.km_max - s.km_min)
    place = SHIPPED.point_at(s.road, km)
    back = SHIPPED.locate_point(place.lat, place.lon)
    assert back.distance_m < 1.0
    if back.road == s.road:
        assert abs(back.km - km) * 1000 < 1.0
    else:  # a junction: G70 starts on G4; the point is on both roads
        again = SHIPPED.point_at(back.road, back.km)
        assert geodesic((again.lat, again.lon), (place.lat, place.lon)).meters < 1.0


@settings(max_examples=60, deadline=None)
@given(section=st.sampled_from(SECTIONS), seg=st.integers(0, 100), t=st.floats(0, 1))
def test_stake_agrees_with_geodesic_length(section, seg, t):
    """A point on the line gets the geodesic length along the line, within 0.1 %."""
    s = SHIPPED.section(section)
    i = seg % (len(s.coords) - 1)
    (lon0, lat0), (lon1, lat1) = s.coords[i], s.coords[i + 1]
    lat, lon = lat0 + t * (lat1 - lat0), lon0 + t * (lon1 - lon0)
    along = sum(
        geodesic((a[1], a[0]), (b[1], b[0])).km
        for a, b in zip(s.coords[: i + 1], s.coords[1 : i + 1], strict=False)
    ) + geodesic((lat0, lon0), (lat, lon)).km
    length = abs(s.km_end - s.km_start)
    expected = s.km_start + along * (1 if s.km_end > s.km_start else -1)
    got = SHIPPED.locate_point(lat, lon)
    if got.section == s.id:  # at a shared end the neighbour may answer
        assert abs(got.km - expected) <= 0.001 * length


@settings(max_examples=40, deadline=None)
@given(section=st.sampled_from(SECTIONS), frac=st.floats(0.01, 0.99),
       offset=st.floats(5, 50), left=st.booleans())
def test_side_of_road(section, frac, offset, left):
    """A point beside the road is on the carriageway of right-hand traffic."""
    s = SHIPPED.section(section)
    km = s.km_min + frac * (s.km_max - s.km_min)
    a = SHIPPED.point_at(s.road, km - 0.01 if km - 0.01 >= s.km_min else km)
    b = SHIPPED.point_at(s.road, km + 0.01 if km + 0.01 <= s.km_max else km)
    # Unit normal to the direction of increasing stake, in metres east/north.
    k = np.cos(np.radians(a.lat))
    ex, ny = (b.lon - a.lon) * k, b.lat - a.lat
    norm = np.hypot(ex, ny)
    if norm == 0:
        return
    lx, ly = -ny / norm, ex / norm  # left normal
    sign = 1 if left else -1
    mid = SHIPPED.point_at(s.road, km)
    deg = offset / 111_000
    place = SHIPPED.locate_point(mid.lat + sign * ly * deg, mid.lon + sign * lx * deg / k)
    if place.section == s.id and 1 < place.distance_m < 60:
        assert place.heading == ("decreasing" if left else "increasing")


def test_point_on_g4_in_xianning(roads):
    place = roads.point_at("G4", 1024.3)
    assert place.section == "g4-xianning"
    assert place.jurisdiction == "xianning"
    assert place.stake == "K1024+300"
    assert roads.recipients(place) == {
        Service.POLICE: Address(Service.POLICE, "xianning"),
        Service.FIRE: Address(Service.FIRE, "xianning"),
        Service.AMBULANCE: Address(Service.AMBULANCE, "xianning"),
        Service.SECTION: Address(Service.SECTION, "g4-xianning"),
        Service.OPS: Address(Service.OPS, "duty"),
    }
    assert str(roads.recipient(place, "120")) == "120/xianning"
    assert str(roads.recipient(place, Service.SECTION)) == "section/g4-xianning"


def test_point_with_side_and_distance(roads):
    on = roads.point_at("G50", 850.0)
    place = roads.locate_point(on.lat + 0.0003, on.lon)  # ~33 m north of an E–W road
    assert place.road == "G50" and place.section == "g50-wuhan"
    assert abs(place.km - 850.0) < 0.05
    assert 20 < place.distance_m < 45
    # G50 stakes grow westwards; north of it is the right-hand side going west.
    assert place.heading == "increasing"
    assert "Xiantao" in place.direction
    assert place.on_network


def test_off_network(roads):
    place = roads.locate_point(30.5, 114.3)
    assert not place.on_network
    assert place.road is None and place.km is None and place.section is None
    assert place.distance_m > 500
    assert place.nearest["road"] in roads.roads
    assert place.jurisdiction == "wuhan"
    assert Service.SECTION not in place.recipients
    with pytest.raises(GeoError, match=r"off the road network"):
        roads.recipient(place, Service.SECTION)


def test_off_network_tolerance_is_configurable():
    wide = load_map(off_network_m=20_000)
    assert wide.locate_point(30.5, 114.3).on_network
    with pytest.raises(GeoError, match=r"off_network_m"):
        load_map(off_network_m=0)


def test_outside_every_jurisdiction_uses_nearest_desk(roads):
    place = roads.locate_point(35.0, 120.0)
    assert place.jurisdiction is None
    assert place.recipients[Service.POLICE].service is Service.POLICE
    assert any("nearest" in n for n in place.notes)


def test_distance_is_geodesic(roads):
    on = roads.point_at("G70", 1300.0)
    place = roads.locate_point(on.lat + 0.002, on.lon)
    exact = geodesic((on.lat + 0.002, on.lon), (place.road_lat, place.road_lon)).meters
    assert place.distance_m == pytest.approx(exact, rel=1e-9)


def test_local_metres_close_to_geodesic():
    for dlat, dlon in ((0.001, 0.0), (0.0, 0.01), (0.05, 0.05), (0.2, -0.1)):
        exact = geodesic((30.5, 113.0), (30.5 + dlat, 113.0 + dlon)).meters
        assert float(local_metres(30.5, 113.0, 30.5 + dlat, 113.0 + dlon)) == pytest.approx(
            exact, rel=1e-3)


def test_locate_many_matches_one_by_one(roads):
    rng = np.random.default_rng(4)
    lats = rng.uniform(29.5, 32.6, 300)
    lons = rng.uniform(110.8, 115.1, 300)
    batch = roads.locate_many(lats, lons)
    assert len(batch) == 300
    for i in range(0, 300, 15):
        one = roads.locate_point(lats[i], lons[i])
        assert batch.jurisdiction[i] == one.jurisdiction
        assert batch.on_network[i] == one.on_network
        assert batch.section[i] == one.section
        assert batch.nearest_km[i] == pytest.approx(
            one.km if one.on_network else one.nearest["km"], abs=1e-9)
        assert batch.distance_m[i] == pytest.approx(one.distance_m, rel=2e-3)


def test_locate_many_on_the_roads(roads):
    places = [roads.point_at(s.road, (s.km_min + s.km_max) / 2) for s in roads.sections]
    batch = roads.locate_many([p.lat for p in places], [p.lon for p in places])
    assert list(batch.section) == [s.id for s in roads.sections]
    assert np.allclose(batch.km, [(s.km_min + s.km_max) / 2 for s in roads.sections], atol=1e-6)


def test_locate_many_rejects_bad_input(roads):
    with pytest.raises(GeoError, match=r"latitudes"):
        roads.locate_many([30.0, 30.1], [114.0])
    with pytest.raises(GeoError, match=r"finite"):
        roads.locate_many([float("nan")], [114.0])


def test_locate_point_rejects_bad_input(roads):
    with pytest.raises(GeoError):
        roads.locate_point(91, 114)
    with pytest.raises(GeoError):
        roads.locate_point(float("nan"), 114)


def test_nearest_stations(roads):
    near = roads.nearest_stations(29.84, 114.32, Service.AMBULANCE, n=3)
    assert next(s.address for s, _d in near) == Address(Service.AMBULANCE, "xianning")
    dists = [d for _s, d in near]
    assert dists == sorted(dists) and len(near) == 3
    s0, d0 = near[0]
    assert d0 == pytest.approx(geodesic((29.84, 114.32), (s0.lat, s0.lon)).meters)
    assert roads.nearest_stations(29.84, 114.32, "section", n=0) == []


def test_station_lookup(roads):
    st_ = roads.station("section/g4-xianning")
    assert st_.phone.startswith("0715-0000")
    assert st_.names.zh and st_.names.en
    with pytest.raises(GeoError, match=r"no station"):
        roads.station("120/atlantis")
    with pytest.raises(GeoError):
        roads.station("nonsense")
    with pytest.raises(GeoError, match=r"no road section"):
        roads.section("g9-nowhere")


def test_place_to_location_and_json(roads):
    place = roads.locate("G4 K1024+300 往武汉方向")
    loc = place.to_location()
    assert isinstance(loc, Location)
    assert (loc.road, loc.section, loc.jurisdiction) == ("G4", "g4-xianning", "xianning")
    assert loc.km == pytest.approx(1024.3)
    assert loc.stake == "K1024+300"
    assert loc.direction == "往武汉方向"
    assert loc.text == "G4 K1024+300 往武汉方向"
    data = place.to_json()
    for key in ("road", "section", "km", "lat", "lon", "jurisdiction", "distance_m",
                "recipients"):
        assert key in data
    assert data["recipients"]["120"] == "120/xianning"
    assert data["recipients"]["section"] == "section/g4-xianning"


def test_every_section_has_its_jurisdiction_and_centre(roads):
    for s in roads.sections:
        mid = roads.point_at(s.road, (s.km_min + s.km_max) / 2)
        assert mid.jurisdiction is not None
        assert mid.recipients[Service.SECTION] == Address(Service.SECTION, s.centre)
        for svc in (Service.POLICE, Service.FIRE, Service.AMBULANCE, Service.SECTION):
            roads.station(mid.recipients[svc])  # every recipient has a phone entry


def test_section_boundaries_are_shared(roads):
    for road in roads.roads.values():
        for a, b in zip(road.sections, road.sections[1:], strict=False):
            assert a.km_max == b.km_min
            assert roads.point_at(road.code, a.km_max).section in (a.id, b.id)
