"""Reading stake texts as callers and operators write them.

Accepted, in English or Chinese, in any order::

    G4 K1024+300          G4 1024.3            K1024+300 G4
    G4京港澳高速K1024+300   京港澳高速 1024公里    京港澳高速1024公里处往武汉方向
    G4 K1024+300 northbound   G50 K800 towards Wuhan   G4 K1024 上行

Road codes (``G4``, ``S38``) and every name or alias the map gives a road are
recognised.  Direction words are kept as said; what they mean for the
carriageway is resolved later against the map.  ``lat,lon`` texts are read by
:func:`parse_latlon`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from dispatch.errors import GeoError

# K1024+300, K 1024 + 300.5 (metres after the plus).
_K_PLUS = re.compile(
    r"(?<![A-Za-z])[Kk]\s*(\d{1,5})\s*\+\s*(\d+(?:\.\d+)?)(?![\d.])(?:\s*(?:米|m\b))?"
)
# K1024, K1024.3
_K_ONLY = re.compile(r"(?<![A-Za-z])[Kk]\s*(\d{1,5}(?:\.\d+)?)(?![\d.+])")
# 1024公里, 1024.3 km, 1024公里300米, 1024公里处
_KM_WORD = re.compile(
    r"(?<![\d.])(\d{1,5}(?:\.\d+)?)\s*(?:公里|千米|km|KM|Km|kilometres?|kilometers?)"
    r"(?:\s*(\d{1,3}(?:\.\d+)?)\s*(?:米|m)(?![A-Za-z]))?"
    r"(?:\s*(?:处|附近))?"
)
_BARE = re.compile(r"^\s*(\d{1,5}(?:\.\d+)?)\s*$")
_CODE = re.compile(r"(?<![A-Za-z0-9])([GgSs]\d{1,4}(?:[A-Za-z]\d{1,2})?)(?![0-9A-Za-z])")

_COMPASS_EN = {"north": "north", "south": "south", "east": "east", "west": "west"}
_COMPASS_ZH = {"北": "north", "南": "south", "东": "east", "西": "west"}
# Direction phrases; each match is removed from the text and kept as said.
_UPDOWN = re.compile(r"(上行|下行)(?:方向|线|车道)?")
_BOUND = re.compile(r"\b(north|south|east|west)[- ]?bound\b", re.IGNORECASE)
# A place name: Chinese characters, but not the little words around it.
_ZH_NAME = r"((?:(?![处在的第往向朝去])[\u4e00-\u9fff]){1,10}?)"
_ZH_TOWARDS = re.compile(
    r"(?:开往|驶往|前往|往|向|朝|去)\s*" + _ZH_NAME + r"(?:方向|$|(?=[\s,，;；]))"
)
_ZH_NAME_DIR = re.compile(_ZH_NAME + r"方向")
_EN_TOWARDS = re.compile(
    r"\b(?:towards?|heading(?:\s+(?:to|for))?|bound\s+for|direction(?:\s+of)?)\s+"
    r"([A-Za-z][A-Za-z'-]*)",
    re.IGNORECASE,
)
_EN_NAME_DIR = re.compile(r"\b([A-Za-z][A-Za-z'-]*)(?:[- ]bound|\s+direction)\b", re.IGNORECASE)
# Words that may surround a stake without changing it.
_FILLER = re.compile(
    r"高速公路|高速|公路|附近|处|在|的|第|方向|"
    r"\b(?:expressway|motorway|highway|road|near|at|on|the|of|about|around|km)\b|"
    r"[\s,，。;；:：/()（）\-—]+|(?<!\d)\.|\.(?!\d)",
    re.IGNORECASE,
)
_LATLON = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,，]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")

EXAMPLE = "G4 K1024+300"


@dataclass(frozen=True)
class StakeText:
    """A stake text taken apart.

    Attributes:
        road: The road code (``"G4"``); ``None`` when the text names no road.
        km: The stake in km.
        direction: The direction words as said (``"往武汉方向"``), or ``None``.
        compass: ``north``/``south``/``east``/``west`` if the words say so.
        towards: The place named as the direction (``"武汉"``, ``"Wuhan"``).
        updown: ``上行`` or ``下行`` if said (kept, not interpreted: conventions differ).
    """

    road: str | None
    km: float
    direction: str | None = None
    compass: str | None = None
    towards: str | None = None
    updown: str | None = None


def normalise(text: str) -> str:
    """Full-width digits, letters and signs to ASCII (NFKC); spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def parse_latlon(text: str) -> tuple[float, float] | None:
    """Read ``"lat,lon"``; ``None`` if the text is not of that form.

    Raises:
        GeoError: Of that form but out of range.
    """
    m = _LATLON.match(normalise(text))
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        hint = " (the order is lat,lon)" if abs(lon) <= 90 < abs(lat) else ""
        raise GeoError(f"{text!r} is not a latitude,longitude{hint}")
    return lat, lon


def road_aliases(roads: Iterable[tuple[str, str, str, Iterable[str]]]) -> list[tuple[str, str]]:
    """Every way of naming each road, longest first, for :func:`parse_stake`.

    Args:
        roads: ``(code, en, zh, aliases)`` per road.

    Returns:
        ``(alias in lower case, code)`` pairs.  Chinese names are also accepted
        with or without 高速 / 高速公路, English ones without "Expressway".
    """
    out: dict[str, str] = {}
    for code, en, zh, aliases in roads:
        for name in (en, zh, *aliases):
            name = normalise(name).lower()
            if not name:
                continue
            forms = {name}
            for suffix in ("高速公路", "高速"):
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    forms.add(name[: -len(suffix)])
            if name.endswith(" expressway"):
                forms.add(name[: -len(" expressway")])
            for form in forms:
                out.setdefault(form, code)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def parse_stake(text: str, aliases: list[tuple[str, str]]) -> StakeText:
    """Take a stake text apart into road, km and direction words.

    Args:
        text: What was typed or said.
        aliases: From :func:`road_aliases`.

    Raises:
        GeoError: No stake, no road, two different ones, an unknown road, or
            words that cannot be read.
    """
    original = text
    rest = normalise(text)
    if not rest:
        raise GeoError(f"empty place; write a stake such as {EXAMPLE!r} or 'lat,lon'")

    # 1. The stake in its explicit forms.
    kms: list[float] = []
    for pattern in (_K_PLUS, _K_ONLY, _KM_WORD):
        for m in pattern.finditer(rest):
            whole = float(m.group(1))
            metres = m.group(2) if pattern is not _K_ONLY else None
            if metres is not None and float(metres) >= 1000:
                raise GeoError(
                    f"{m.group(0)!r} in {original!r}: metres after the km must be < 1000"
                )
            kms.append(whole + (float(metres) / 1000 if metres else 0.0))
        rest = pattern.sub(" ", rest)

    # 2. The road, by code and by name.
    codes: list[str] = [m.group(1).upper() for m in _CODE.finditer(rest)]
    rest = _CODE.sub(" ", rest)
    low = rest.lower()
    named: list[tuple[str, str]] = []
    for alias, code in aliases:
        at = _find_alias(low, alias)
        while at >= 0:
            named.append((alias, code))
            low = low[:at] + " " * len(alias) + low[at + len(alias):]
            rest = rest[:at] + " " * len(alias) + rest[at + len(alias):]
            at = _find_alias(low, alias)
    roads = list(dict.fromkeys([*codes, *(code for _a, code in named)]))
    if len(roads) > 1:
        raise GeoError(f"{original!r} names more than one road: {', '.join(roads)}")

    # 3. Direction words, kept as said.
    said: list[str] = []
    compass = towards = updown = None
    for m in _UPDOWN.finditer(rest):
        updown = updown or m.group(1)
        said.append(m.group(0))
    rest = _UPDOWN.sub(" ", rest)
    for m in _BOUND.finditer(rest):
        compass = compass or m.group(1).lower()
        said.append(m.group(0))
    rest = _BOUND.sub(" ", rest)
    for pattern in (_ZH_TOWARDS, _ZH_NAME_DIR, _EN_TOWARDS, _EN_NAME_DIR):
        for m in pattern.finditer(rest):
            name = m.group(1)
            said.append(m.group(0).strip())
            if name in _COMPASS_ZH or name.lower() in _COMPASS_EN:
                compass = compass or _COMPASS_ZH.get(name) or _COMPASS_EN[name.lower()]
            else:
                towards = towards or name.removesuffix("市")
        rest = pattern.sub(" ", rest)

    # 4. A bare number is a stake only when nothing else is left.
    if not kms:
        m = _BARE.match(_FILLER.sub(" ", rest))
        if m:
            kms.append(float(m.group(1)))
            rest = ""

    left = _FILLER.sub(" ", rest).strip()
    if not roads and left:
        shown = " ".join(rest.split())
        raise GeoError(f"unknown road {shown!r} in {original!r}{_known(aliases)}")
    if left:
        raise GeoError(f"cannot read {left!r} in {original!r}; write a stake such as {EXAMPLE!r}")
    if not kms:
        raise GeoError(f"no stake number in {original!r}: write it as {EXAMPLE!r}")
    if len(set(kms)) > 1:
        raise GeoError(f"{original!r} holds more than one stake number")
    return StakeText(
        road=roads[0] if roads else None,
        km=kms[0],
        direction=" ".join(said) or None,
        compass=compass,
        towards=towards,
        updown=updown,
    )


def _find_alias(low: str, alias: str) -> int:
    """Position of an alias; Latin aliases must stand as whole words."""
    start = 0
    while True:
        at = low.find(alias, start)
        if at < 0 or not alias.isascii():
            return at
        before = low[at - 1] if at else " "
        after = low[at + len(alias)] if at + len(alias) < len(low) else " "
        if not (before.isascii() and before.isalnum()) and not (
            after.isascii() and after.isalnum()
        ):
            return at
        start = at + 1


def _known(aliases: list[tuple[str, str]]) -> str:
    codes = sorted(set(code for _a, code in aliases))
    return f" (roads on this map: {', '.join(codes)})" if codes else ""
