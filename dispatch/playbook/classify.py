"""Suggesting playbooks from what the caller says.

Each playbook lists words and phrases in English and Chinese; choices of its
questions list their own (``爆胎`` → ``fault = tyre``).  Chinese is written
without spaces, so Chinese phrases match as substrings of the narrative;
English phrases match as whole words, allowing the common endings
(``crash`` matches ``crashed``, ``tyre`` matches ``tyres``).  Where two
phrases of one playbook overlap, only the longer counts (``爆胎`` and not
also ``胎``), and a phrase said twice counts once.

Weights: an ordinary word 1, a choice's word 2 (it names a sub-kind, which
is specific), a strong word 3 (it nearly decides: ``投诉``, ``complaint``).
The suggestion is for the operator to confirm, never applied silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dispatch.playbook.schema import PlaybookSpec
from dispatch.playbook.text import normalize, phrase_pattern

WEIGHT_WORD = 1
WEIGHT_CHOICE = 2
WEIGHT_STRONG = 3

@dataclass(frozen=True)
class Match:
    """A playbook the narrative points to.

    Attributes:
        playbook: The playbook id.
        score: The sum of the weights of the phrases that matched.
        words: The matched text, in the order it appears in the narrative.
        suggested: Answers the words suggest (``{"fault": "tyre"}``), to confirm.
    """

    playbook: str
    score: int
    words: tuple[str, ...]
    suggested: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{playbook, score, words, suggested}``."""
        return {"playbook": self.playbook, "score": self.score, "words": list(self.words),
                "suggested": dict(self.suggested)}


@dataclass(frozen=True)
class _Phrase:
    pattern: re.Pattern[str]
    weight: int
    suggests: tuple[str, str] | None  # (question id, choice id)


class Classifier:
    """Scores narratives against a set of playbooks.

    Build it once per playbook set; :meth:`classify` is then cheap.
    """

    def __init__(self, specs: Iterable[PlaybookSpec]) -> None:
        self._order: list[str] = []
        self._phrases: dict[str, list[_Phrase]] = {}
        for spec in specs:
            self._order.append(spec.id)
            phrases = [_Phrase(phrase_pattern(p), WEIGHT_WORD, None) for _, p in spec.words.all()]
            phrases += [_Phrase(phrase_pattern(p), WEIGHT_STRONG, None)
                        for _, p in spec.strong_words.all()]
            for question in spec.questions:
                for choice in question.choices:
                    phrases += [_Phrase(phrase_pattern(p), WEIGHT_CHOICE, (question.id, choice.id))
                                for _, p in choice.words.all()]
            self._phrases[spec.id] = phrases

    def classify(self, narrative: str) -> list[Match]:
        """Rank the playbooks that the narrative's words point to.

        Args:
            narrative: What the caller said, in Chinese, English or both.

        Returns:
            The matching playbooks, best first (ties keep the playbook order);
            empty when no word matched.
        """
        text = normalize(narrative)
        matches = []
        for rank, pid in enumerate(self._order):
            hits = []  # (start, end, phrase)
            for phrase in self._phrases[pid]:
                hits += [(m.start(), m.end(), phrase) for m in phrase.pattern.finditer(text)]
            # Longest first, then drop hits inside a longer one: 爆胎 wins over 胎.
            hits.sort(key=lambda h: (h[0] - h[1], h[0]))
            kept: list[tuple[int, int, _Phrase]] = []
            for start, end, phrase in hits:
                if not any(s <= start and end <= e for s, e, _ in kept):
                    kept.append((start, end, phrase))
            if not kept:
                continue
            kept.sort(key=lambda h: h[0])
            seen: dict[str, _Phrase] = {}
            suggested: dict[str, Any] = {}
            for start, end, phrase in kept:
                word = text[start:end]
                if word not in seen:
                    seen[word] = phrase
                if phrase.suggests and phrase.suggests[0] not in suggested:
                    suggested[phrase.suggests[0]] = phrase.suggests[1]
            # A phrase counts once however often it is said, and a choice once however many
            # of its words are ("tyre" and "blew out" both say fault = tyre).
            evidence = {(p.suggests or id(p)): p.weight for p in seen.values()}
            score = sum(evidence.values())
            # On equal scores the playbook whose words cover more of the text is the more
            # specific one ("system crashed" beats "crash"); then the playbook order.
            covered = sum(len(word) for word in seen)
            matches.append(((-score, -covered, rank), Match(pid, score, tuple(seen), suggested)))
        return [m for _, m in sorted(matches, key=lambda t: t[0])]
