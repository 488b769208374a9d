"""How callers say numbers and coordinates: Chinese numerals, number words, degrees.

:func:`numerals` rewrites spoken distances into digits (``一千零二十四公里`` →
``1024公里``, ``两公里半`` → ``2.5公里``, ``two km`` → ``2 km``) so the stake and
offset patterns need only know digits.  :func:`find_coords` finds a coordinate pair
anywhere in a text: ``30.1,114.3``, ``30°06'N 114°18'E``, ``N30 06.0 E114 18.0``,
``北纬30度06分 东经114度18分``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dispatch.errors import GeoError
from dispatch.geo import stake as st
from dispatch.geo.place import Evidence

_HAS_CJK = re.compile("[\u4e00-\u9fff]")
_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_RUN = re.compile(
    r"([零〇一二两三四五六七八九十百千万]+)(?:点([零〇一二三四五六七八九]+))?"
    r"(?=\s*(?:个)?\s*(?:公里|千米|米|km|KM|Km)|\s*[公千]?里半)"
)
_HALF_AFTER = re.compile(r"(\d+(?:\.\d+)?)\s*(公里|千米)半")
_HALF_BEFORE = re.compile(r"半\s*(公里|千米)")
_EN_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "a couple of": 2,
    "a few hundred": 300, "half a": 0.5, "a half": 0.5,
}
_UNIT_WORD = re.compile(r"(?i)\b(?:kilomet|km\b|k\b|met|mile)")
_EN_NUM = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _EN_WORDS), key=len, reverse=True)) + r")\s+"
    r"(kilometres?|kilometers?|km|k|metres?|meters?|miles?)\b",
    re.IGNORECASE,
)


def zh_number(run: str, decimals: str | None = None) -> float:
    """The value of a Chinese numeral (``一千零二十四`` → 1024, ``一零二四`` → 1024)."""
    if all(c in _DIGIT for c in run) and len(run) > 1:
        whole = int("".join(str(_DIGIT[c]) for c in run))  # read digit by digit
    else:
        high, _sep, low = run.rpartition("万")
        whole = (_small(high) if high else (1 if _sep else 0)) * 10_000 if _sep else 0
        whole += _small(low)
    if decimals:
        return float(f"{whole}.{''.join(str(_DIGIT[c]) for c in decimals)}")
    return float(whole)


def _small(run: str) -> int:
    total = cur = 0
    for ch in run:
        if ch in _DIGIT:
            cur = _DIGIT[ch]
        elif ch in _UNIT:
            total += (cur or 1) * _UNIT[ch]
            cur = 0
    return total + cur


def _num(value: float) -> str:
    return f"{value:g}"


def numerals(text: str) -> str:
    """Distances said in words, rewritten in digits (the rest is left as it is)."""
    if _HAS_CJK.search(text):
        text = text.replace("千米", "公里")  # the same unit, and 千 is no numeral here
        text = _ZH_RUN.sub(lambda m: _num(zh_number(m.group(1), m.group(2))), text)
        if "半" in text:
            text = _HALF_AFTER.sub(lambda m: f"{_num(float(m.group(1)) + 0.5)}{m.group(2)}",
                                   text)
            text = _HALF_BEFORE.sub(lambda m: f"0.5{m.group(1)}", text)
    if _UNIT_WORD.search(text) is None:
        return text
    return _EN_NUM.sub(lambda m: f"{_num(_EN_WORDS[m.group(1).lower()])} {m.group(2)}", text)


# -- coordinates ---------------------------------------------------------------------

_DEC_PAIR = re.compile(
    r"(?<![\d.])([-+]?\d{1,2}\.\d+)\s*[,，]\s*([-+]?\d{1,3}\.\d+)(?![\d.])"
)
_D = r"(\d{1,3}(?:\.\d+)?)"
_M = r"(\d{1,2}(?:\.\d+)?)"
_MIN_SIGN = r"[′'’分]"
_SEC_SIGN = r"(?:[″\"”]|''|’’|秒)"
# A hemisphere before the number: N30 06.0, N30°06', 北纬30度06分.
_PREFIX = re.compile(
    r"(?:(?<![A-Za-z])([NSEW])|(北纬|南纬|东经|西经))\s*" + _D + r"(?:\s*[°º度])?\s*"
    r"(?:" + _M + r"\s*" + _MIN_SIGN + r"?\s*(?:" + _M + r"\s*" + _SEC_SIGN + r")?)?"
)
# A hemisphere after: 30°06'N, 30°06'30"N, 30.1°N, 30.1N.
_SUFFIX = re.compile(
    _D + r"\s*(?:[°º度]\s*(?:" + _M + r"\s*" + _MIN_SIGN + r"\s*(?:" + _M + r"\s*"
    + _SEC_SIGN + r"\s*)?)?)?([NSEW])(?![A-Za-z])"
)
_DM_GATE = re.compile(r"[NSEW](?![a-z])|[NSEW]\d|纬|经")
_HEMI = {"北纬": "N", "南纬": "S", "东经": "E", "西经": "W"}


def find_coords(text: str) -> tuple[float, float, str] | None:
    """A latitude/longitude pair anywhere in ``text``: ``(lat, lon, words)``, or ``None``.

    Raises:
        GeoError: A pair of that form whose values are out of range (minutes ≥ 60…).
    """
    m = _DEC_PAIR.search(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon, m.group(0)
    if _DM_GATE.search(text) is None:
        return None
    suffix = [(p.group(4), _dms(p.group(1), p.group(2), p.group(3), text), p.group(0))
              for p in _SUFFIX.finditer(text)]
    prefix = [(p.group(1) or _HEMI[p.group(2)], _dms(p.group(3), p.group(4), p.group(5), text),
               p.group(0)) for p in _PREFIX.finditer(text)]
    for parts in (suffix, prefix):
        lat = next(((h, v, w.strip()) for h, v, w in parts if h in "NS"), None)
        lon = next(((h, v, w.strip()) for h, v, w in parts if h in "EW"), None)
        if lat is None or lon is None:
            continue
        if lat[1] > 90 or lon[1] > 180:
            raise GeoError(f"{lat[2]} {lon[2]} in {text!r} is not a latitude and longitude")
        return ((-1 if lat[0] == "S" else 1) * lat[1], (-1 if lon[0] == "W" else 1) * lon[1],
                f"{lat[2]} {lon[2]}")
    return None


def _dms(d: str, m: str | None, s: str | None, text: str) -> float:
    minutes, seconds = float(m or 0), float(s or 0)
    if minutes >= 60 or seconds >= 60:
        raise GeoError(f"{d}° {m}′ {s or ''} in {text!r}: minutes and seconds must be < 60")
    return float(d) + minutes / 60 + seconds / 3600


# -- directions, relations, offsets -------------------------------------------------------

_CJK = "\u4e00-\u9fff"
_HAS_LATIN = re.compile("[a-z]")
_ZH_COMPASS = re.compile(
    rf"(?:往|向|朝)\s*([东南西北])(?:方向|边|面|走|开|行)?(?=[^{_CJK}]|$|方向|边|面|走|开|行)"
    r"|(北上|南下)|([东南西北])(?:行|向)(?:车道|方向|线)"
)
_ZH_TOWARDS = re.compile(
    rf"(?:开往|驶往|前往|去往|往|向|朝|去)\s*([{_CJK}]{{2,8}}?)(?:的?方向|那边|那头)"
    rf"|((?![往向朝去开驶前])[{_CJK}]{{2,6}}?)方向"
)
_EN_COMPASS = re.compile(
    r"\b(north|south|east|west)(?:\s?bound|wards?)\b"
    r"|\b(?:heading|going|driving|travelling|traveling|headed)\s+(north|south|east|west)\b"
)
_EN_TOWARDS = re.compile(
    r"\b(?:towards?|heading\s+(?:to|for|towards?)|headed\s+(?:to|for)|going\s+to|"
    r"driving\s+to|on\s+the\s+way\s+to|bound\s+for|in\s+the\s+direction\s+of|direction\s+of)"
    r"\s+(?:the\s+)?([a-z][a-z']*)|\b([a-z][a-z']*)\s+bound\b"
)
TOWARDS_BEFORE = re.compile(
    r"(?:\b(?:towards?|heading\s+(?:to|for|towards?)|going\s+to|bound\s+for)\s+(?:the\s+)?"
    r"|(?:开往|驶往|前往|往|向|朝|去))\s*$"
)
_AFTER = re.compile(r"\b(?:just\s+)?(?:past|after|beyond|passed)\b|过了|经过|之后|以后|后面|过")
_BEFORE = re.compile(r"\b(?:before|short\s+of|approaching|coming\s+up\s+to)\b"
                     r"|还没到|没到|快到|之前|以前")
_DIST = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(公里|千米|kilometres?|kilometers?|km|k|米|metres?|meters?"
    r"|m|英里|miles?)(?![a-z])"
)
_UNIT_KM = {"米": 0.001, "metre": 0.001, "metres": 0.001, "meter": 0.001, "meters": 0.001,
            "m": 0.001, "英里": 1.609344, "mile": 1.609344, "miles": 1.609344}


@dataclass
class Said:
    """The direction and relation words of a text."""

    compass: str | None = None
    towards: str | None = None
    updown: str | None = None
    words: list[str] = field(default_factory=list)
    after: bool | None = None  # True past/after, False before, None not said
    offset_km: float | None = None
    evidence: list[Evidence] = field(default_factory=list)


def directions(t: str) -> Said:
    """Direction, relation and offset words of a (masked) text."""
    said = Said()
    zh, en = _HAS_CJK.search(t) is not None, _HAS_LATIN.search(t) is not None
    patterns = ((_ZH_COMPASS, "compass"), (st._UPDOWN, "updown"),
                (_ZH_TOWARDS, "towards")) if zh else ()
    if en:
        patterns += ((_EN_COMPASS, "compass"), (_EN_TOWARDS, "towards"))
    for pattern, kind in patterns:
        hit = False
        for m in pattern.finditer(t):
            hit = True
            value = next(g for g in m.groups() if g)
            if kind == "compass":
                value = {"北上": "north", "南下": "south"}.get(value, value)
                value = {"北": "north", "南": "south", "东": "east", "西": "west"}.get(
                    value, value)
                said.compass = said.compass or value
            elif kind == "updown":
                said.updown = said.updown or value
            elif value in ("north", "south", "east", "west"):
                said.compass = said.compass or value
            else:
                said.towards = said.towards or value.removesuffix("市")
            words = m.group(0).strip()
            if words.isascii():  # matched in lower case: the place as it is written
                words = words.replace(value, value.title()) if kind == "towards" else words
            said.words.append(words)
            said.evidence.append(Evidence(words, f"direction: {value}"))
        if hit:
            t = pattern.sub(" ", t)
    rel = sorted([(m.start(), True, m.group(0)) for m in _AFTER.finditer(t)]
                 + [(m.start(), False, m.group(0)) for m in _BEFORE.finditer(t)])
    if rel:
        said.after = rel[0][1]
        said.evidence.append(Evidence(rel[0][2].strip(), "after" if rel[0][1] else "before"))
    m = _DIST.search(t)
    if m:
        said.offset_km = float(m.group(1)) * _UNIT_KM.get(m.group(2), 1.0)
        said.evidence.append(Evidence(m.group(0).strip(), f"offset {said.offset_km:g} km"))
    return said
