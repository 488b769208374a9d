"""Geography: road network, stake numbers, jurisdictions and recipients.

Loads ``maps/`` (GeoJSON, WGS 84 lon/lat) and answers: where is this point
(road, section, stake, side, jurisdiction), where is this stake text, and who
takes a job there (``120/xianning``, ``section/g4-xianning``).

    >>> from dispatch.geo import load_map
    >>> roads = load_map()
    >>> roads.locate("G4 K1024+300").recipients  # doctest: +SKIP
"""

from dispatch.geo.data import Jurisdiction, MapData, Names, Problem, Section, Station, read_map
from dispatch.geo.landmarks import Landmark
from dispatch.geo.network import Road
from dispatch.geo.place import Located, Place
from dispatch.geo.roadmap import RoadMap, load_map
from dispatch.geo.stake import StakeText
from dispatch.geo.words import Ambiguous, Candidate, Evidence

__all__ = [
    "Ambiguous",
    "Candidate",
    "Evidence",
    "Jurisdiction",
    "Landmark",
    "Located",
    "MapData",
    "Names",
    "Place",
    "Problem",
    "Road",
    "RoadMap",
    "Section",
    "StakeText",
    "Station",
    "load_map",
    "read_map",
]
