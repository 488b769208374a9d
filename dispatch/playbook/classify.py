"""Suggesting playbooks from what the caller says.

Each playbook lists words and phrases in English and Chinese (``[words]``,
``[[words.groups]]`` with their own weight, ``[strong_words]``); choices of its
questions list their own (``爆胎`` → ``fault = tyre``).  The text is folded first
(full-width, case, traditional characters → simplified).  Chinese phrases match
as substrings (Chinese has no spaces); English phrases as whole words, allowing
the common endings (``crash`` matches ``crashed``).  Where two phrases of one
playbook overlap, only the longer counts (``爆胎`` and not also ``胎``), and a
phrase said twice counts once.

Weights: an ordinary word 1, a choice's word 2 (it names a sub-kind, which is
specific), a strong word 3 (it nearly decides: ``投诉``, ``complaint``), a group
its own.  A phrase a negator denies (``not`` an accident, ``没有``起火) counts
nothing.  English words a letter or two off (``colision``) count at
:data:`FUZZY_FACTOR` of their weight, Chinese spans that sound like a phrase
(``车货`` for ``车祸``) at :data:`SOUND_FACTOR`.  The suggestion is for the
operator to confirm, never applied silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dispatch.playbook.schema import PlaybookSpec
from dispatch.playbook.text import has_cjk
from dispatch.playbook.wordscan import (
    CLAUSE_MARKS,
    Fuzzy,
    PhraseTrie,
    SoundsLike,
    latin_words,
    prepare,
    prepare_phrase,
    segment,
)

WEIGHT_WORD = 1
WEIGHT_CHOICE = 2
WEIGHT_STRONG = 3
#: A misspelt English phrase counts this share of its weight.
FUZZY_FACTOR = 0.8
#: A Chinese span that only sounds like the phrase counts this share of its weight.
SOUND_FACTOR = 0.8
#: Words that open a new clause: a denial before them does not reach past them.
CLAUSE_WORDS = frozenset({"but", "and", "just", "only", "so", "then", "when", "because",
                          "though", "although", "while"})
CLAUSE_WORDS_ZH = ("就是", "只是", "但是", "可是", "不过", "然后", "而且", "但", "却")


@dataclass(frozen=True)
class Evidence:
    """One listed phrase found in the words, and what it counted.

    Attributes:
        phrase: The phrase as listed (folded).
        said: The text that matched it.
        start: Where ``said`` starts in the folded text.
        end: Where it ends.
        weight: What it added to the score (0 when denied, or when a choice or phrase
            already counted).
        listed: The weight the playbook gives it.
        how: ``exact``, ``fuzzy`` (a typo) or ``sound`` (a Chinese near-homophone).
        similarity: 100 for exact; the fuzzy or sound similarity otherwise.
        suggests: ``(question id, choice id)`` for a choice's word.
        negated_by: The negator that denied it, if any.
    """

    phrase: str
    said: str
    start: int
    end: int
    weight: float
    listed: int
    how: str = "exact"
    similarity: float = 100.0
    suggests: tuple[str, str] | None = None
    negated_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form, every attribute by name."""
        return {"phrase": self.phrase, "said": self.said, "start": self.start, "end": self.end,
                "weight": self.weight, "listed": self.listed, "how": self.how,
                "similarity": self.similarity,
                "suggests": list(self.suggests) if self.suggests else None,
                "negated_by": self.negated_by}


@dataclass(frozen=True)
class Match:
    """A playbook the narrative points to.

    Attributes:
        playbook: The playbook id.
        score: The sum of the weights of the phrases that counted.
        words: The matched text, in the order it appears in the narrative.
        suggested: Answers the words suggest (``{"fault": "tyre"}``), to confirm.
        evidence: Every phrase found for this playbook, counted or denied, in text order.
        negated: The words that were said but denied (``not an accident``).
    """

    playbook: str
    score: float
    words: tuple[str, ...]
    suggested: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    negated: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{playbook, score, words, suggested}``."""
        return {"playbook": self.playbook, "score": self.score, "words": list(self.words),
                "suggested": dict(self.suggested)}

    def explain_json(self) -> dict[str, Any]:
        """:meth:`to_json` with the evidence and the denied words."""
        return {**self.to_json(), "negated": list(self.negated),
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Explanation:
    """What :meth:`Classifier.explain` found.

    Attributes:
        text: The words as said.
        folded: As matched: folded, traditional characters made simplified.
        segments: jieba's segmentation of ``folded`` (Chinese only; else empty).
        matches: The ranked matches, each with its evidence.
    """

    text: str
    folded: str
    segments: tuple[str, ...]
    matches: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        """``{text, folded, segments, matches}``, the matches with their evidence."""
        return {"text": self.text, "folded": self.folded, "segments": list(self.segments),
                "matches": [m.explain_json() for m in self.matches]}


@dataclass(frozen=True)
class _Phrase:
    playbook: str
    phrase: str
    weight: int
    suggests: tuple[str, str] | None  # (question id, choice id)


@dataclass(frozen=True)
class _Negator:
    playbook: str
    phrase: str
    reach: int


def _entries(spec: PlaybookSpec) -> Iterable[tuple[str, int, tuple[str, str] | None]]:
    """Every phrase of a playbook with its weight and the choice it suggests."""
    yield from ((p, WEIGHT_WORD, None) for _, p in spec.words.all())
    for group in spec.words.groups:
        yield from ((p, group.weight, None) for _, p in group.all())
    yield from ((p, WEIGHT_STRONG, None) for _, p in spec.strong_words.all())
    for question in spec.questions:
        for choice in question.choices:
            yield from ((p, WEIGHT_CHOICE, (question.id, choice.id)) for _, p in choice.words.all())


def _score(value: float) -> float:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


class Classifier:
    """Scores narratives against a set of playbooks.

    Build it once per playbook set; :meth:`classify` is then cheap (one pass over
    the text for every phrase of every playbook).
    """

    def __init__(self, specs: Iterable[PlaybookSpec]) -> None:
        self._order: list[str] = []
        self._phrases = PhraseTrie()
        self._negators = PhraseTrie()
        self._by_phrase: dict[str, list[_Phrase]] = {}
        for spec in specs:
            self._order.append(spec.id)
            for phrase, weight, suggests in _entries(spec):
                folded = prepare_phrase(phrase)
                entry = _Phrase(spec.id, folded, weight, suggests)
                self._phrases.add(folded, entry)
                self._by_phrase.setdefault(folded, []).append(entry)
            for _, phrase in spec.words.negators.all():
                folded = prepare_phrase(phrase)
                self._negators.add(folded, _Negator(spec.id, folded, spec.words.negators.reach))
        self._fuzzy = Fuzzy(self._by_phrase)
        self._sounds = SoundsLike(self._by_phrase)

    @property
    def phrases(self) -> list[str]:
        """Every listed phrase, folded (for segmentation and reports)."""
        return list(self._by_phrase)

    def classify(self, narrative: str) -> list[Match]:
        """Rank the playbooks that the narrative's words point to.

        Args:
            narrative: What the caller said, in Chinese, English or both.

        Returns:
            The matching playbooks, best first (ties keep the playbook order);
            empty when no word counted.
        """
        return self._rank(prepare(narrative), denied=False)

    def _rank(self, text: str, *, denied: bool) -> list[Match]:
        """The matches of folded ``text``; with ``denied``, also those with nothing counted."""
        if not text.strip():
            return []
        hits = self._find(text)
        negators = [(s, e, n) for s, e, n in self._negators.find(text, endings=False)]
        matches = []
        for rank, pid in enumerate(self._order):
            mine = [h for h in hits if h[2].playbook == pid]
            if not mine:
                continue
            match = self._match(text, pid, mine, [n for n in negators if n[2].playbook == pid])
            if match.score > 0 or (denied and match.evidence):
                covered = sum(len(w) for w in set(match.words))
                matches.append(((-match.score, -covered, rank), match))
        return [m for _, m in sorted(matches, key=lambda t: t[0])]

    def explain(self, narrative: str) -> Explanation:
        """Why the words point where they do: the folded text, its segmentation, the matches.

        The matches carry their evidence (:attr:`Match.evidence`), and playbooks whose
        every word was denied are listed too, with score 0; Chinese is segmented
        with jieba (the listed phrases kept whole), which :meth:`classify` does not need.
        """
        folded = prepare(narrative)
        segments = tuple(segment(folded, self._by_phrase)) if has_cjk(folded) else ()
        return Explanation(narrative, folded, segments,
                           tuple(self._rank(folded, denied=True)))

    # -- finding -----------------------------------------------------------------

    def _find(self, text: str) -> list[tuple[int, int, _Phrase, str, float]]:
        """Every phrase found: ``(start, end, phrase, how, similarity)``."""
        found = [(s, e, p, "exact", 100.0) for s, e, p in self._phrases.find(text)]
        taken = [(s, e) for s, e, *_ in found]
        found += self._typos(text, taken)
        if has_cjk(text):
            for start, end, phrase in self._sounds.find(text, taken):
                found += [(start, end, p, "sound", 100.0 * SOUND_FACTOR)
                          for p in self._by_phrase[phrase]]
        return found

    def _typos(self, text: str, taken: list[tuple[int, int]]) -> list[Any]:
        """English phrases said with a typo, among the words no exact phrase took."""
        covered = set()
        for start, end in taken:
            covered.update(range(start, end))
        spans = [(s, e) for s, e in latin_words(text) if not covered.intersection(range(s, e))]
        found = []
        used: set[int] = set()
        for size in (3, 2, 1):  # longest first: "toe truck" before "truck"
            for i in range(len(spans) - size + 1):
                group = spans[i:i + size]
                if any(k in used for k in range(i, i + size)):
                    continue
                gap = text[group[0][1]:group[-1][0]]
                if any(c in CLAUSE_MARKS for c in gap):
                    continue
                words = [text[s:e] for s, e in group]
                start, end = group[0][0], group[-1][1]
                hit = self._typo(words)
                if hit is None:
                    continue
                phrase, similarity = hit
                found += [(start, end, p, "fuzzy", similarity) for p in self._by_phrase[phrase]]
                used.update(range(i, i + size))
        return found

    def _typo(self, words: list[str]) -> tuple[str, float] | None:
        said = " ".join(words)
        if len(words) > 1:
            joined = "".join(words)  # "over heated" is "overheated"
            if joined in self._fuzzy.exact:
                return joined, 100.0
        hit = self._fuzzy.closest(said, len(words))
        if hit is None:
            return None
        return hit[0], Fuzzy.score(said, hit[1])

    # -- scoring -----------------------------------------------------------------

    def _match(self, text: str, pid: str, hits: list[Any], negators: list[Any]) -> Match:
        # Longest first, then drop hits inside a longer one: 爆胎 wins over 胎.
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))
        kept: list[Any] = []
        for hit in hits:
            if not any(k[0] <= hit[0] and hit[1] <= k[1] for k in kept):
                kept.append(hit)
        kept.sort(key=lambda h: h[0])
        counted: dict[Any, float] = {}
        evidence, words, negated = [], [], []
        suggested: dict[str, Any] = {}
        for start, end, phrase, how, similarity in kept:
            said = text[start:end]
            by = self._denied(text, start, negators, kept)
            factor = 1.0 if how == "exact" else FUZZY_FACTOR if how == "fuzzy" else SOUND_FACTOR
            value = phrase.weight * factor
            # A phrase counts once however often it is said, and a choice once however many
            # of its words are ("tyre" and "blew out" both say fault = tyre).
            key = phrase.suggests or phrase.phrase
            if by is not None:
                value = 0.0
                negated.append(said)
            elif value <= counted.get(key, 0.0):
                value = 0.0
            else:
                value, counted[key] = value - counted.get(key, 0.0), value
            if by is None:
                if said not in words:
                    words.append(said)
                if phrase.suggests and phrase.suggests[0] not in suggested:
                    suggested[phrase.suggests[0]] = phrase.suggests[1]
            evidence.append(Evidence(phrase.phrase, said, start, end, round(value, 2),
                                     phrase.weight, how, round(similarity, 1), phrase.suggests,
                                     by))
        return Match(pid, _score(sum(counted.values())), tuple(words), suggested,
                     tuple(evidence), tuple(negated))

    @staticmethod
    def _denied(text: str, start: int, negators: list[Any], kept: list[Any]) -> str | None:
        """The negator that denies a phrase starting at ``start``, if one does."""
        # The nearest, longest negator first: 没有 rather than the 没 inside it.
        for n_start, n_end, negator in sorted(negators, key=lambda n: (-n[1], n[0])):
            if n_end > start:
                continue
            # A negator inside a listed phrase is part of it ("no fuel", "没油", "nobody came").
            if any(k[0] <= n_start and n_end <= k[1] for k in kept):
                continue
            gap = text[n_end:start]
            if any(c in CLAUSE_MARKS for c in gap) or any(w in gap for w in CLAUSE_WORDS_ZH):
                continue
            latin = [gap[s:e] for s, e in latin_words(gap)]
            if any(w in CLAUSE_WORDS for w in latin):
                continue
            cjk = sum(1 for c in gap if has_cjk(c))
            if len(latin) + cjk <= negator.reach:
                return negator.phrase
        return None
