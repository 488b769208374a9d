"""Locating: point → road, section, stake, jurisdiction, against a bare STRtree query.

The baseline is ``STRtree.query_nearest`` on the map's own section lines
(the same tree the map built), one point at a time and all points at once.
"""

from __future__ import annotations

import random
import time

import numpy as np
import shapely

from dispatch.bench.report import Figure, ratio_figure
from dispatch.geo import RoadMap


def sample_points(roadmap: RoadMap, n: int, seed: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points near the roads: a vertex of a random section, jittered up to ~300 m."""
    rng = random.Random(seed)
    coords = [c for s in roadmap.sections for c in s.coords]
    lats, lons = np.empty(n), np.empty(n)
    for i in range(n):
        lon, lat = rng.choice(coords)
        lats[i] = lat + rng.uniform(-0.003, 0.003)
        lons[i] = lon + rng.uniform(-0.003, 0.003)
    return lats, lons


def locate(roadmap: RoadMap, *, one_by_one: int = 5000, batch: int = 50_000) -> list[Figure]:
    """Points located per second, one by one and in one batch.

    Args:
        roadmap: The loaded map.
        one_by_one: Points for :meth:`RoadMap.locate_point`, one call each.
        batch: Points for one :meth:`RoadMap.locate_many` call.

    Returns:
        Two figures, each with target ≥ 0.5 × the bare STRtree.
    """
    net = roadmap.net
    tree, k = net._line_tree, net.k  # the bare baseline queries the very same tree
    lats, lons = sample_points(roadmap, max(one_by_one, batch))
    pts = shapely.points(lons * k, lats)

    def bare_one() -> float:
        start = time.perf_counter()
        for i in range(one_by_one):
            tree.query_nearest(shapely.Point(lons[i] * k, lats[i]), all_matches=False)
        return time.perf_counter() - start

    def real_one() -> float:
        start = time.perf_counter()
        for i in range(one_by_one):
            roadmap.locate_point(float(lats[i]), float(lons[i]))
        return time.perf_counter() - start

    def bare_many() -> float:
        start = time.perf_counter()
        tree.query_nearest(pts[:batch], all_matches=False)
        return time.perf_counter() - start

    def real_many() -> float:
        start = time.perf_counter()
        roadmap.locate_many(lats[:batch], lons[:batch])
        return time.perf_counter() - start

    # Alternate, best of three: the noise on a shared machine only ever adds time.
    b1 = min(bare_one() for _ in range(3))
    r1 = min(real_one() for _ in range(3))
    bn = min(bare_many() for _ in range(3))
    rn = min(real_many() for _ in range(3))
    return [
        ratio_figure("locate/s, one by one", one_by_one / r1, one_by_one / b1, "/s",
                     at_least=0.5),
        ratio_figure("locate/s, in batch", batch / rn, batch / bn, "/s", at_least=0.5),
    ]
