"""The road network index: nearest section, linear referencing, stakes.

Geometry is indexed in an equirectangular projection about the network's mean
latitude (x = lon·cos φ₀, y = lat).  Within a province that keeps angles and
ratios along short segments close to true, so the nearest line and the
fraction along a segment are right; lengths are never taken from it.  Stakes
come from geodesic lengths instead: each segment's geodesic length is computed
once at load (geopy), and within a segment the stake is interpolated linearly,
which is exact to well under a metre for segments of a few kilometres.  The
same interpolation is used in both directions, so stake → point → stake is
exact up to rounding.  Finding the nearest segment is :mod:`dispatch.geo.snap`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely
from geopy.distance import geodesic

from dispatch.errors import GeoError
from dispatch.geo.data import Jurisdiction, MapData, Names, Section, Station
from dispatch.geo.snap import ASK, Segments
from dispatch.model import format_stake

# WGS 84 ellipsoid, for the local (short-distance) metric of batch distances.
_A = 6378137.0
_E2 = 6.69437999014e-3
# Stakes are written to the metre; half a metre beyond a range still counts.
_KM_EPS = 0.0005


def local_metres(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
    """Distance in metres on the WGS 84 ellipsoid, vectorised, for short distances.

    Uses the meridional and normal radii of curvature at the mean latitude:
    within 0.1 % of the geodesic up to some tens of kilometres, which is all
    that "how far off the road" needs.  Works on scalars and numpy arrays.
    """
    lat1, lon1, lat2, lon2 = (np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2))
    phi = np.radians((lat1 + lat2) / 2)
    w = 1 - _E2 * np.sin(phi) ** 2
    meridional = _A * (1 - _E2) / w**1.5
    normal = _A / np.sqrt(w)
    dy = np.radians(lat2 - lat1) * meridional
    dx = np.radians(lon2 - lon1) * normal * np.cos(phi)
    return np.hypot(dx, dy)


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The geodesic distance in metres (WGS 84), exact; not for hot loops."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)


class Snapped(NamedTuple):
    """One point snapped to the network (see :meth:`Network.snap`)."""

    section: int
    km: float
    road_lat: float
    road_lon: float
    left: bool
    jurisdiction: int


@dataclass(frozen=True)
class Road:
    """A road of the map: its sections in stake order."""

    code: str
    names: Names
    aliases: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def ranges(self) -> list[tuple[float, float]]:
        """The stake ranges covered, adjacent sections merged, in km."""
        out: list[tuple[float, float]] = []
        for s in self.sections:
            if out and s.km_min <= out[-1][1] + _KM_EPS:
                out[-1] = (out[-1][0], max(out[-1][1], s.km_max))
            else:
                out.append((s.km_min, s.km_max))
        return out

    def describe_ranges(self) -> str:
        """The ranges as text: ``K803+000 – K1084+557``."""
        return ", ".join(f"{format_stake(a)} – {format_stake(b)}" for a, b in self.ranges)


class Network:
    """Section geometry, its spatial indexes and the stake arithmetic.

    Built once from a :class:`MapData`; queries are vectorised numpy and
    shapely (:meth:`snap`, for one point, plain floats), with no geodesic calls.
    """

    def __init__(self, data: MapData) -> None:
        if not data.sections:
            raise GeoError(f"{data.folder}: no road sections in roads.geojson")
        self.sections: tuple[Section, ...] = tuple(data.sections)
        self.jurisdictions: tuple[Jurisdiction, ...] = tuple(data.jurisdictions)
        self.stations: tuple[Station, ...] = tuple(data.stations)
        self.landmarks: tuple = tuple(data.landmarks)  # dispatch.geo.landmarks.Landmark
        lats = np.concatenate([np.array(s.coords)[:, 1] for s in self.sections])
        self.k = math.cos(math.radians(float((lats.min() + lats.max()) / 2)))

        lon_l, lat_l, key_l, geo_l, v0, v1, base, total = [], [], [], [], [], [], [], []
        offset = 0.0
        count = 0
        lines = []
        for s in self.sections:
            xy = np.array(s.coords, dtype=float)
            px, py = xy[:, 0] * self.k, xy[:, 1]
            cum_proj = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(px), np.diff(py)))])
            # Geodesic per segment, once, at load time.
            seg_km = [
                geodesic((a[1], a[0]), (b[1], b[0])).km
                for a, b in zip(s.coords, s.coords[1:], strict=False)
            ]
            cum_geo = np.concatenate([[0.0], np.cumsum(seg_km)])
            lon_l.append(xy[:, 0])
            lat_l.append(xy[:, 1])
            key_l.append(offset + cum_proj)
            geo_l.append(cum_geo)
            v0.append(count)
            v1.append(count + len(xy))
            base.append(offset)
            total.append(cum_geo[-1])
            lines.append(shapely.LineString(np.column_stack([px, py])))
            count += len(xy)
            # A gap between sections keeps each section's keys apart.
            offset += cum_proj[-1] + 1.0
        self._vlon = np.concatenate(lon_l)
        self._vlat = np.concatenate(lat_l)
        self._key = np.concatenate(key_l)
        self._geo = np.concatenate(geo_l)
        self._v0 = np.array(v0)
        self._v1 = np.array(v1)
        self._base = np.array(base)
        self.length_km = np.array(total)
        self._kms = np.array([s.km_start for s in self.sections])
        self._kme = np.array([s.km_end for s in self.sections])
        self._lines = np.array(lines, dtype=object)
        # Whole sections, for queries along one road; locating uses segments.
        self._line_tree = shapely.STRtree(self._lines)
        self._polys = np.array([j.geometry for j in self.jurisdictions], dtype=object)
        self._poly_tree = shapely.STRtree(self._polys)
        self.segments = Segments(self.k, self._vlon, self._vlat,
                                 list(zip(v0, v1, strict=True)), self._polys)
        # Scalar copies for the one-point path (see Segments.nearest).
        self._py = tuple(a.tolist() for a in (self._vlon, self._vlat, self._geo))
        self._py_sec = list(zip(self._kms.tolist(), self._kme.tolist(),
                                self.length_km.tolist(), strict=True))

        roads: dict[str, list[Section]] = {}
        for s in self.sections:
            roads.setdefault(s.road, []).append(s)
        self.roads: dict[str, Road] = {}
        for code, secs in sorted(roads.items(), key=lambda kv: _road_sort(kv[0])):
            secs.sort(key=lambda s: s.km_min)
            aliases = tuple(dict.fromkeys(a for s in secs for a in s.aliases))
            self.roads[code] = Road(code, secs[0].road_names, aliases, tuple(secs))
        self.index = {s.id: i for i, s in enumerate(self.sections)}

    # -- point → section, stake -------------------------------------------------

    def project(self, lats: np.ndarray, lons: np.ndarray) -> dict[str, np.ndarray]:
        """Snap points to the nearest section (one STRtree query for all).

        Returns:
            Arrays ``section`` (index), ``km``, ``road_lat``, ``road_lon``,
            ``distance_m`` (local metric), ``left`` (the point lies left of the
            direction of increasing stake), ``vertex`` (segment start index)
            and ``jurisdiction`` (index of the one covering the point, -1
            outside all).
        """
        j, sec, t, jur = self.segments.nearest_many(lats, lons)
        out = self._at_segment(sec, j, t, lats, lons)
        ask = jur == ASK
        if ask.any():
            jur[ask] = self.jurisdictions_at(lats[ask], lons[ask])
        out["jurisdiction"] = jur
        return out

    def snap(self, lat: float, lon: float) -> Snapped:
        """Snap one point to the nearest section: :meth:`project` without numpy.

        Numpy on arrays of one element costs more in call overhead than the
        arithmetic, so the same formulas run here on plain floats.
        """
        j, s, t, jur = self.segments.nearest(lat, lon)
        vlon, vlat, cum = self._py
        kms, kme, length = self._py_sec[s]
        geo = cum[j] + t * (cum[j + 1] - cum[j])
        rlon = vlon[j] + t * (vlon[j + 1] - vlon[j])
        rlat = vlat[j] + t * (vlat[j + 1] - vlat[j])
        cross = ((vlon[j + 1] - vlon[j]) * (lat - rlat)
                 - (vlat[j + 1] - vlat[j]) * (lon - rlon)) * self.k
        if jur == ASK:
            jur = int(self.jurisdictions_at(np.array([lat]), np.array([lon]))[0])
        return Snapped(
            section=s, km=kms + (kme - kms) * geo / length, road_lat=rlat, road_lon=rlon,
            left=cross * (kme - kms) > 0, jurisdiction=jur,
        )

    def project_on(self, section: int, lat: float, lon: float) -> float:
        """The stake (km) of a point's projection on one given section."""
        pt = shapely.Point(lon * self.k, lat)
        sec = np.array([section])
        along = np.array([self._lines[section].project(pt)])
        out = self._at_projected(sec, along, np.array([lat]), np.array([lon]))
        return float(out["km"][0])

    def project_on_road(self, road: str, lat: float, lon: float) -> float:
        """The stake (km) of a point's projection on the nearest section of ``road``."""
        pt = shapely.Point(lon * self.k, lat)
        idx = [self.index[s.id] for s in self.roads[road].sections]
        best = min(idx, key=lambda i: self._lines[i].distance(pt))
        return self.project_on(best, lat, lon)

    def _at_projected(
        self, sec: np.ndarray, along: np.ndarray, lats: np.ndarray, lons: np.ndarray
    ) -> dict[str, np.ndarray]:
        g = self._base[sec] + along
        j = np.searchsorted(self._key, g, side="right") - 1
        j = np.clip(j, self._v0[sec], self._v1[sec] - 2)
        span = self._key[j + 1] - self._key[j]
        t = np.clip((g - self._key[j]) / span, 0.0, 1.0)
        return self._at_segment(sec, j, t, lats, lons)

    def _at_segment(
        self, sec: np.ndarray, j: np.ndarray, t: np.ndarray, lats: np.ndarray, lons: np.ndarray
    ) -> dict[str, np.ndarray]:
        geo = self._geo[j] + t * (self._geo[j + 1] - self._geo[j])
        km = self._kms[sec] + (self._kme[sec] - self._kms[sec]) * geo / self.length_km[sec]
        rlon = self._vlon[j] + t * (self._vlon[j + 1] - self._vlon[j])
        rlat = self._vlat[j] + t * (self._vlat[j + 1] - self._vlat[j])
        # Side of the line from the sign of the cross product (projected space),
        # turned to the direction of increasing stake.
        sx = (self._vlon[j + 1] - self._vlon[j]) * self.k
        sy = self._vlat[j + 1] - self._vlat[j]
        cross = sx * (lats - rlat) - sy * (lons - rlon) * self.k
        left = cross * np.sign(self._kme[sec] - self._kms[sec]) > 0
        return {
            "section": sec,
            "km": km,
            "road_lat": rlat,
            "road_lon": rlon,
            "distance_m": local_metres(lats, lons, rlat, rlon),
            "left": left,
            "vertex": j,
        }

    # -- stake → point ------------------------------------------------------------

    def find_section(self, road: str, km: float) -> int:
        """The section of ``road`` holding stake ``km``.

        Raises:
            GeoError: Unknown road, or a stake outside every section's range.
        """
        info = self.roads.get(road)
        if info is None:
            known = ", ".join(f"{r.code} {r.names}" for r in self.roads.values())
            raise GeoError(f"unknown road {road!r}; this map has {known}")
        for s in info.sections:
            if s.km_min - _KM_EPS <= km <= s.km_max + _KM_EPS:
                return self.index[s.id]
        raise GeoError(
            f"{road} {format_stake(km)} is outside {road}'s stakes {info.describe_ranges()}"
        )

    def point_at(self, section: int, km: float) -> tuple[float, float, int]:
        """The (lat, lon) at stake ``km`` on a section, and its segment index."""
        kms, kme = self._kms[section], self._kme[section]
        frac = min(max((km - kms) / (kme - kms), 0.0), 1.0)
        geo = frac * self.length_km[section]
        a, b = self._v0[section], self._v1[section]
        j = int(np.searchsorted(self._geo[a:b], geo, side="right")) - 1 + a
        j = min(max(j, a), b - 2)
        seg = self._geo[j + 1] - self._geo[j]
        t = (geo - self._geo[j]) / seg
        lat = self._vlat[j] + t * (self._vlat[j + 1] - self._vlat[j])
        lon = self._vlon[j] + t * (self._vlon[j + 1] - self._vlon[j])
        return float(lat), float(lon), j

    def increasing_vector(self, section: int) -> tuple[float, float]:
        """East and north components of the section's chord, in increasing stake."""
        a, b = self._v0[section], self._v1[section] - 1
        dx = (self._vlon[b] - self._vlon[a]) * self.k
        dy = self._vlat[b] - self._vlat[a]
        sign = 1.0 if self._kme[section] > self._kms[section] else -1.0
        return float(dx * sign), float(dy * sign)

    # -- jurisdictions -----------------------------------------------------------

    def jurisdictions_at(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Index of the jurisdiction covering each point, -1 outside all."""
        out = np.full(len(lats), -1, dtype=np.intp)
        if len(self._polys) == 0:
            return out
        hit = self._poly_tree.query(shapely.points(lons, lats), predicate="intersects")
        # Reversed assignment: the first match per point wins (shared borders).
        out[hit[0][::-1]] = hit[1][::-1]
        return out


def _road_sort(code: str) -> tuple[str, int, str]:
    digits = "".join(c for c in code[1:] if c.isdigit())
    return (code[0], int(digits or 0), code)
