"""Reading the map folder: three GeoJSON files, validated feature by feature.

The map is ``roads.geojson`` (one LineString per road section),
``jurisdictions.geojson`` (the Polygons whose 110/119/120 desks cover them),
``stations.geojson`` (a Point per recipient) and, optional, ``landmarks.geojson``
(:mod:`dispatch.geo.landmarks`).  Coordinates are WGS 84 lon/lat.

:func:`read_map` never stops at the first fault: it returns every feature it
could read and a :class:`Problem` for each one it could not, so that
``dispatch maps check`` can report them all.  :func:`dispatch.geo.load_map`
refuses a map with any such problem.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import shapely
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from shapely.geometry.base import BaseGeometry

from dispatch.model import Address, Service
from dispatch.paths import shipped

ROADS = "roads.geojson"
JURISDICTIONS = "jurisdictions.geojson"
STATIONS = "stations.geojson"
FILES = (ROADS, JURISDICTIONS, STATIONS)

#: Services a jurisdiction must name a desk for.
CITY_SERVICES = (Service.POLICE, Service.FIRE, Service.AMBULANCE)

_UNIT = r"^[a-z0-9][a-z0-9_-]{0,63}$"
# National (G) and provincial (S) expressway codes: G4, G50, G4W2, S38.
_ROAD = r"^[GS][0-9]{1,4}(?:[A-Z][0-9]{0,2})?$"


def shipped_maps() -> Path:
    """The demo map folder shipped at the top of the repository."""
    return shipped("maps")


@dataclass(frozen=True)
class Problem:
    """One fault in a map, naming the file and the feature."""

    rule: str
    where: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Names(BaseModel):
    """A name in English and Chinese (either may be empty, not both)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str = ""
    zh: str = ""

    def __str__(self) -> str:
        if self.en and self.zh:
            return f"{self.zh} {self.en}"
        return self.en or self.zh


class _Props(BaseModel):
    # Extra properties are allowed: a GIS export carries its own fields.
    model_config = ConfigDict(frozen=True, extra="ignore")


class SectionProps(_Props):
    """Properties of a road-section feature in ``roads.geojson``."""

    road: str = Field(pattern=_ROAD)
    en: str = ""
    zh: str = ""
    aliases: tuple[str, ...] = ()
    section: str = Field(pattern=_UNIT)
    section_en: str = ""
    section_zh: str = ""
    centre: str | None = None
    km_start: float = Field(ge=0)
    km_end: float = Field(ge=0)
    towards_decreasing: Names | None = None
    towards_increasing: Names | None = None

    @field_validator("road", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("centre", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class JurisdictionProps(_Props):
    """Properties of a jurisdiction feature: ``recipients`` maps service → unit id."""

    id: str = Field(pattern=_UNIT)
    en: str = ""
    zh: str = ""
    recipients: dict[Service, str] = {}

    @field_validator("recipients")
    @classmethod
    def _units(cls, value: dict[Service, str]) -> dict[Service, str]:
        for service, unit in value.items():
            Address(service, unit)  # raises ValueError with a clear message
        return value


class StationProps(_Props):
    """Properties of a station (recipient) feature."""

    id: str = Field(pattern=_UNIT)
    service: Service
    en: str = ""
    zh: str = ""
    phone: str = ""


@dataclass(frozen=True, eq=False)
class Section:
    """One road section: a line with the stake at its first and last vertex."""

    id: str
    road: str
    road_names: Names
    aliases: tuple[str, ...]
    names: Names
    centre: str | None
    km_start: float
    km_end: float
    coords: tuple[tuple[float, float], ...]  # (lon, lat), repeated vertices removed
    towards_decreasing: Names | None
    towards_increasing: Names | None
    where: str

    @property
    def km_min(self) -> float:
        """The smaller stake of the section."""
        return min(self.km_start, self.km_end)

    @property
    def km_max(self) -> float:
        """The larger stake of the section."""
        return max(self.km_start, self.km_end)


@dataclass(frozen=True, eq=False)
class Jurisdiction:
    """An area whose 110/119/120 desks take the jobs inside it."""

    id: str
    names: Names
    recipients: dict[Service, str]
    geometry: BaseGeometry
    where: str


@dataclass(frozen=True, eq=False)
class Station:
    """A recipient's place, names and fallback phone number."""

    address: Address
    names: Names
    phone: str
    lon: float
    lat: float
    where: str

    @property
    def service(self) -> Service:
        """The station's service."""
        return self.address.service

    @property
    def id(self) -> str:
        """The station's unit id."""
        return self.address.unit


@dataclass
class MapData:
    """Everything read from a map folder, and what could not be read."""

    folder: Path
    sections: list[Section] = field(default_factory=list)
    jurisdictions: list[Jurisdiction] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)
    landmarks: list[Any] = field(default_factory=list)  # Landmark (optional file)
    problems: list[Problem] = field(default_factory=list)


def read_map(folder: Path | None = None) -> MapData:
    """Read and validate the three files of a map folder.

    Args:
        folder: The map folder; ``None`` reads the shipped demo map.

    Returns:
        The features that are valid, and one :class:`Problem` per fault.
    """
    folder = Path(folder) if folder is not None else shipped_maps()
    data = MapData(folder=folder)
    readers = ((ROADS, _section), (JURISDICTIONS, _jurisdiction), (STATIONS, _station))
    for name, build in readers:
        for where, feature in _features(folder / name, data.problems):
            try:
                item = build(where, feature)
            except _Bad as exc:
                data.problems.append(Problem(exc.rule, where, exc.message))
                continue
            if isinstance(item, Section):
                data.sections.append(item)
            elif isinstance(item, Jurisdiction):
                data.jurisdictions.append(item)
            else:
                data.stations.append(item)
    _duplicates(data)
    from dispatch.geo.landmarks import read_landmarks  # it builds on this module

    data.landmarks = read_landmarks(folder, data.problems)
    return data


class _Bad(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _features(path: Path, problems: list[Problem]) -> list[tuple[str, dict[str, Any]]]:
    """The features of one file, each with a label naming file, index and id."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem("file", str(path), "missing"))
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem("file", str(path), f"cannot be read: {exc}"))
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
        doc.get("features"), list
    ):
        problems.append(Problem("file", str(path), "is not a GeoJSON FeatureCollection"))
        return []
    out = []
    for index, feature in enumerate(doc["features"]):
        props = feature.get("properties") if isinstance(feature, dict) else None
        ident = None
        if isinstance(props, dict):
            ident = props.get("section") or props.get("id")
        label = f"{path.name} feature {index}" + (f" ({ident})" if ident else "")
        if not isinstance(feature, dict) or not isinstance(props, dict):
            problems.append(Problem("properties", label, "not a Feature with properties"))
            continue
        out.append((label, feature))
    return out


def _props(model: type[BaseModel], feature: dict[str, Any]) -> Any:
    try:
        return model.model_validate(feature["properties"])
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "properties"
        raise _Bad("properties", f"{loc}: {err['msg']}") from None


def _coords(value: Any, depth: int) -> Any:
    """Check nested coordinate arrays: finite lon/lat pairs."""
    if depth == 0:
        if (
            not isinstance(value, list | tuple)
            or len(value) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise _Bad("geometry", f"bad coordinate {value!r}")
        lon, lat = float(value[0]), float(value[1])
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            raise _Bad("geometry", f"coordinate {value!r} is not WGS 84 lon/lat")
        return (lon, lat)
    if not isinstance(value, list):
        raise _Bad("geometry", "coordinates are not arrays")
    return [_coords(v, depth - 1) for v in value]


def _geometry(feature: dict[str, Any], kinds: tuple[str, ...]) -> tuple[str, Any]:
    geom = feature.get("geometry")
    if not isinstance(geom, dict) or geom.get("type") not in kinds:
        got = geom.get("type") if isinstance(geom, dict) else geom
        raise _Bad("geometry", f"geometry must be {' or '.join(kinds)}, got {got!r}")
    depth = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}[geom["type"]]
    return geom["type"], _coords(geom.get("coordinates"), depth)


def _section(where: str, feature: dict[str, Any]) -> Section:
    props: SectionProps = _props(SectionProps, feature)
    _kind, coords = _geometry(feature, ("LineString",))
    # Repeated vertices (common in GIS exports) would make zero-length segments.
    clean = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    if len(clean) < 2:
        raise _Bad("geometry", "a road section needs at least two distinct vertices")
    line = shapely.LineString(clean)
    if not line.is_simple:
        raise _Bad("geometry", "the line crosses itself")
    if props.km_start == props.km_end:
        raise _Bad("stakes", f"km_start and km_end are both {props.km_start}")
    return Section(
        id=props.section,
        road=props.road,
        road_names=Names(en=props.en, zh=props.zh),
        aliases=props.aliases,
        names=Names(en=props.section_en, zh=props.section_zh),
        centre=props.centre,
        km_start=props.km_start,
        km_end=props.km_end,
        coords=tuple(clean),
        towards_decreasing=props.towards_decreasing,
        towards_increasing=props.towards_increasing,
        where=where,
    )


def _jurisdiction(where: str, feature: dict[str, Any]) -> Jurisdiction:
    props: JurisdictionProps = _props(JurisdictionProps, feature)
    kind, coords = _geometry(feature, ("Polygon", "MultiPolygon"))
    try:
        if kind == "Polygon":
            geom = shapely.Polygon(coords[0], coords[1:])
        else:
            geom = shapely.MultiPolygon([(p[0], p[1:]) for p in coords])
    except (ValueError, IndexError, shapely.errors.GEOSException) as exc:
        raise _Bad("geometry", f"bad polygon: {exc}") from None
    if geom.is_empty or not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise _Bad("geometry", f"invalid polygon: {reason}")
    return Jurisdiction(
        id=props.id,
        names=Names(en=props.en, zh=props.zh),
        recipients=dict(props.recipients),
        geometry=geom,
        where=where,
    )


def _station(where: str, feature: dict[str, Any]) -> Station:
    props: StationProps = _props(StationProps, feature)
    _kind, (lon, lat) = _geometry(feature, ("Point",))
    return Station(
        address=Address(props.service, props.id),
        names=Names(en=props.en, zh=props.zh),
        phone=props.phone,
        lon=lon,
        lat=lat,
        where=where,
    )


def _duplicates(data: MapData) -> None:
    """Ids must be unique: sections, jurisdictions, and addresses of stations."""
    groups: list[tuple[str, list[Any]]] = [
        ("section", [(s.id, s.where) for s in data.sections]),
        ("jurisdiction", [(j.id, j.where) for j in data.jurisdictions]),
        ("station", [(str(s.address), s.where) for s in data.stations]),
    ]
    for kind, items in groups:
        seen: dict[str, str] = {}
        for ident, where in items:
            if ident in seen:
                data.problems.append(
                    Problem("duplicate", where, f"{kind} {ident!r} is also {seen[ident]}")
                )
            else:
                seen[ident] = where
