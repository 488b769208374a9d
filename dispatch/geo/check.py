"""``dispatch maps check``: every rule a usable map satisfies.

Errors (exit status 1):

- ``file``, ``properties``, ``geometry``, ``duplicate``: what :func:`read_map`
  finds (unreadable files, bad properties, bad geometry, repeated ids);
- ``stakes``: sections of one road whose stake ranges overlap or leave a gap;
- ``continuity``: sections adjacent in stake whose ends do not meet;
- ``centre``: a section without a road-section centre, or naming one that is
  not a ``section`` station;
- ``coverage``: a section leaving every jurisdiction;
- ``station``: a station outside every jurisdiction;
- ``service``: a jurisdiction without a 110, 119 or 120 desk, or naming a desk
  that is not a station of that service;
- ``overlap``: jurisdictions overlapping each other;
- ``landmark``: a landmark on a road the map lacks, at a stake no section of its road
  holds, farther than :data:`LANDMARK_TOL_M` from its road's point at its stake, or
  whose name or alias is another landmark's on the same road and carriageway.

Warnings: a stake range that disagrees with the line's geodesic length by
more than 2 % (chain breaks happen on real roads, but usually it is a typo),
and a map without an ``ops`` station.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import shapely
from geopy.distance import geodesic

from dispatch.geo.data import (
    CITY_SERVICES,
    JURISDICTIONS,
    STATIONS,
    MapData,
    Problem,
    Section,
    read_map,
)
from dispatch.geo.landmarks import LANDMARKS, fold
from dispatch.model import Address, Service, format_stake

#: Two stake ranges of one road meet when their ends differ by less than this.
STAKE_TOL_KM = 0.001
#: Ends of adjacent sections must lie this close (metres).
MEET_TOL_M = 50.0
#: Stake range vs geodesic length: warn beyond this relative difference.
LENGTH_TOL = 0.02
#: A landmark's point lies this close to its road's point at its stake (metres).
LANDMARK_TOL_M = 50.0
#: Sections are sampled this often (km) to check jurisdiction coverage.
COVER_STEP_KM = 0.5


def check_map(folder: Path | None = None) -> tuple[MapData, list[Problem]]:
    """Run every rule over a map folder.

    Args:
        folder: The map folder; ``None``: the shipped one.

    Returns:
        The data read, and all problems found (errors and warnings).
    """
    data = read_map(folder)
    problems = list(data.problems)
    problems += _stakes(data)
    problems += _centres(data)
    problems += _coverage(data)
    problems += _stations(data)
    problems += _services(data)
    problems += _overlaps(data)
    problems += _lengths(data)
    problems += landmark_problems(data)
    if data.stations and not any(s.service is Service.OPS for s in data.stations):
        problems.append(Problem("ops", STATIONS, "no 'ops' station: outages have nobody to go to",
                                "warning"))
    return data, problems


def _end_at(section: Section, km: float) -> tuple[float, float]:
    """(lon, lat) of the section's end at stake ``km``."""
    first = abs(section.km_start - km) <= abs(section.km_end - km)
    return section.coords[0] if first else section.coords[-1]


def _stakes(data: MapData) -> list[Problem]:
    out = []
    roads: dict[str, list[Section]] = {}
    for s in data.sections:
        roads.setdefault(s.road, []).append(s)
    for road, secs in roads.items():
        secs.sort(key=lambda s: (s.km_min, s.km_max))
        for a, b in itertools.pairwise(secs):
            span = f"{format_stake(a.km_min)} – {format_stake(a.km_max)}"
            other = f"{format_stake(b.km_min)} – {format_stake(b.km_max)}"
            if b.km_min < a.km_max - STAKE_TOL_KM:
                out.append(Problem("stakes", b.where,
                                   f"{road} stakes {other} overlap section {a.id} ({span})"))
            elif b.km_min > a.km_max + STAKE_TOL_KM:
                out.append(Problem(
                    "stakes", b.where,
                    f"{road} has a gap {format_stake(a.km_max)} – {format_stake(b.km_min)} "
                    f"between sections {a.id} and {b.id}",
                ))
            else:
                (lon1, lat1), (lon2, lat2) = _end_at(a, a.km_max), _end_at(b, b.km_min)
                apart = geodesic((lat1, lon1), (lat2, lon2)).meters
                if apart > MEET_TOL_M:
                    out.append(Problem(
                        "continuity", b.where,
                        f"starts {apart:.0f} m away from where section {a.id} ends "
                        f"({road} {format_stake(a.km_max)})",
                    ))
    return out


def _centres(data: MapData) -> list[Problem]:
    centres = {s.id for s in data.stations if s.service is Service.SECTION}
    out = []
    for s in data.sections:
        if not s.centre:
            out.append(Problem("centre", s.where, "has no road-section centre ('centre')"))
        elif s.centre not in centres:
            out.append(Problem("centre", s.where,
                               f"centre {s.centre!r} is not a 'section' station in {STATIONS}"))
    return out


def _coverage(data: MapData) -> list[Problem]:
    if not data.jurisdictions:
        return [Problem("coverage", JURISDICTIONS, "no jurisdictions")]
    tree = shapely.STRtree([j.geometry for j in data.jurisdictions])
    out = []
    for s in data.sections:
        line = shapely.LineString(s.coords)
        n = max(2, int(abs(s.km_end - s.km_start) / COVER_STEP_KM) + 1)
        pts = shapely.line_interpolate_point(line, np.linspace(0, 1, n), normalized=True)
        hit = tree.query(pts, predicate="intersects")
        covered = np.zeros(n, dtype=bool)
        covered[hit[0]] = True
        if not covered.all():
            first = int(np.argmin(covered))
            km = s.km_start + (s.km_end - s.km_start) * first / (n - 1)
            out.append(Problem(
                "coverage", s.where,
                f"leaves every jurisdiction near {s.road} {format_stake(km)} "
                f"({(~covered).sum()} of {n} sample points uncovered)",
            ))
    return out


def _stations(data: MapData) -> list[Problem]:
    if not data.jurisdictions or not data.stations:
        return []
    tree = shapely.STRtree([j.geometry for j in data.jurisdictions])
    pts = shapely.points([s.lon for s in data.stations], [s.lat for s in data.stations])
    hit = tree.query(pts, predicate="intersects")
    inside = set(hit[0].tolist())
    return [
        Problem("station", s.where, f"station {s.address} at {s.lat:.5f},{s.lon:.5f} "
                "lies outside every jurisdiction")
        for i, s in enumerate(data.stations)
        if i not in inside
    ]


def _services(data: MapData) -> list[Problem]:
    known = {s.address for s in data.stations}
    out = []
    for j in data.jurisdictions:
        for svc in CITY_SERVICES:
            unit = j.recipients.get(svc)
            if not unit:
                out.append(
                    Problem("service", j.where, f"names no {svc.value} desk in 'recipients'")
                )
            elif Address(svc, unit) not in known:
                out.append(Problem("service", j.where,
                                   f"{svc.value} desk {unit!r} is not a station in {STATIONS}"))
    return out


def _overlaps(data: MapData) -> list[Problem]:
    geoms = [j.geometry for j in data.jurisdictions]
    if len(geoms) < 2:
        return []
    tree = shapely.STRtree(geoms)
    pairs = tree.query(geoms, predicate="intersects")
    out = []
    for a, b in zip(*pairs.tolist(), strict=True):
        if a >= b:
            continue
        shared = geoms[a].intersection(geoms[b]).area
        # Shared borders are fine; only a real area counts (~1 hectare).
        if shared > 1e-6:
            ja, jb = data.jurisdictions[a], data.jurisdictions[b]
            out.append(Problem("overlap", jb.where, f"overlaps jurisdiction {ja.id}"))
    return out


def _lengths(data: MapData) -> list[Problem]:
    out = []
    for s in data.sections:
        length = sum(
            geodesic((a[1], a[0]), (b[1], b[0])).km
            for a, b in zip(s.coords, s.coords[1:], strict=False)
        )
        stated = abs(s.km_end - s.km_start)
        if length > 0 and abs(stated - length) / length > LENGTH_TOL:
            out.append(Problem(
                "length", s.where,
                f"stake range {stated:.3f} km but the line is {length:.3f} km long "
                "(stakes are scaled along the line)",
                "warning",
            ))
    return out


def landmark_problems(data: MapData) -> list[Problem]:
    """Every landmark on its road at its stake, names unique per road and carriageway."""
    if not data.landmarks:
        return []
    from dispatch.geo.network import Network  # the stake arithmetic locating uses

    roads: dict[str, list[Section]] = {}
    for s in data.sections:
        roads.setdefault(s.road, []).append(s)
    net = Network(data) if data.sections else None
    out = []
    said: dict[tuple[str, str, str], str] = {}
    for lm in data.landmarks:
        secs = roads.get(lm.road)
        if not secs or net is None:
            out.append(Problem("landmark", lm.where, f"road {lm.road!r} is not in roads.geojson"))
            continue
        holding = [s for s in secs if s.km_min - 0.0005 <= lm.km <= s.km_max + 0.0005]
        if not holding:
            spans = ", ".join(f"{s.id} {format_stake(s.km_min)} – {format_stake(s.km_max)}"
                              for s in sorted(secs, key=lambda s: s.km_min))
            out.append(Problem("landmark", lm.where, f"stake {lm.road} {format_stake(lm.km)} "
                               f"is in no section of {lm.road} ({spans})"))
            continue
        lat, lon, _j = net.point_at(net.index[holding[0].id], lm.km)
        off = geodesic((lat, lon), (lm.lat, lm.lon)).meters
        if off > LANDMARK_TOL_M:
            out.append(Problem(
                "landmark", lm.where,
                f"lies {off:,.0f} m from {lm.road} {format_stake(lm.km)} "
                f"({lat:.6f},{lon:.6f}); the tolerance is {LANDMARK_TOL_M:g} m",
            ))
        sides = ("increasing", "decreasing") if lm.side == "both" else (lm.side,)
        for word in lm.words:
            for side in sides:
                key = (lm.road, side, fold(word))
                if key in said and said[key] != lm.id:
                    out.append(Problem("landmark", lm.where, f"name {word!r} is also "
                                       f"landmark {said[key]!r} on {lm.road} ({LANDMARKS})"))
                    break
                said.setdefault(key, lm.id)
    return out
