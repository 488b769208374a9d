"""Locating what a caller says: landmarks, offsets, directions, spoken stakes, coordinates.

A caller rarely knows the stake.  They say *just past the Xianning service area,
heading to Wuhan*, ``咸宁北收费站往南两公里``, *in the tunnel after the Dawu exit*,
``一千零二十四公里``.  :class:`Words` reads such a text into ranked
:class:`Candidate` places, each with the :class:`Evidence` (which words were taken
for what).  One clear candidate is the place; several that differ (two landmarks of
one name, an offset without a direction, a stake that two roads have) are
:class:`Ambiguous`: the operator picks, nothing is guessed silently.

The texts :meth:`dispatch.geo.RoadMap.locate` reads (stake texts, ``lat,lon``) are
read by it first, exactly as before; the rest comes here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dispatch.errors import GeoError
from dispatch.geo import stake as st
from dispatch.geo.landmarks import KIND_WORDS, Landmark, fold
from dispatch.geo.network import geodesic_m
from dispatch.geo.place import Ambiguous, Candidate, Evidence, Heading, Place
from dispatch.geo.saying import TOWARDS_BEFORE, Said, directions, find_coords, numerals
from dispatch.model import format_stake

if TYPE_CHECKING:
    from dispatch.geo.roadmap import RoadMap

#: "The tunnel after the exit" looks this far along the road for the tunnel (km).
SEEK_KM = 10.0
#: Candidates this close (km) on one road and carriageway are one place.
SAME_KM = 0.3
#: The best candidate is the place when it scores this much above the next.
CLEAR_MARGIN = 0.25

_KM_FIRST = re.compile(r"(?<![\d.]\s)(?<![\d.])(?<![a-z])km\s*(\d{1,5}(?:\.\d+)?)(?![\d.])")
_KM_ANY = re.compile(r"(?<![a-z])km\s*\d")
_CODE = re.compile(r"(?<![a-z0-9])([gs]\d{1,4}(?:[a-z]\d{1,2})?)(?![0-9a-z])")


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    """One pattern for many names, as a trie (fast: each position tries one branch),
    preferring the longest; Latin names stand as whole words."""
    trie: dict[str, Any] = {}
    for w in set(words):
        if w:
            node = trie
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = {}
    return re.compile(_emit(trie, "", top=True)) if trie else None


def _emit(node: dict[str, Any], last: str, top: bool = False) -> str:
    def latin(c: str) -> bool:
        return c.isascii() and c.isalnum()
    alts = []
    for ch in sorted(k for k in node if k):
        head = r"(?<![a-z0-9])" if top and latin(ch) else ""
        alts.append(head + re.escape(ch) + _emit(node[ch], ch))
    if "" in node:
        alts.append(r"(?![a-z0-9])" if latin(last) else "")  # last: the longest wins
    if len(alts) == 1 and "" not in node:
        return alts[0]
    return "(?:" + "|".join(alts) + ")"


def _blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]


class Words:
    """The words locator of one :class:`~dispatch.geo.RoadMap` (built once, then fast)."""

    def __init__(self, roadmap: RoadMap) -> None:
        self.map = roadmap
        self.landmarks: tuple[Landmark, ...] = roadmap.net.landmarks
        self._by_word: dict[str, list[Landmark]] = {}
        for lm in self.landmarks:
            for w in lm.words:
                self._by_word.setdefault(fold(w), []).append(lm)
        self._lm_re = _alternation(list(self._by_word))
        self._spans = {code: road.ranges for code, road in roadmap.roads.items()}
        self._roads = {fold(a): code for a, code in roadmap._aliases}
        self._road_re = _alternation(list(self._roads))
        kinds = [(fold(w), k) for k, ws in KIND_WORDS.items() for w in ws if k in
                 ("tunnel", "bridge", "service_area", "toll_station", "exit", "interchange")]
        self._kind_of = dict(kinds)
        self._kind_re = _alternation([w for w, _k in kinds])

    # -- the public answer ----------------------------------------------------------------

    def candidates(self, text: str) -> list[Candidate]:
        """Every place the text may mean, best first (one, if it is clear).

        Raises:
            GeoError: Nothing in the text places it (the message says why).
        """
        raw = st.normalise(text)
        spoken = numerals(raw)
        folded = fold(spoken)
        # Landmarks, spoken numbers, "km 1024" and degrees are never stake texts: those
        # skip the strict reading (which would only fail on them).
        words = (self._lm_re is not None and self._lm_re.search(folded) is not None) or (
            spoken != raw or _KM_ANY.search(folded) is not None
            or any(c in raw for c in "°度′'"))
        first: GeoError | None = None
        if not words:
            try:
                place = self.map.locate(text)
            except GeoError as exc:
                first = exc
            else:
                what = "coordinates" if place.distance_m or not place.road else (
                    f"stake text: {place.road} {place.stake}")
                ev = [Evidence(text.strip(), what)]
                if place.direction:
                    ev.append(Evidence(place.direction,
                                       f"direction: {place.heading or 'as said'}"))
                return [Candidate(place, 1.0, tuple(ev), pick=text.strip())]
        found = self._read(text, raw, folded)
        if found is None:
            if first is None or str(first).startswith("unknown road"):
                raise GeoError(
                    f"cannot place {text.strip()!r}: no stake, landmark or coordinates in it "
                    f"(say 'G4 K1024+300', '咸宁服务区往武汉方向2公里' or '30.1,114.3')"
                ) from None
            raise first
        return _rank(found)

    def place(self, text: str) -> Place:
        """The one place the text means.

        Raises:
            Ambiguous: Several candidates (``.candidates``, best first).
            GeoError: Nothing places it.
        """
        found = self.candidates(text)  # places built lazily: only the answer's here
        if len(found) == 1 or found[0].score - found[1].score >= CLEAR_MARGIN:
            return found[0].place
        shown = "; ".join(f"{i}) {c.label()}" for i, c in enumerate(found[:9], 1))
        raise Ambiguous(f"{text.strip()!r} may be {len(found)} places: {shown}", found)

    def disagreement(self, place: Place, text: str, limit_km: float = 2.0) -> dict | None:
        """What the words say, if it is more than ``limit_km`` from ``place`` (else ``None``).

        Words that place nothing agree with everything.  When they fit several places,
        the nearest one counts.
        """
        try:
            found = self.candidates(text)
        except GeoError:
            return None
        far = [(geodesic_m(place.lat, place.lon, c.place.lat, c.place.lon), c) for c in found]
        metres, best = min(far, key=lambda x: x[0])
        if metres <= limit_km * 1000:
            return None
        return {"place": best.label(), "place_zh": best.label("zh"),
                "road": best.place.road, "stake": best.place.stake,
                "distance_km": round(metres / 1000, 1),
                "evidence": [e.to_json() for e in best.evidence]}

    # -- reading ----------------------------------------------------------------------------

    def _read(self, text: str, raw: str, t: str) -> list[Candidate] | None:
        coords = find_coords(raw)
        if coords is not None:
            lat, lon, said = coords
            place = self.map.locate_point(lat, lon, text=text)
            return [Candidate(place, 1.0, (Evidence(said, "coordinates"),),
                              pick=f"{lat:.6f},{lon:.6f}")]
        marks: list[tuple[str, list[Landmark], bool]] = []  # (words, landmarks, is target)
        if self._lm_re is not None:
            for m in self._lm_re.finditer(t):
                target = bool(TOWARDS_BEFORE.search(t[: m.start()]))
                marks.append((m.group(0), self._by_word[m.group(0)], target))
            if marks:
                t = self._lm_re.sub(lambda m: " " * len(m.group(0)), t)
        evidence: list[Evidence] = []
        road = self._road(t, evidence)
        if road is not None:
            t = _CODE.sub(" ", self._road_re.sub(" ", t) if self._road_re else t)
        kms = []
        patterns = (st._K_PLUS, st._K_ONLY) if "k" in t else ()
        if not marks:
            patterns += (_KM_FIRST, st._KM_WORD)
        for pattern in patterns:
            hit = False
            for m in pattern.finditer(t):
                metres = m.group(2) if pattern in (st._K_PLUS, st._KM_WORD) else None
                kms.append(float(m.group(1)) + (float(metres) / 1000 if metres else 0.0))
                evidence.append(Evidence(m.group(0).strip(), f"stake {format_stake(kms[-1])}"))
                hit = True
            if hit:
                t = pattern.sub(" ", t)
        said = directions(t)
        refs = [m for m in marks if not m[2]] or marks
        if refs:
            targets = [m for m in marks if m[2] and m is not refs[0]]
            return self._from_landmark(text, refs[0], targets, road, said, t, evidence)
        if kms:
            if len(set(kms)) > 1:
                raise GeoError(f"{text.strip()!r} holds more than one stake number")
            return self._from_stake(text, road, kms[0], said, evidence)
        return None

    def _road(self, t: str, evidence: list[Evidence]) -> str | None:
        named = [(m.group(1).upper(), m.group(0)) for m in _CODE.finditer(t)]
        if self._road_re is not None:
            named += [(self._roads[m.group(0)], m.group(0)) for m in self._road_re.finditer(t)]
        codes = list(dict.fromkeys(c for c, _w in named))
        if len(codes) > 1:
            raise GeoError(f"the words name more than one road: {', '.join(codes)}")
        if not codes:
            return None
        if codes[0] not in self.map.roads:
            raise GeoError(f"unknown road {codes[0]!r}; this map has "
                           f"{', '.join(self.map.roads)}")
        evidence += [Evidence(w.strip(), f"road {c}") for c, w in named]
        return codes[0]

    def _heading(self, road: str, km: float, said: Said) -> tuple[Heading | None, list[str]]:
        if not (said.compass or said.towards or said.updown):
            return None, []
        s = self.map.net.find_section(road, km)
        q = st.StakeText(road=road, km=km, direction=" ".join(said.words) or None,
                         compass=said.compass, towards=said.towards, updown=said.updown)
        return self.map._resolve_heading(s, q)

    def _from_stake(self, text: str, road: str | None, km: float, said: Said,
                    evidence: list[Evidence]) -> list[Candidate]:
        roads = [road] if road else [
            r.code for r in self.map.roads.values()
            if any(s.km_min - 0.0005 <= km <= s.km_max + 0.0005 for s in r.sections)]
        if not roads:
            raise GeoError(f"no road of this map has the stake {format_stake(km)} "
                           f"in {text.strip()!r}")
        out = []
        for code in roads:
            heading, notes = self._heading(code, km, said)
            direction = " ".join(said.words) or None
            place = self.map.point_at(code, km, heading=heading, direction=direction,
                                      text=text, notes=notes)
            ev = [*evidence, *said.evidence]
            if not road:
                ev.append(Evidence(format_stake(km), f"no road said: {code} has this stake"))
            out.append(Candidate(place, 1.0 if road else 0.6, tuple(ev), pick=self._pick(place)))
        return out

    def _from_landmark(self, text: str, ref: tuple[str, list[Landmark], bool],
                       targets: list[tuple[str, list[Landmark], bool]], road: str | None,
                       said: Said, rest: str, evidence: list[Evidence]) -> list[Candidate]:
        words, group, _t = ref
        pool = [lm for lm in group if road is None or lm.road == road]
        if not pool:
            raise GeoError(f"{words!r} is not on {road} in this map")
        seek = None
        if self._kind_re is not None:
            for m in self._kind_re.finditer(rest):
                kind = self._kind_of[m.group(0)]
                if kind not in {lm.kind for lm in pool}:
                    seek = (m.group(0), kind)
                    break
        out: list[Candidate] = []
        for lm in pool:
            ev = [*evidence, Evidence(words, f"{lm.kind.replace('_', ' ')} {lm.id} "
                                             f"({lm.road} {format_stake(lm.km)})")]
            heading, notes = self._heading(lm.road, lm.km, said)
            ev += said.evidence
            for tw, tgroup, _x in targets:
                tl = next((x for x in tgroup if x.road == lm.road), None)
                if tl is not None and abs(tl.km - lm.km) > 0.05:
                    heading = "increasing" if tl.km > lm.km else "decreasing"
                    ev.append(Evidence(tw, f"direction: towards {tl.id} ({heading} stake)"))
                    break
            score = 1.0
            if heading is None and lm.side != "both" and seek is None:
                heading = lm.side  # type: ignore[assignment]
                ev.append(Evidence(words, f"serves the {lm.side}-stake carriageway only"))
            elif heading is not None and lm.side not in ("both", heading):
                score -= 0.5
                notes.append(f"{lm.id} serves the other carriageway ({lm.side} stake)")
            if seek is not None:
                out += self._seek(text, lm, seek, heading, said, ev, score)
                continue
            off = said.offset_km or 0.0
            sign = -1.0 if said.after is False else 1.0
            if off and heading is None:
                for h in ("increasing", "decreasing"):
                    km = lm.km + (sign * off if h == "increasing" else -sign * off)
                    why = f"no direction said: {off:g} km either way of {lm.names.en}"
                    out += self._at(text, lm, km, None, [*notes, why],
                                    [*ev, Evidence(f"{off:g} km", f"offset, {h} stake")], 0.5)
                continue
            step = sign * off * (1.0 if heading == "increasing" else -1.0)
            out += self._at(text, lm, lm.km + step, heading, notes, ev, score,
                            direction=" ".join(said.words) or None)
        if not out:
            raise GeoError(f"{text.strip()!r}: that is beyond the ends of the road on this map")
        return out

    def _seek(self, text: str, lm: Landmark, seek: tuple[str, str], heading: Heading | None,
              said: Said, ev: list[Evidence], score: float) -> list[Candidate]:
        """The next landmark of a kind from ``lm`` ("the tunnel after the Dawu exit")."""
        words, kind = seek
        ahead = -1.0 if said.after is False else 1.0
        ways = [heading] if heading else ["increasing", "decreasing"]
        out = []
        for way in ways:
            sign = ahead * (1.0 if way == "increasing" else -1.0)
            near = [x for x in self.landmarks if x.road == lm.road and x.kind == kind
                    and 0 < (x.km - lm.km) * sign <= SEEK_KM]
            if not near:
                continue
            x = min(near, key=lambda x: abs(x.km - lm.km))
            notes = [] if heading else [f"direction taken from where the {kind} is"]
            out += self._at(text, x, x.km, way, notes,  # type: ignore[arg-type]
                            [*ev, Evidence(words, f"the next {kind} ({x.id})")],
                            score - 0.01 * abs(x.km - lm.km))
        return out

    def _at(self, text: str, lm: Landmark, km: float, heading: Heading | None,
            notes: list[str], ev: list[Evidence], score: float,
            direction: str | None = None) -> list[Candidate]:
        if not any(a - 0.0005 <= km <= b + 0.0005 for a, b in self._spans[lm.road]):
            return []  # an offset beyond the road's end: not a place this map has

        def make() -> tuple[Place, str]:
            place = self.map.point_at(lm.road, km, heading=heading, direction=direction,
                                      text=text, notes=notes)
            return place, self._pick(place)

        return [Candidate(None, score, tuple(ev), lm, make=make, road=lm.road, km=km,
                          heading=heading)]

    def _pick(self, place: Place) -> str:
        """A stake text :meth:`RoadMap.locate` reads back to this very place."""
        text = f"{place.road} {place.stake}"
        if place.heading and place.section:
            sec = self.map.section(place.section)
            names = sec.towards_increasing if place.heading == "increasing" else (
                sec.towards_decreasing)
            if names and names.en:
                text += f" towards {names.en}"
        return text


def _rank(found: list[Candidate]) -> list[Candidate]:
    """Best first; candidates that are one place (same road and carriageway, close) merged."""
    found = sorted(found, key=lambda c: -c.score)
    out: list[Candidate] = []
    for c in found:
        if c.km is not None and any(
                o.road == c.road and o.heading == c.heading and o.km is not None
                and abs(o.km - c.km) < SAME_KM for o in out):
            continue
        out.append(c)
    return out
