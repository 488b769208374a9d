"""Landmarks: the places callers name instead of a stake (``maps/landmarks.geojson``).

Service areas, toll stations, interchanges and exits, tunnels and bridges, each a
``Point`` on its road at its stake, with names and aliases in both languages.  A
service area on one carriageway says so with ``side`` (``increasing`` or
``decreasing``: the carriageway whose traffic it serves).  The file is optional: a
map without it simply has no landmarks.  :func:`read_landmarks` reports every fault
the way :func:`dispatch.geo.data.read_map` does; ``dispatch maps check`` adds the
rules that need the roads (on its road, stake inside a section, aliases unique).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dispatch.geo.data import Names, Problem, _Bad, _features, _geometry, _props

LANDMARKS = "landmarks.geojson"

Kind = Literal["service_area", "toll_station", "interchange", "exit", "tunnel", "bridge"]
Side = Literal["both", "increasing", "decreasing"]
#: The kinds a landmark may be, and the words that name each kind in a caller's text.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "service_area": ("service area", "services", "rest area", "服务区", "服务站"),
    "toll_station": ("toll station", "toll gate", "tollgate", "toll plaza", "toll", "收费站"),
    "interchange": ("interchange", "枢纽", "互通", "立交"),
    "exit": ("exit", "turn-off", "turnoff", "slip road", "出口", "下道口", "匝道"),
    "tunnel": ("tunnel", "隧道", "隧洞"),
    "bridge": ("bridge", "viaduct", "大桥", "桥"),
}

_UNIT = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_ROAD = r"^[GS][0-9]{1,4}(?:[A-Z][0-9]{0,2})?$"
_DASHES = re.compile(r"[-‐‑‒–—―_]+")


def fold(text: str) -> str:
    """The form names are matched in: NFKC, lower case, dashes as spaces, one space."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_DASHES.sub(" ", text).split())


class LandmarkProps(BaseModel):
    """Properties of a landmark feature in ``landmarks.geojson``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(pattern=_UNIT)
    kind: Kind
    names: Names
    aliases: tuple[str, ...] = ()
    road: str = Field(pattern=_ROAD)
    stake: float = Field(ge=0)
    side: Side = "both"
    length_m: float | None = Field(default=None, gt=0)

    @field_validator("road", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("names")
    @classmethod
    def _both(cls, value: Names) -> Names:
        if not value.en.strip() or not value.zh.strip():
            raise ValueError("a landmark needs a name in both languages (en and zh)")
        return value

    @field_validator("aliases")
    @classmethod
    def _filled(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not a.strip() for a in value):
            raise ValueError("an alias is empty")
        return value


@dataclass(frozen=True, eq=False)
class Landmark:
    """A named place on a road, at a stake."""

    id: str
    kind: str
    names: Names
    aliases: tuple[str, ...]
    road: str
    km: float
    side: str
    length_m: float | None
    lon: float
    lat: float
    where: str

    @property
    def words(self) -> tuple[str, ...]:
        """Every name it answers to (names first), as written."""
        return tuple(dict.fromkeys((self.names.zh, self.names.en, *self.aliases)))


def read_landmarks(folder: Path, problems: list[Problem]) -> list[Landmark]:
    """Read ``landmarks.geojson`` of a map folder (none if the file is absent).

    Faults are appended to ``problems``, one per feature, naming file and feature.
    """
    path = folder / LANDMARKS
    if not path.exists():
        return []
    out = []
    for where, feature in _features(path, problems):
        try:
            props: LandmarkProps = _props(LandmarkProps, feature)
            _kind, (lon, lat) = _geometry(feature, ("Point",))
        except _Bad as exc:
            problems.append(Problem(exc.rule, where, exc.message))
            continue
        out.append(Landmark(
            id=props.id, kind=props.kind, names=props.names, aliases=props.aliases,
            road=props.road, km=props.stake, side=props.side, length_m=props.length_m,
            lon=lon, lat=lat, where=where,
        ))
    seen: dict[str, str] = {}
    for lm in out:
        if lm.id in seen:
            problems.append(Problem("duplicate", lm.where, f"landmark {lm.id!r} is also "
                                    f"{seen[lm.id]}"))
        seen.setdefault(lm.id, lm.where)
    return out
