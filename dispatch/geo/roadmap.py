"""The public face of ``dispatch.geo``: a loaded map that locates places.

Typical use::

    roads = load_map()                       # the shipped demo map
    place = roads.locate("G4 K1024+300 往武汉方向")
    place.recipients[Service.AMBULANCE]      # Address("120", "xianning")
    roads.station(place.recipients[Service.SECTION]).phone
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dispatch.errors import GeoError
from dispatch.geo.data import Jurisdiction, Names, Section, Station, read_map
from dispatch.geo.desks import Desks
from dispatch.geo.network import Network, Road
from dispatch.geo.place import Heading, Located, Place
from dispatch.geo.snap import short_geodesic_m
from dispatch.geo.stake import StakeText, parse_latlon, parse_stake, road_aliases
from dispatch.geo.words import Candidate, Words
from dispatch.model import Address, Service, format_stake

#: Side of the road is only told this close to the line: farther, the point is
#: as likely a GPS error or a frontage road, and guessing would mislead.
SIDE_MAX_M = 60.0
#: … and not closer either: on the line itself the side is unknown.
SIDE_MIN_M = 1.0

_COMPASS = {"north": (0.0, 1.0), "south": (0.0, -1.0), "east": (1.0, 0.0), "west": (-1.0, 0.0)}


def load_map(folder: Path | None = None, off_network_m: float = 500.0) -> RoadMap:
    """Load and index a map folder.

    Args:
        folder: The folder with the three GeoJSON files; ``None``: the shipped demo map.
        off_network_m: Points farther than this from every road are off the network.

    Raises:
        GeoError: A file is missing or unreadable, or a feature is invalid
            (the message names the file and the feature).  Gaps, missing
            centres and the like do not stop loading: ``dispatch maps check``
            reports those.
    """
    if not off_network_m > 0:
        raise GeoError(f"off_network_m must be > 0, got {off_network_m}")
    data = read_map(folder)
    errors = [p for p in data.problems if p.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise GeoError(
            f"map {data.folder}: {errors[0]}{more}; run 'dispatch maps check {data.folder}'"
        )
    return RoadMap(Network(data), off_network_m, data.folder)


class RoadMap:
    """A loaded map: locate points and stake texts, find recipients and stations."""

    def __init__(self, network: Network, off_network_m: float, folder: Path) -> None:
        self.net = network
        self.off_network_m = off_network_m
        self.folder = folder
        self._aliases = road_aliases(
            (r.code, r.names.en, r.names.zh, r.aliases) for r in network.roads.values()
        )
        self._desks = Desks(network.stations, network.jurisdictions, network.sections)
        self._stations = self._desks.stations
        self._jur_by_id = {j.id: j for j in network.jurisdictions}
        self._words: Words | None = None

    # -- what the map holds ----------------------------------------------------

    @property
    def roads(self) -> dict[str, Road]:
        """Roads by code, each with its sections in stake order."""
        return self.net.roads

    @property
    def sections(self) -> tuple[Section, ...]:
        """Every road section."""
        return self.net.sections

    @property
    def jurisdictions(self) -> tuple[Jurisdiction, ...]:
        """Every jurisdiction."""
        return self.net.jurisdictions

    @property
    def stations(self) -> tuple[Station, ...]:
        """Every station (recipient)."""
        return self.net.stations

    def section(self, section_id: str) -> Section:
        """A section by id.

        Raises:
            GeoError: No such section.
        """
        try:
            return self.net.sections[self.net.index[section_id]]
        except KeyError:
            raise GeoError(f"no road section {section_id!r} in this map") from None

    def station(self, address: Address | str) -> Station:
        """The station of a recipient address (for its phone number).

        Raises:
            GeoError: No such station, or not an address.
        """
        try:
            addr = address if isinstance(address, Address) else Address.parse(address)
        except ValueError as exc:
            raise GeoError(str(exc)) from None
        try:
            return self._stations[addr]
        except KeyError:
            raise GeoError(f"no station {addr} in {self.folder / 'stations.geojson'}") from None

    # -- locating --------------------------------------------------------------

    def locate(self, text: str) -> Place:
        """Locate a stake text (``G4 K1024+300``) or ``lat,lon``.

        Raises:
            GeoError: The text cannot be read or lies outside the map's roads.
        """
        latlon = parse_latlon(text)
        if latlon is not None:
            return self.locate_point(*latlon, text=text)
        return self.parse_stake(text)

    @property
    def words(self) -> Words:
        """The locator of a caller's words (:mod:`dispatch.geo.words`), built on first use."""
        if self._words is None:
            self._words = Words(self)
        return self._words

    def candidates(self, text: str) -> list[Candidate]:
        """Every place a caller's words may mean, best first, with the evidence.

        Raises:
            GeoError: Nothing in the text places it.
        """
        return self.words.candidates(text)

    def locate_text(self, text: str) -> Place:
        """The one place a caller's words mean (what :meth:`locate` reads, and more).

        Raises:
            Ambiguous: Several places differ (``.candidates``, best first).
            GeoError: Nothing in the text places it.
        """
        return self.words.place(text)

    @property
    def landmarks(self) -> tuple:
        """Every landmark (:class:`~dispatch.geo.landmarks.Landmark`) of the map."""
        return self.net.landmarks

    def locate_point(self, lat: float, lon: float, text: str | None = None) -> Place:
        """Locate a point: road, section, stake, side, jurisdiction, recipients.

        Raises:
            GeoError: Not a valid latitude/longitude.
        """
        try:
            flat, flon = float(lat), float(lon)
        except (TypeError, ValueError):
            flat = flon = math.nan
        # NaN fails every comparison, so this also refuses NaN and infinities.
        if not (-90 <= flat <= 90 and -180 <= flon <= 180):
            raise GeoError(f"({lat}, {lon}) is not a latitude/longitude")
        lat, lon = flat, flon
        p = self.net.snap(lat, lon)
        sec = self.net.sections[p.section]
        km, rlat, rlon = p.km, p.road_lat, p.road_lon
        # Geodesic to well under a millimetre at these distances (geopy's
        # exact geodesic cost more than all the rest of locating a point).
        dist = short_geodesic_m(lat, lon, rlat, rlon)
        jur = None if p.jurisdiction < 0 else self.net.jurisdictions[p.jurisdiction]
        on = dist <= self.off_network_m
        heading: Heading | None = None
        direction = None
        notes: list[str] = []
        if not on:
            notes.append(
                f"{dist / 1000:.1f} km from the nearest road ({sec.road} {format_stake(km)}), "
                f"beyond the {self.off_network_m:g} m tolerance: off the network"
            )
        elif SIDE_MIN_M <= dist <= SIDE_MAX_M:
            # Right-hand traffic: right of the increasing direction carries traffic
            # towards increasing stakes.
            heading = "decreasing" if p.left else "increasing"
            direction = _heading_words(sec, heading)
        return self._place(
            lat=lat, lon=lon, text=text, sec=sec if on else None, km=km,
            heading=heading, direction=direction, jur=jur, distance_m=dist,
            road_lat=rlat, road_lon=rlon, notes=notes,
            nearest=None if on else {"road": sec.road, "section": sec.id, "km": km},
        )

    def parse_stake(self, text: str) -> Place:
        """Locate a stake text such as ``京港澳高速1024公里处往武汉方向``.

        Raises:
            GeoError: Unreadable text, unknown road, or a stake outside the
                road's range (the message names the valid range).
        """
        q = parse_stake(text, self._aliases)
        if q.road is None:
            raise GeoError(self._which_road(text, q.km))
        s = self.net.find_section(q.road, q.km)
        sec = self.net.sections[s]
        lat, lon, _j = self.net.point_at(s, q.km)
        heading, notes = self._resolve_heading(s, q)
        return self._place(
            lat=lat, lon=lon, text=text, sec=sec, km=q.km, heading=heading,
            direction=q.direction, jur=self._jurisdiction(lat, lon), distance_m=0.0,
            road_lat=lat, road_lon=lon, notes=notes, nearest=None,
        )

    def point_at(self, road: str, km: float, *, heading: Heading | None = None,
                 direction: str | None = None, text: str | None = None,
                 notes: Sequence[str] = ()) -> Place:
        """The place at stake ``km`` of ``road`` (on the carriageway ``heading``, if known).

        Raises:
            GeoError: Unknown road or stake outside its range.
        """
        s = self.net.find_section(road.strip().upper(), float(km))
        lat, lon, _j = self.net.point_at(s, float(km))
        sec = self.net.sections[s]
        if heading is not None and direction is None:
            direction = _heading_words(sec, heading)
        return self._place(
            lat=lat, lon=lon, text=text, sec=sec, km=float(km), heading=heading,
            direction=direction, jur=self._jurisdiction(lat, lon), distance_m=0.0,
            road_lat=lat, road_lon=lon, notes=list(notes), nearest=None,
        )

    def locate_many(self, lats: Sequence[float] | np.ndarray,
                    lons: Sequence[float] | np.ndarray) -> Located:
        """Locate many points at once (vectorised; for replays and benchmarks).

        Raises:
            GeoError: The arrays differ in length or hold invalid coordinates.
        """
        la = np.asarray(lats, dtype=float).ravel()
        lo = np.asarray(lons, dtype=float).ravel()
        if la.shape != lo.shape:
            raise GeoError(f"{len(la)} latitudes but {len(lo)} longitudes")
        if not (np.isfinite(la).all() and np.isfinite(lo).all()
                and (np.abs(la) <= 90).all() and (np.abs(lo) <= 180).all()):
            raise GeoError("locate_many: every point must be a finite latitude/longitude")
        p = self.net.project(la, lo)
        on = p["distance_m"] <= self.off_network_m
        sec_ids = np.array([s.id for s in self.net.sections], dtype=object)
        roads = np.array([s.road for s in self.net.sections], dtype=object)
        jur_ids = np.array([j.id for j in self.net.jurisdictions] + [None], dtype=object)
        jur = p["jurisdiction"]
        return Located(
            lat=la, lon=lo,
            road=np.where(on, roads[p["section"]], None),
            section=np.where(on, sec_ids[p["section"]], None),
            km=np.where(on, p["km"], np.nan),
            distance_m=p["distance_m"],
            on_network=on,
            jurisdiction=jur_ids[jur],  # -1 picks the trailing None
            nearest_section=sec_ids[p["section"]],
            nearest_km=p["km"],
            road_lat=p["road_lat"], road_lon=p["road_lon"],
        )

    def _which_road(self, text: str, km: float) -> str:
        """The error for a stake without a road, naming the roads it could be on."""
        could = [
            f"{r.code} ({s.id})"
            for r in self.roads.values()
            for s in r.sections
            if s.km_min - 0.0005 <= km <= s.km_max + 0.0005
        ]
        where = f"; {format_stake(km)} is on {', '.join(could)}" if could else ""
        return f"no road in {text!r}: write it as 'G4 K1024+300'{where}"

    # -- recipients --------------------------------------------------------------

    def recipients(self, place: Place) -> dict[Service, Address]:
        """Who takes a job at ``place``, per service (services with nobody are left out)."""
        return dict(place.recipients)

    def recipient(self, place: Place, service: Service | str) -> Address:
        """The address of ``service`` for ``place`` (``120/xianning``, ``section/g4-xianning``).

        Raises:
            GeoError: Nobody of that service covers the place.
        """
        svc = Service(service)
        try:
            return place.recipients[svc]
        except KeyError:
            why = ("the place is off the road network" if svc is Service.SECTION
                   and not place.on_network else "the map names none")
            raise GeoError(f"no {svc.label['en']} for {_where(place)}: {why}") from None

    def nearest_stations(
        self, lat: float, lon: float, service: Service | str, n: int = 3
    ) -> list[tuple[Station, float]]:
        """The ``n`` nearest stations of a service, with geodesic distance in metres."""
        return self._desks.nearest_stations(lat, lon, Service(service), n)

    # -- helpers -------------------------------------------------------------------

    def _jurisdiction(self, lat: float, lon: float) -> Jurisdiction | None:
        i = int(self.net.jurisdictions_at(np.array([lat]), np.array([lon]))[0])
        return None if i < 0 else self.net.jurisdictions[i]

    def _place(self, *, sec: Section | None, jur: Jurisdiction | None, km: float,
               notes: list[str], **fields: object) -> Place:
        lat, lon = float(fields["lat"]), float(fields["lon"])  # type: ignore[arg-type]
        recipients = self._desks.recipients(lat, lon, jur, sec, notes)
        return Place(
            road=sec.road if sec else None,
            road_names=sec.road_names if sec else None,
            section=sec.id if sec else None,
            section_names=sec.names if sec else None,
            km=km if sec else None,
            on_network=sec is not None,
            jurisdiction=jur.id if jur else None,
            jurisdiction_names=jur.names if jur else None,
            recipients=recipients,
            notes=tuple(notes),
            **fields,  # type: ignore[arg-type]
        )

    def _resolve_heading(self, s: int, q: StakeText) -> tuple[Heading | None, list[str]]:
        """Which carriageway the direction words mean, if the map can tell."""
        sec = self.net.sections[s]
        if q.towards:
            target = self._target_km(sec, q.towards, q.km)
            if target is not None and abs(target - q.km) > 0.05:
                return ("increasing" if target > q.km else "decreasing"), []
            return None, [f"direction {q.direction!r}: {q.towards!r} is not a place "
                          f"along {sec.road} on this map"]
        if q.compass:
            ex, ny = self.net.increasing_vector(s)
            cx, cy = _COMPASS[q.compass]
            cos = (ex * cx + ny * cy) / (math.hypot(ex, ny) or 1.0)
            if cos > 0.3:
                return "increasing", []
            if cos < -0.3:
                return "decreasing", []
            return None, [f"{sec.road} runs across {q.compass}: {q.direction!r} is ambiguous"]
        if q.updown:
            return None, [f"{q.updown} kept as said: which carriageway it means varies"]
        return None, []

    def _target_km(self, sec: Section, name: str, km: float) -> float | None:
        """The stake on ``sec``'s road that a place name lies towards."""
        key = name.strip().lower()
        road = self.net.roads[sec.road]
        ordered = sorted(road.sections, key=lambda x: abs((x.km_min + x.km_max) / 2 - km))
        for other in ordered:
            if _named(other.towards_increasing, key):
                return other.km_max
            if _named(other.towards_decreasing, key):
                return other.km_min
        for j in self.net.jurisdictions:
            if _named(j.names, key) or j.id == key:
                unit = j.recipients.get(Service.POLICE)
                desk = self._stations.get(Address(Service.POLICE, unit)) if unit else None
                lat, lon = (desk.lat, desk.lon) if desk else _rep(j)
                return self.net.project_on_road(sec.road, lat, lon)
        return None


def _named(names: Names | None, key: str) -> bool:
    if names is None:
        return False
    return key in (names.en.lower(), names.zh, names.zh.removesuffix("市"))


def _rep(j: Jurisdiction) -> tuple[float, float]:
    p = j.geometry.representative_point()
    return p.y, p.x


def _heading_words(sec: Section, heading: Heading) -> str:
    names = sec.towards_increasing if heading == "increasing" else sec.towards_decreasing
    if names and (names.en or names.zh):
        parts = [f"往{names.zh}方向" if names.zh else "", f"towards {names.en}" if names.en else ""]
        return " / ".join(p for p in parts if p)
    return f"{heading} stake"


def _where(place: Place) -> str:
    if place.road and place.km is not None:
        return f"{place.road} {format_stake(place.km)}"
    return f"{place.lat:.5f},{place.lon:.5f}"
