"""The fast paths of locating agree with the exact ones they stand in for."""

from __future__ import annotations

import random

import numpy as np
import pytest
import shapely
from geographiclib.geodesic import Geodesic

from dispatch.geo import load_map
from dispatch.geo.snap import ASK, JUR_RADIUS, short_geodesic_m

ROADS = load_map()


def _near_roads(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points around the vertices (junctions included) at scales from 0 to ~3 km."""
    rng = np.random.default_rng(seed)
    coords = np.array([c for s in ROADS.sections for c in s.coords])
    idx = rng.integers(0, len(coords), n)
    scale = rng.choice([0.0, 1e-6, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2], n)
    lons = coords[idx, 0] + rng.uniform(-1, 1, n) * scale
    lats = coords[idx, 1] + rng.uniform(-1, 1, n) * scale
    return lats, lons


def test_short_geodesic_matches_geographiclib():
    geod = Geodesic.WGS84
    rng = random.Random(5)
    for _ in range(3000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        d = 10 ** rng.uniform(-1, 5)  # 0.1 m to 100 km (beyond 50 km: geopy)
        end = geod.Direct(lat, lon, rng.uniform(0, 360), d)
        exact = geod.Inverse(lat, lon, end["lat2"], end["lon2"])["s12"]
        got = short_geodesic_m(lat, lon, end["lat2"], end["lon2"])
        assert got == pytest.approx(exact, rel=1e-9, abs=1e-6)
    assert short_geodesic_m(30.0, 114.0, 30.0, 114.0) == 0.0


def test_scalar_nearest_matches_the_strtree():
    """Grid or tree, one point snaps to the segment the tree would pick, or to
    another of the same section with the same point on the road (a vertex)."""
    net = ROADS.net
    seg, k = net.segments, net.k
    lats, lons = _near_roads(20_000, 1)
    x = lons * k
    tree_i = seg.tree.query_nearest(shapely.points(x, lats), all_matches=False)[1]
    ti = np.clip(((x - seg.ax[tree_i]) * seg.dx[tree_i]
                  + (lats - seg.ay[tree_i]) * seg.dy[tree_i]) / seg.len2[tree_i], 0, 1)
    want = net._at_segment(seg.section[tree_i], seg.vertex[tree_i], ti, lats, lons)
    for p in range(len(lats)):
        j, s, t, _jur = seg.nearest(float(lats[p]), float(lons[p]))
        assert s == want["section"][p]
        got = net._at_segment(np.array([s]), np.array([j]), np.array([t]), lats[p:p + 1],
                              lons[p:p + 1])
        assert got["km"][0] == pytest.approx(want["km"][p], abs=1e-9)


def _along_roads(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points anywhere along the segments, up to ~1.3 km off: where roads cross borders."""
    rng = np.random.default_rng(seed)
    seg, k = ROADS.net.segments, ROADS.net.k
    i = rng.integers(0, len(seg.ax), n)
    t = rng.uniform(0, 1, n)
    off = rng.uniform(-1.2, 1.2, (2, n)) * JUR_RADIUS
    x = seg.ax[i] + t * seg.dx[i] + off[0]
    return seg.ay[i] + t * seg.dy[i] + off[1], x / k


def test_cached_jurisdictions_match_the_polygons():
    net = ROADS.net
    near, along = _near_roads(10_000, 2), _along_roads(30_000, 2)
    lats, lons = np.concatenate([near[0], along[0]]), np.concatenate([near[1], along[1]])
    exact = net.jurisdictions_at(lats, lons)
    assert (net.project(lats, lons)["jurisdiction"] == exact).all()
    cached = 0
    for p in range(0, len(lats), 2):
        assert net.snap(float(lats[p]), float(lons[p])).jurisdiction == exact[p]
        cached += net.segments.nearest(float(lats[p]), float(lons[p]))[3] != ASK
    assert cached > 0.5 * len(lats) / 2  # the cache does answer near the roads


def test_one_by_one_matches_batch_near_the_roads():
    lats, lons = _near_roads(3000, 3)
    batch = ROADS.locate_many(lats, lons)
    for p in range(len(lats)):
        one = ROADS.locate_point(float(lats[p]), float(lons[p]))
        near = one.nearest or {"section": one.section, "km": one.km}
        assert near["section"] == batch.nearest_section[p]
        assert near["km"] == pytest.approx(batch.nearest_km[p], abs=1e-9)
        assert one.jurisdiction == batch.jurisdiction[p]
        assert one.distance_m == pytest.approx(batch.distance_m[p], rel=2e-3, abs=1e-6)
