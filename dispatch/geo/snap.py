"""Snapping points to road segments: the hot path of locating a point.

:class:`Segments` indexes every straight segment of every section in one
STRtree, in the network's equirectangular projection.  A nearest query then
names the segment itself, so the projection on it is a few lines of
arithmetic instead of a second shapely call (``line_locate_point``) and a
search along the section.

Single points take a pure-Python path: on arrays of length one, numpy and
shapely cost more in call overhead than the arithmetic itself.  A grid of
cells (:data:`CELL` wide) along the roads lists, for each cell, the few
segments that can be nearest to a point in it; the point is measured against
those in plain floats.  Off the grid, and on a (near) tie between segments
that would give different answers, the STRtree decides, so one point gets
the answer a batch would.

Each segment, cut in pieces about :data:`JUR_RADIUS` long, also remembers
which jurisdiction surrounds each piece: when the piece buffered by
:data:`JUR_RADIUS` lies inside one polygon and touches no other, every point
that close to it is in that jurisdiction, and the polygon query is skipped.
Near a border a single point is tested against the few polygons its piece
touches (prepared, so each test is cheap); when more than one claims it, and
far from the roads, the polygon query decides, so the answer never differs
from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from geopy.distance import geodesic

#: How close to a segment (projected degrees, ≈ 1.1 km) a point must be for
#: the segment's cached jurisdiction to apply.
JUR_RADIUS = 0.01
# The buffer is a polygon inscribed in the round one (8 segments a quarter
# circle: 1.9 % short at worst); buffering 5 % wider keeps it a superset.
_BUFFER_SLACK = 1.05
# Unknown: near a border or without polygons; ask the polygon tree.
ASK = -2

#: Grid cell size (projected degrees); cells reach :data:`GRID_REACH` off the roads.
CELL = 0.01
GRID_REACH = 0.01
# Distances this close count as a tie, which the STRtree breaks: relative, and
# absolute (projected degrees, ~0.1 µm) well above the rounding of either side.
_TIE_REL = 1e-9
_TIE_ABS = 1e-12

# Per segment, for the scalar path: first vertex, section, ax, ay, dx, dy,
# length², first jurisdiction piece, number of pieces.
_Row = tuple[int, int, float, float, float, float, float, int, int]

# WGS 84.
_A = 6378137.0
_E2 = 6.69437999014e-3
# Beyond this the chord formula drifts (1e-7 relative at 100 km); such points
# are far off the network and rare, so the exact geodesic's cost is no matter.
_CHORD_MAX_M = 50_000.0


def short_geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The geodesic distance in metres (WGS 84) for short distances, in pure Python.

    The straight chord between the two points in Earth-centred coordinates,
    lengthened to the arc of the normal section at the midpoint azimuth
    (``s = c + c³ / 24R²``).  Against geographiclib it agrees to 3e-11
    relative from 100 m to 50 km and to a micrometre below that (rounding
    in the Earth-centred coordinates), checked in ``tests/test_geo_snap.py``,
    at about a fiftieth of geopy's cost, which matters because it runs once
    per located point.  Longer distances use the exact geodesic.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    l1, l2 = math.radians(lon1), math.radians(lon2)
    s1, s2 = math.sin(p1), math.sin(p2)
    c1, c2 = math.cos(p1), math.cos(p2)
    n1 = _A / math.sqrt(1.0 - _E2 * s1 * s1)
    n2 = _A / math.sqrt(1.0 - _E2 * s2 * s2)
    # Longitudes relative to the first point: the chord is the same, and the
    # coordinates stay small where they can.
    dl = l2 - l1
    x = n2 * c2 * math.cos(dl) - n1 * c1
    y = n2 * c2 * math.sin(dl)
    z = (n2 * s2 - n1 * s1) * (1.0 - _E2)
    chord = math.sqrt(x * x + y * y + z * z)
    if chord > _CHORD_MAX_M:
        return float(geodesic((lat1, lon1), (lat2, lon2)).meters)
    # Radius of curvature of the normal section along the line (Euler).
    sm = math.sin((p1 + p2) / 2)
    w = 1.0 - _E2 * sm * sm
    meridional = _A * (1.0 - _E2) / (w * math.sqrt(w))
    normal = _A / math.sqrt(w)
    north = (p2 - p1) * meridional
    east = dl * normal * math.cos((p1 + p2) / 2)
    h2 = north * north + east * east
    if h2 == 0.0:
        return chord
    inv_r = (north * north / meridional + east * east / normal) / h2
    return chord + chord**3 * inv_r * inv_r / 24.0


class Segments:
    """Every straight segment of the network, in one STRtree.

    Args:
        k: The projection's ``cos φ₀`` (x = lon·k, y = lat).
        vlon: Longitudes of every vertex, sections one after the other.
        vlat: Their latitudes.
        bounds: ``(first, end)`` vertex index of each section.
        polys: The jurisdiction polygons (lon/lat), in jurisdiction order.
    """

    def __init__(self, k: float, vlon: np.ndarray, vlat: np.ndarray,
                 bounds: Sequence[tuple[int, int]], polys: np.ndarray) -> None:
        self.k = k
        vertex = [j for a, b in bounds for j in range(a, b - 1)]
        section = [s for s, (a, b) in enumerate(bounds) for _j in range(a, b - 1)]
        self.vertex = np.array(vertex, dtype=np.intp)
        self.section = np.array(section, dtype=np.intp)
        x, y = vlon * k, vlat
        self.ax, self.ay = x[self.vertex], y[self.vertex]
        self.dx, self.dy = x[self.vertex + 1] - self.ax, y[self.vertex + 1] - self.ay
        self.len2 = self.dx**2 + self.dy**2
        lines = shapely.linestrings(
            np.stack([np.column_stack([self.ax, self.ay]),
                      np.column_stack([self.ax + self.dx, self.ay + self.dy])], axis=1))
        self.tree = shapely.STRtree(lines)
        # Pieces of at most JUR_RADIUS: piece p of segment i covers
        # t in [p / n_i, (p + 1) / n_i].
        self.pieces = np.maximum(1, np.ceil(np.sqrt(self.len2) / JUR_RADIUS)).astype(np.intp)
        self.first_piece = np.concatenate([[0], np.cumsum(self.pieces)[:-1]]).astype(np.intp)
        piece_seg = np.repeat(np.arange(len(lines)), self.pieces)
        frac = (np.arange(len(piece_seg)) - self.first_piece[piece_seg]) / self.pieces[piece_seg]
        step = 1.0 / self.pieces[piece_seg]
        x0, y0 = self.ax[piece_seg], self.ay[piece_seg]
        ddx, ddy = self.dx[piece_seg], self.dy[piece_seg]
        piece_lines = shapely.linestrings(np.stack([
            np.column_stack([x0 + frac * ddx, y0 + frac * ddy]),
            np.column_stack([x0 + (frac + step) * ddx, y0 + (frac + step) * ddy])], axis=1))
        self.jur, candidates = _jurisdiction_cache(piece_lines, polys, k)
        self._polys = polys
        for poly in polys:
            shapely.prepare(poly)
        # Plain lists for the scalar path: indexing them is several times
        # cheaper than indexing numpy arrays for one element.
        self._rows: list[_Row] = list(zip(vertex, section, self.ax.tolist(), self.ay.tolist(),
                              self.dx.tolist(), self.dy.tolist(), self.len2.tolist(),
                              self.first_piece.tolist(), self.pieces.tolist(), strict=True))
        self._piece_jur = [int(j) if j != ASK else candidates[p]
                           for p, j in enumerate(self.jur.tolist())]
        self._grid = _Grid(self.tree, self.ax, self.ay, self.dx, self.dy)

    def nearest(self, lat: float, lon: float) -> tuple[int, int, float, int]:
        """The nearest segment to one point.

        Returns:
            ``(vertex, section, t, jurisdiction)``: the segment's first vertex
            index, its section index, the fraction along it of the point's
            projection, and the jurisdiction index if the cache can tell
            (-1 outside all), else :data:`ASK`.
        """
        x = lon * self.k
        rows = self._rows
        i, t, d2 = self._grid.nearest(x, lat, rows)
        if i < 0:
            i = int(self.tree.query_nearest(shapely.Point(x, lat), all_matches=False)[0])
            t, d2 = _project(x, lat, rows[i])
        j, s, _ax, _ay, _dx, _dy, _len2, first, n = rows[i]
        if d2 > JUR_RADIUS * JUR_RADIUS:
            return j, s, t, ASK
        jur = self._piece_jur[first + min(int(t * n), n - 1)]
        if isinstance(jur, int):
            return j, s, t, jur
        # Near a border: the point is in the piece's zone, so only the
        # polygons touching the zone can hold it.
        inside = [c for c in jur if shapely.intersects_xy(self._polys[c], lon, lat)]
        return j, s, t, (inside[0] if len(inside) == 1 else -1 if not inside else ASK)

    def nearest_many(self, lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, ...]:
        """The nearest segment to each point (one STRtree query for all).

        Returns:
            Arrays ``vertex``, ``section``, ``t`` and ``jurisdiction`` as in
            :meth:`nearest`.
        """
        x = lons * self.k
        hit = self.tree.query_nearest(shapely.points(x, lats), all_matches=False)
        i = np.zeros(len(lats), dtype=np.intp)
        i[hit[0]] = hit[1]
        len2 = self.len2[i]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = ((x - self.ax[i]) * self.dx[i] + (lats - self.ay[i]) * self.dy[i]) / len2
        t = np.clip(np.where(len2 > 0, t, 0.0), 0.0, 1.0)
        ex = x - self.ax[i] - t * self.dx[i]
        ey = lats - self.ay[i] - t * self.dy[i]
        piece = self.first_piece[i] + np.minimum((t * self.pieces[i]).astype(np.intp),
                                                 self.pieces[i] - 1)
        jur = np.where(ex * ex + ey * ey > JUR_RADIUS * JUR_RADIUS, ASK, self.jur[piece])
        return self.vertex[i], self.section[i], t, jur


def _project(x: float, y: float, row: _Row) -> tuple[float, float]:
    """Fraction along a segment (``Segments._rows`` entry) of a point's projection, and d²."""
    ax, ay, dx, dy, len2 = row[2:7]
    t = ((x - ax) * dx + (y - ay) * dy) / len2 if len2 > 0.0 else 0.0
    t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    ex, ey = x - ax - t * dx, y - ay - t * dy
    return t, ex * ex + ey * ey


class _Grid:
    """Cells along the roads, each listing the segments that can be nearest in it."""

    def __init__(self, tree: shapely.STRtree, ax: np.ndarray, ay: np.ndarray,
                 dx: np.ndarray, dy: np.ndarray) -> None:
        self.x0 = float(min(ax.min(), (ax + dx).min())) - GRID_REACH - CELL
        self.y0 = float(min(ay.min(), (ay + dy).min())) - GRID_REACH - CELL
        self.nx = int((max(ax.max(), (ax + dx).max()) + GRID_REACH - self.x0) / CELL) + 2
        # Cells around points every half cell along every segment.
        n = np.maximum(1, np.ceil(np.hypot(dx, dy) / (CELL / 2))).astype(np.intp)
        seg = np.repeat(np.arange(len(ax)), n + 1)
        frac = np.concatenate([np.linspace(0.0, 1.0, m + 1) for m in n])
        cx = np.floor((ax[seg] + frac * dx[seg] - self.x0) / CELL).astype(np.intp)
        cy = np.floor((ay[seg] + frac * dy[seg] - self.y0) / CELL).astype(np.intp)
        r = math.ceil(GRID_REACH / CELL)
        around = np.arange(-r, r + 1)
        cells = np.unique(((cy[:, None, None] + around[:, None]) * self.nx
                           + cx[:, None, None] + around[None, :]).ravel())
        gx, gy = cells % self.nx, cells // self.nx
        x0s, y0s = self.x0 + gx * CELL, self.y0 + gy * CELL
        boxes = shapely.box(x0s, y0s, x0s + CELL, y0s + CELL)
        # Every point of a cell is within half a diagonal of its centre, so
        # its nearest segment is no farther than the centre's plus that.
        _, near = tree.query_nearest(shapely.points(x0s + CELL / 2, y0s + CELL / 2),
                                     all_matches=False, return_distance=True)
        reach = near + CELL * math.sqrt(0.5) + 1e-9
        box_i, seg_i = tree.query(boxes, predicate="dwithin", distance=reach)
        lists: dict[int, list[int]] = {}
        for b, sg in zip(cells[box_i].tolist(), seg_i.tolist(), strict=True):
            lists.setdefault(b, []).append(sg)
        self.cells = {c: tuple(sorted(v)) for c, v in lists.items()}
        self.inv = 1.0 / CELL

    def nearest(self, x: float, y: float, rows: list[_Row]) -> tuple[int, float, float]:
        """``(segment, t, d²)`` of the nearest segment, or ``(-1, 0, 0)`` to ask the STRtree."""
        fx, fy = (x - self.x0) * self.inv, (y - self.y0) * self.inv
        if not (0.0 <= fx < self.nx and fy >= 0.0):
            return -1, 0.0, 0.0
        cands = self.cells.get(int(fy) * self.nx + int(fx))
        if cands is None:
            return -1, 0.0, 0.0
        best, bt, bd = -1, 0.0, math.inf
        measured = []
        for i in cands:
            t, d2 = _project(x, y, rows[i])
            measured.append((i, t, d2))
            if d2 < bd:
                best, bt, bd = i, t, d2
        tie = (math.sqrt(bd) + _TIE_ABS) ** 2 * (1.0 + _TIE_REL)
        for i, t, d2 in measured:
            if d2 <= tie and i != best and _differ(rows, best, bt, i, t):
                return -1, 0.0, 0.0
        return best, bt, bd


def _differ(rows: list[_Row], a: int, ta: float, b: int, tb: float) -> bool:
    """Whether two tied segments give different answers (section, or point on the road)."""
    ra, rb = rows[a], rows[b]
    if ra[1] != rb[1]:
        return True
    px, py = ra[2] + ta * ra[4] - rb[2] - tb * rb[4], ra[3] + ta * ra[5] - rb[3] - tb * rb[5]
    return px * px + py * py > 1e-24


def _jurisdiction_cache(lines: np.ndarray, polys: np.ndarray,
                        k: float) -> tuple[np.ndarray, dict[int, tuple[int, ...]]]:
    """The jurisdiction of every point within :data:`JUR_RADIUS` of each line.

    Returns:
        Per line the jurisdiction index, -1 for none, or ``ASK`` when the
        zone touches several polygons; and for those, the polygons touched.
    """
    out = np.full(len(lines), ASK, dtype=np.intp)
    if len(polys) == 0:
        return out, {}
    # The polygons in the lines' projection: scaling x keeps "inside" as is.
    projected = shapely.transform(polys, lambda c: c * np.array([k, 1.0]))
    zones = shapely.buffer(lines, JUR_RADIUS * _BUFFER_SLACK)
    tree = shapely.STRtree(projected)
    touch = tree.query(zones, predicate="intersects")
    inside = tree.query(zones, predicate="within")
    touches = np.bincount(touch[0], minlength=len(lines))
    out[touches == 0] = -1
    # Inside one polygon and touching no other: that polygon, whatever the order.
    alone = touches[inside[0]] == 1
    out[inside[0][alone]] = inside[1][alone]
    candidates: dict[int, list[int]] = {}
    for line, poly in zip(touch[0].tolist(), touch[1].tolist(), strict=True):
        if out[line] == ASK:
            candidates.setdefault(line, []).append(poly)
    return out, {line: tuple(sorted(c)) for line, c in candidates.items()}
