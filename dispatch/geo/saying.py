"""How callers say numbers and coordinates: Chinese numerals, number words, degrees.

:func:`numerals` rewrites spoken distances into digits (``一千零二十四公里`` →
``1024公里``, ``两公里半`` → ``2.5公里``, ``two km`` → ``2 km``) so the stake and
offset patterns need only know digits.  :func:`find_coords` finds a coordinate pair
anywhere in a text: ``30.1,114.3``, ``30°06'N 114°18'E``, ``N30 06.0 E114 18.0``,
``北纬30度06分 东经114度18分``.
"""

from __future__ import annotations

import re

from dispatch.errors import GeoError

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
    text = _ZH_RUN.sub(lambda m: _num(zh_number(m.group(1), m.group(2))), text)
    text = _HALF_AFTER.sub(lambda m: f"{_num(float(m.group(1)) + 0.5)}{m.group(2)}", text)
    text = _HALF_BEFORE.sub(lambda m: f"0.5{m.group(1)}", text)
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
