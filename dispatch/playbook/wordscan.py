"""Finding listed phrases in a caller's words: exact, misspelt, or sounding alike.

The pieces the classifier (:mod:`dispatch.playbook.classify`) is built from:

- :func:`prepare`: the text folded for matching (:func:`~dispatch.playbook.text.normalize`,
  then traditional characters to simplified with OpenCC's tables, which keeps every
  character's position, so spans stay valid).
- :class:`PhraseTrie`: every phrase of every playbook in one character trie, so one pass
  over the text finds them all, overlapping ones included.  Chinese phrases match anywhere
  (Chinese has no spaces); Latin ones as whole words with the common endings
  (``crash`` → ``crashed``).
- :class:`Fuzzy`: English words that speech-to-text or a hurried typist got slightly wrong
  (``colision``, ``feul``, ``toe truck``), by optimal-string-alignment distance
  (rapidfuzz), one edit for short words and two for long ones, first letter kept.
- :class:`SoundsLike`: Chinese near-homophones (``车货`` for ``车祸``, ``抛猫`` for ``抛锚``)
  by toneless pinyin (pypinyin), unless the span is itself a common word (``没有`` is
  not ``没油``), judged by jieba's dictionary.
- :func:`segment`: jieba's segmentation, for ``--explain``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dispatch.playbook.text import has_cjk, is_wide, normalize

#: English endings a listed word may take and still count.
ENDINGS = ("", "s", "es", "ed", "d", "ing")
#: Characters that close a clause: a denial does not reach past them.
CLAUSE_MARKS = frozenset(",.;:!?，。；：！？、\n()（）")
#: A span that sounds like a phrase but is a word this common is taken as that word.
COMMON_WORD_FREQ = 50

_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def simplified_char(char: str) -> str:
    """One character as simplified Chinese (itself when it is not traditional)."""
    converted = _t2s().convert(char) if is_wide(char) else char
    return converted if len(converted) == 1 else char


def prepare(text: str) -> str:
    """The text as phrases are matched against it: folded, traditional made simplified."""
    folded = normalize(text)
    if has_cjk(folded):
        converted = _t2s().convert(folded)
        # OpenCC's phrase tables could in principle change a length; spans must stay valid.
        if len(converted) == len(folded):
            return converted
        return "".join(_t2s().convert(c) or c for c in folded)
    return folded


@lru_cache(maxsize=16384)
def prepare_phrase(phrase: str) -> str:
    """A listed phrase folded the way :func:`prepare` folds text."""
    return prepare(phrase.strip())


def latin_words(text: str) -> list[tuple[int, int]]:
    """The spans of the Latin words (letters, digits, inner ``'`` or ``-``) of ``text``."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_word_char(char: str) -> bool:
    return char.isalnum() and not has_cjk(char)


@dataclass
class _Node:
    next: dict[str, _Node] = field(default_factory=dict)
    ends: list[Any] = field(default_factory=list)


class PhraseTrie:
    """Many phrases, found in one pass; each phrase carries a payload (what it means)."""

    def __init__(self) -> None:
        self._root = _Node()
        self.size = 0

    def add(self, phrase: str, payload: Any) -> None:
        """Add a (prepared) phrase with its payload; a phrase may carry several."""
        node = self._root
        for char in phrase:
            node = node.next.setdefault(char, _Node())
        node.ends.append(payload)
        self.size += 1

    def find(self, text: str, *, endings: bool = True) -> list[tuple[int, int, Any]]:
        """Every ``(start, end, payload)`` in ``text``, overlapping matches included.

        A phrase with CJK characters matches anywhere; a Latin phrase must start and end
        at a word boundary, where it may take one of :data:`ENDINGS` when ``endings``
        (``end`` then covers the ending).
        """
        found: list[tuple[int, int, Any]] = []
        n = len(text)
        for i in range(n):
            node = self._root.next.get(text[i])
            if node is None:
                continue
            at_word_start = i == 0 or not _is_word_char(text[i - 1])
            j = i + 1
            while node is not None:
                if node.ends:
                    self._ends(text, i, j, node.ends, at_word_start, endings, found)
                if j >= n:
                    break
                node = node.next.get(text[j])
                j += 1
        return found

    @staticmethod
    def _ends(text: str, start: int, end: int, payloads: list[Any], at_word_start: bool,
              endings: bool, found: list[tuple[int, int, Any]]) -> None:
        cjk = has_cjk(text[start:end])
        if cjk:
            found += [(start, end, p) for p in payloads]
            return
        if not at_word_start:
            return
        for ending in ENDINGS if endings else ("",):
            stop = end + len(ending)
            if text.startswith(ending, end) and (stop >= len(text)
                                                 or not _is_word_char(text[stop])):
                found += [(start, stop, p) for p in payloads]
                return


def _allowed_edits(length: int) -> int:
    """How many edits a misspelling of a word this long may have."""
    return 0 if length < 4 else 1 if length < 8 else 2


def _word_close(said: str, listed: str, in_phrase: bool) -> bool:
    """Whether one word of a misspelt phrase is close enough to the listed word.

    In a phrase of several words the others anchor it, so a three-letter word may have
    one letter wrong (``toe truck``); alone it must be exact.
    """
    if said == listed or (len(said) >= 4 and _close_enough(said, listed)):
        return True
    return in_phrase and len(said) == len(listed) == 3 and sum(
        a != b for a, b in zip(said, listed, strict=True)) == 1


def _close_enough(said: str, phrase: str) -> bool:
    """Short words may only swap two letters (``feul``): ``time`` is not ``tire``."""
    return len(said) >= 5 or sorted(said) == sorted(phrase)


class Fuzzy:
    """English phrases matched despite a typo or a misheard letter."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_words: dict[tuple[int, str], list[str]] = {}
        self.exact: set[str] = set()
        for phrase in phrases:
            if has_cjk(phrase):
                continue
            words = phrase.split()
            self.exact.add(phrase)
            key = (len(words), phrase[0])
            self._by_words.setdefault(key, []).append(phrase)
        self._cache: dict[str, tuple[str, int] | None] = {}

    def closest(self, said: str, words: int) -> tuple[str, int] | None:
        """The listed phrase of ``words`` words closest to ``said``, and the edits, if close.

        Distance is optimal string alignment (a swap of two letters is one edit); the
        first letter must be right, and a word shorter than 4 letters must be exact.
        """
        key = said
        if key in self._cache:
            return self._cache[key]
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        best = None
        candidates = self._by_words.get((words, said[0]), [])
        limit = _allowed_edits(len(said.replace(" ", "")))
        if candidates and limit:
            hit = process.extractOne(said, candidates, scorer=OSA.distance, score_cutoff=limit)
            if hit is not None and hit[1] > 0:
                phrase, edits = hit[0], int(hit[1])
                # Every word of a phrase of several must be long enough to be misspelt.
                pairs = list(zip(said.split(), phrase.split(), strict=False))
                if all(_word_close(a, b, len(pairs) > 1) for a, b in pairs):
                    best = (phrase, edits)
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[key] = best
        return best

    @staticmethod
    def score(said: str, edits: int) -> float:
        """A similarity in 0..100 for the report: 100 less the share of letters edited."""
        return round(100 * (1 - edits / max(len(said), 1)), 1)


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    """The toneless pinyin of a character, its usual reading only.

    Rare readings would make unrelated words sound alike (坏 may be read pī, like 被's
    rare pī), and speech-to-text writes the usual reading of what it heard.
    """
    from pypinyin import Style, pinyin

    if not has_cjk(char):
        return frozenset()
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=False)[0])


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def common_word(span: str) -> bool:
    """Whether jieba's dictionary knows ``span`` as a word at least this common."""
    return _tokenizer().FREQ.get(span, 0) >= COMMON_WORD_FREQ


def segment(text: str, words: Iterable[str] = ()) -> list[str]:
    """jieba's segmentation of ``text``, the listed ``words`` kept whole."""
    tokenizer = _tokenizer()
    for word in words:
        if has_cjk(word) and word not in tokenizer.FREQ:
            tokenizer.add_word(word)
    return [w for w in tokenizer.lcut(text) if w.strip()]


class SoundsLike:
    """Chinese phrases of two characters or more, matched by how they sound."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        for phrase in phrases:
            if len(phrase) >= 2 and all(has_cjk(c) for c in phrase):
                for reading in _readings(phrase[0]):
                    self._by_first.setdefault(reading, []).append(phrase)

    def find(self, text: str, taken: Iterable[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """``(start, end, phrase)`` for spans that sound like a phrase but are written otherwise.

        Spans overlapping ``taken`` (exact matches) are skipped, and so are spans that are a
        common word in their own right.
        """
        covered = set()
        for start, end in taken:
            covered.update(range(start, end))
        found = []
        for i, char in enumerate(text):
            if i in covered:
                continue
            for reading in _readings(char):
                for phrase in self._by_first.get(reading, ()):
                    end = i + len(phrase)
                    span = text[i:end]
                    if (end > len(text) or span == phrase or covered.intersection(range(i, end))
                            or sum(a != b for a, b in zip(span, phrase, strict=True)) * 2
                            > len(phrase)):
                        continue
                    if all(_readings(phrase[k]) & _readings(span[k]) for k in range(len(span))) \
                            and not common_word(span):
                        found.append((i, end, phrase))
        return found
