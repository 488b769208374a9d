"""What locating answers: a :class:`Place`, its batch form, and the candidates of words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dispatch.errors import GeoError
from dispatch.geo.data import Names
from dispatch.model import Address, Location, Service, format_stake

if TYPE_CHECKING:
    from dispatch.geo.landmarks import Landmark

Heading = Literal["increasing", "decreasing"]


@dataclass(frozen=True)
class Place:
    """A located place: where it is, on which road section, and who covers it.

    For a place given as a point, ``lat``/``lon`` are the point as given and
    ``road_lat``/``road_lon`` its projection on the road.  For a place given
    as a stake, both are the point on the road.  Off the network (farther
    than the map's tolerance) ``road``, ``section`` and ``km`` are ``None``
    and ``nearest`` says which road was closest.

    Attributes:
        lat: Latitude (WGS 84).
        lon: Longitude (WGS 84).
        text: What was typed, if the place came from text.
        road: Road code such as ``"G4"``.
        road_names: The road's names (``京港澳高速``).
        section: Section id such as ``"g4-xianning"``.
        section_names: The section's names.
        km: The unrounded stake in km along ``road``.
        heading: The carriageway: traffic towards ``increasing`` or
            ``decreasing`` stakes, when known.
        direction: The direction as said (``往武汉方向``) or as derived from
            the side of the road.
        jurisdiction: Jurisdiction id such as ``"xianning"``.
        jurisdiction_names: Its names.
        distance_m: Distance from the given point to the road (0 for a stake).
        on_network: Whether the place is on the road network.
        road_lat: Latitude of the point on the road.
        road_lon: Longitude of the point on the road.
        recipients: Who takes a job here, per service.
        nearest: Off the network: ``{"road", "section", "km"}`` of the closest road.
        notes: Anything the operator should know (fallbacks, unresolved words).
    """

    lat: float
    lon: float
    text: str | None = None
    road: str | None = None
    road_names: Names | None = None
    section: str | None = None
    section_names: Names | None = None
    km: float | None = None
    heading: Heading | None = None
    direction: str | None = None
    jurisdiction: str | None = None
    jurisdiction_names: Names | None = None
    distance_m: float = 0.0
    on_network: bool = True
    road_lat: float | None = None
    road_lon: float | None = None
    recipients: Mapping[Service, Address] = field(default_factory=dict)
    nearest: Mapping[str, Any] | None = None
    notes: tuple[str, ...] = ()

    @property
    def stake(self) -> str | None:
        """The stake as people write it (``K1024+300``), if on a road."""
        return None if self.km is None else format_stake(self.km)

    def to_location(self) -> Location:
        """The place as the console's :class:`~dispatch.model.Location`."""
        return Location(
            lat=self.lat,
            lon=self.lon,
            road=self.road,
            km=self.km,
            direction=self.direction,
            section=self.section,
            jurisdiction=self.jurisdiction,
            text=self.text,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape ``dispatch locate --json`` prints)."""

        def names(n: Names | None) -> dict[str, str] | None:
            return None if n is None else {"en": n.en, "zh": n.zh}

        return {
            "text": self.text,
            "lat": self.lat,
            "lon": self.lon,
            "on_network": self.on_network,
            "road": self.road,
            "road_name": names(self.road_names),
            "section": self.section,
            "section_name": names(self.section_names),
            "km": self.km,
            "stake": self.stake,
            "heading": self.heading,
            "direction": self.direction,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_name": names(self.jurisdiction_names),
            "distance_m": self.distance_m,
            "road_lat": self.road_lat,
            "road_lon": self.road_lon,
            "recipients": {s.value: str(self.recipients[s]) for s in Service
                           if s in self.recipients},
            "nearest": dict(self.nearest) if self.nearest else None,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Located:
    """The answer of :meth:`RoadMap.locate_many`: one array entry per point.

    Off the network ``section`` and ``road`` are ``None`` and ``km`` is NaN;
    ``nearest_section`` and ``nearest_km`` still say what was closest.
    ``jurisdiction`` is ``None`` outside every jurisdiction.  ``distance_m``
    uses a local ellipsoidal approximation (within 0.1 % of the geodesic for
    the short distances that matter here).
    """

    lat: np.ndarray
    lon: np.ndarray
    road: np.ndarray  # object: str | None
    section: np.ndarray  # object: str | None
    km: np.ndarray  # float, NaN off the network
    distance_m: np.ndarray
    on_network: np.ndarray  # bool
    jurisdiction: np.ndarray  # object: str | None
    nearest_section: np.ndarray  # object: str
    nearest_km: np.ndarray
    road_lat: np.ndarray
    road_lon: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)


class Ambiguous(GeoError):
    """The text fits several places that differ: the candidates, best first.

    Attributes:
        candidates: The ranked :class:`Candidate` places.
    """

    def __init__(self, message: str, candidates: Sequence[Candidate]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


@dataclass(frozen=True)
class Evidence:
    """Which words were taken for what (``"咸宁服务区"`` → a landmark)."""

    words: str
    means: str

    def to_json(self) -> dict[str, str]:
        """``{"words", "means"}``."""
        return {"words": self.words, "means": self.means}


class Candidate:
    """One place a text may mean, with its score (0–1) and evidence.

    The place may be built on first use (``make``): ranking needs only the road,
    stake and carriageway, and a clear answer builds just the one it gives.

    Attributes:
        score: How well the words fit (0–1); candidates are ranked by it.
        evidence: Which words were taken for what.
        landmark: The landmark it was found from, if any.
    """

    __slots__ = ("_make", "_pick", "_place", "evidence", "heading", "km", "landmark", "road",
                 "score")

    def __init__(self, place: Place | None, score: float, evidence: tuple[Evidence, ...],
                 landmark: Landmark | None = None, pick: str = "", *,
                 make: Callable[[], tuple[Place, str]] | None = None,
                 road: str | None = None, km: float | None = None,
                 heading: Heading | None = None) -> None:
        self._place, self._pick, self._make = place, pick, make
        self.score, self.evidence, self.landmark = score, evidence, landmark
        self.road = place.road if place is not None else road
        self.km = place.km if place is not None else km
        self.heading = place.heading if place is not None else heading

    def _built(self) -> None:
        if self._place is None and self._make is not None:
            self._place, self._pick = self._make()

    @property
    def place(self) -> Place:
        """The place."""
        self._built()
        assert self._place is not None
        return self._place

    @property
    def pick(self) -> str:
        """A text that places exactly this candidate (what choosing it types)."""
        self._built()
        return self._pick

    def label(self, lang: str = "en") -> str:
        """One line for a list to choose from: stake, direction, what it is near."""
        p = self.place
        head = f"{p.road} {p.stake}" if p.road else f"{p.lat:.5f},{p.lon:.5f}"
        if p.direction:
            parts = [d.strip() for d in p.direction.split(" / ")]
            head += " " + (parts[0] if lang == "zh" or len(parts) == 1 else parts[-1])
        if self.landmark is not None:
            head += f" ({self.landmark.names.zh if lang == 'zh' else self.landmark.names.en})"
        return head

    def to_json(self) -> dict[str, Any]:
        """The place's JSON with ``score``, ``landmark``, ``pick`` and ``evidence``."""
        lm = self.landmark
        return {
            **self.place.to_json(),
            "score": round(self.score, 3),
            "landmark": None if lm is None else {
                "id": lm.id, "kind": lm.kind, "name": {"en": lm.names.en, "zh": lm.names.zh},
                "road": lm.road, "km": lm.km, "side": lm.side},
            "pick": self.pick,
            "evidence": [e.to_json() for e in self.evidence],
        }
