"""Answers the caller has already given, read from their words, to confirm.

"三辆车追尾，有两个人受伤，没有起火" answers three of the accident's questions
before the operator asks them: ``vehicles = 3``, ``injured = 2``, ``fire = false``.
:func:`pre_answers` reads them with the cues of ``playbooks/answers.toml``
(:mod:`dispatch.playbook.cues`) and the words of the playbooks' choices, each with
its evidence — the words that say it — for the operator to confirm; nothing here
records anything.

How a clause is read: a hit denied by a negator just before it (in the same
clause, within the window) gives the cue's ``negated`` answer; a clause of doubt
("不知道有没有起火", "not sure whether") gives none.  Where hits disagree, the
safer answer wins: ``true`` over ``false``, the larger count, and a "no" is not
suggested at all when other words affirm the danger ("I'm not hurt, my wife is
bleeding").  For a choice, the choice with most words said, then the first said.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.playbook.cues import ANSWERS_FILE, AnswersSpec, Cue, check_answers_file, fits
from dispatch.playbook.load import PlaybookValidationError, shipped_folder
from dispatch.playbook.numbers import EN_NUMBER, ZH_CHARS, ZH_NUMBER, number_value
from dispatch.playbook.schema import PlaybookSpec, Question, Words
from dispatch.playbook.text import has_cjk, normalize
from dispatch.playbook.wordscan import simplified_char

if TYPE_CHECKING:
    from dispatch.playbook.catalog import PlaybookSet

_PUNCTUATION = r"[,.;:!?，。；：！？、\n()（）]"
_NEGATOR_CHARS = "没无未不别非"


@dataclass(frozen=True)
class PreAnswer:
    """An answer the caller's words give, to confirm.

    Attributes:
        question: The question id.
        value: The answer (``bool``, ``int`` or a choice id), of the question's type.
        evidence: The caller's words that give it, as they said them.
        span: Where those words stand in the text given (start, end).
    """

    question: str
    value: Any
    evidence: str
    span: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{question, value, evidence, span}``."""
        return {"question": self.question, "value": self.value, "evidence": self.evidence,
                "span": list(self.span)}


@dataclass(frozen=True)
class _Hit:
    start: int  # in the folded text
    end: int
    value: Any  # None: the words affirm without a value
    said: int  # how many distinct words of this value (choices)
    weak: bool = False  # a tally: any count said outright wins over it


@dataclass
class _Compiled:
    """One cue, compiled: its patterns, what they give and what cancels them."""

    patterns: list[re.Pattern[str]]
    count: bool
    value: Any
    negated: Any
    unless: list[re.Pattern[str]]
    #: For a tally: the kind each pattern names, and how many kinds make a count.
    kinds: list[int] | None = None
    at_least: int = 2
    one_is_article: bool = False


def fold(text: str) -> tuple[str, list[int]]:
    """Fold text as :func:`~dispatch.playbook.text.normalize` does, keeping where each char was.

    Args:
        text: The text.

    Returns:
        The folded text and, for each of its characters, the index in ``text`` it came from.
    """
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            folded = " "
        else:
            # Traditional characters read as simplified, one for one (the classifier's OpenCC).
            folded = normalize(simplified_char(char))
        out.extend(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


class PreAnswerer:
    """The answers file compiled for a set of playbooks; :meth:`read` is then cheap."""

    def __init__(self, spec: AnswersSpec, playbooks: list[PlaybookSpec]) -> None:
        self.spec = spec
        self._negators = [(has_cjk(n), _phrase(n, endings=False))
                          for _, n in spec.negators.all()]
        self._doubt = _patterns(spec.doubt)
        breaks = [rf"\b{re.escape(normalize(w))}\b" if not has_cjk(w) else re.escape(w)
                  for _, w in spec.breaks.all()]
        self._clause = re.compile("|".join([_PUNCTUATION, *breaks]))
        self._read: dict[tuple[str, str], list[PreAnswer]] = {}
        self._cues: dict[tuple[str, str], list[_Compiled]] = {}
        self._questions: dict[str, list[Question]] = {}
        for playbook in playbooks:
            self._questions[playbook.id] = [q for q in playbook.questions if q.type != "text"]
            for question in self._questions[playbook.id]:
                self._cues[playbook.id, question.id] = self._compile(playbook, question)

    def _compile(self, playbook: PlaybookSpec, question: Question) -> list[_Compiled]:
        rules = [rule for rule in self.spec.answers if question.id in rule.questions and (
            not rule.playbooks or playbook.id in rule.playbooks)]
        unless = [p for rule in rules for p in _patterns(rule.unless)]
        cues = [_Compiled(_patterns(c.words), False, c.id, None, list(unless))
                for c in question.choices if c.words.all()]
        for rule in rules:
            for cue in rule.cues:
                compiled = self._cue(cue)
                compiled.unless += unless
                cues.append(compiled)
        return cues

    def _cue(self, cue: Cue) -> _Compiled:
        if cue.tally.all():
            kinds = [(k, _phrase(word)) for k, (_, group) in enumerate(cue.tally.all())
                     for word in group.split("|") if word.strip()]
            return _Compiled([p for _, p in kinds], False, None, None, _patterns(cue.unless),
                             kinds=[k for k, _ in kinds], at_least=cue.at_least)
        if not cue.count.all():
            return _Compiled(_patterns(cue.words), False, cue.value, cue.negated,
                             _patterns(cue.unless))
        fillers = self.spec.gaps.en if cue.fillers is None else cue.fillers
        patterns = [self._template(t, fillers, lang) for lang, t in cue.count.all()]
        return _Compiled(patterns, True, None, None, _patterns(cue.unless),
                         one_is_article=cue.one_is_article)

    def _template(self, template: str, fillers: list[str], lang: str) -> re.Pattern[str]:
        """A count template as a pattern: ``{n}`` a number, ``*`` a short gap.

        Chinese templates (listed under ``zh``, or holding Chinese) read Chinese numerals and
        gaps of characters: ``{n}*injured`` there reads "两个人injured".
        """
        gaps = self.spec.gaps
        folded = normalize(template)
        if lang == "zh" or has_cjk(folded):
            banned = re.escape(ZH_CHARS + _NEGATOR_CHARS + gaps.zh_not) + r"\d"
            parts = [rf"(?<!第)(?P<n>{ZH_NUMBER})" if p == "{n}" else
                     rf"[^{banned}]{{0,{gaps.zh_max}}}?" if p == "*" else re.escape(p)
                     for p in re.split(r"(\{n\}|\*)", folded) if p]
            return re.compile("".join(parts))
        filler = "|".join(re.escape(normalize(f)) for f in fillers) or r"(?!x)x"
        tokens = folded.replace("-", " ").split()
        body = ""
        for i, word in enumerate(tokens):
            if word == "*":
                body += rf"(?:(?:{filler})[\s-]+){{0,{gaps.en_max}}}?"
                continue  # the gap takes the spaces after its words
            if word == "{n}":
                body += rf"(?<![\w])(?P<n>{EN_NUMBER})(?![\w])"
            else:
                body += rf"(?<![\w]){re.escape(word)}(?:s|es|ed|d|ing)?(?![\w])"
            if i < len(tokens) - 1:
                body += r"[\s-]+"
        return re.compile(body)

    def read(self, playbook_id: str, text: str) -> list[PreAnswer]:
        """The pre-answers of ``text`` for playbook ``playbook_id``, in question order."""
        if playbook_id not in self._questions or not text:
            return []
        # The console asks at every redraw of the pane: the same words, the same answers.
        found = self._read.get((playbook_id, text))
        if found is None:
            if len(self._read) > 1024:
                self._read.clear()
            found = self._read[playbook_id, text] = self._read_now(playbook_id, text)
        return list(found)

    def _read_now(self, playbook_id: str, text: str) -> list[PreAnswer]:
        folded, where = fold(text)
        clauses = list(self._clauses(folded))
        found = []
        for question in self._questions[playbook_id]:
            cues = self._cues[playbook_id, question.id]
            hits = [hit for cue in cues if cue.kinds is None
                    for start, end in clauses for hit in self._hits(cue, folded, start, end)]
            hits += [hit for cue in cues if cue.kinds is not None
                     for hit in self._tally(cue, folded)]
            best = _decide(question, hits)
            if best is not None:
                lo = where[best.start]
                hi = where[best.end - 1] + 1
                found.append(PreAnswer(question.id, best.value, text[lo:hi], (lo, hi)))
        return found

    def _clauses(self, text: str) -> Iterator[tuple[int, int]]:
        start = 0
        for sep in self._clause.finditer(text):
            if sep.start() > start:
                yield start, sep.start()
            start = sep.end()
        if start < len(text):
            yield start, len(text)

    def _hits(self, cue: _Compiled, text: str, lo: int, hi: int) -> Iterator[_Hit]:
        clause = text[lo:hi]
        if any(p.search(clause) for p in self._doubt):
            return
        cancels = [(m.start(), m.end()) for p in cue.unless for m in p.finditer(clause)]
        for pattern in cue.patterns:
            for m in pattern.finditer(clause):
                if any(s < m.end() and m.start() < e for s, e in cancels):
                    continue
                if cue.count:
                    n = number_value(text, m.group("n"), lo + m.start("n"))
                    if n is not None and not (n == 1 and cue.one_is_article):
                        yield _Hit(lo + m.start(), lo + m.end(), n, 1)
                    continue
                denied = self._denied(clause, m.start())
                if denied is None:
                    yield _Hit(lo + m.start(), lo + m.end(), cue.value, 1)
                elif cue.negated is not None:
                    yield _Hit(lo + denied, lo + m.end(), cue.negated, 1)

    def _tally(self, cue: _Compiled, text: str) -> Iterator[_Hit]:
        """One hit counting the kinds named in the whole text (longest words first)."""
        assert cue.kinds is not None
        cancels = [(m.start(), m.end()) for p in cue.unless for m in p.finditer(text)]
        found = sorted(((m.start(), m.end(), kind)
                        for pattern, kind in zip(cue.patterns, cue.kinds, strict=True)
                        for m in pattern.finditer(text)), key=lambda h: (h[0] - h[1], h[0]))
        kept: list[tuple[int, int, int]] = []
        for start, end, kind in found:
            if not any(s < end and start < e for s, e, _ in kept) and not any(
                    s < end and start < e for s, e in cancels):
                kept.append((start, end, kind))
        kinds = {kind for _, _, kind in kept}
        if len(kinds) >= cue.at_least:
            yield _Hit(min(h[0] for h in kept), max(h[1] for h in kept), len(kinds), 1, weak=True)

    def _denied(self, clause: str, start: int) -> int | None:
        """Where a negator just before ``start`` begins (``None``: the words are not denied)."""
        before = clause[:start]
        window = self.spec.window
        for cjk, pattern in self._negators:
            for m in pattern.finditer(before):
                gap = before[m.end():]
                if (cjk and len(gap.strip()) <= window.zh) or (
                        not cjk and len(gap.split()) <= window.en):
                    return m.start()
        return None


# Latin letters and digits: English words end where these do (a Chinese character next to
# "ETC" is a boundary, unlike for ``\w``: "ETC车道" says ETC).
_LATIN = r"a-z0-9_\u00c0-\u024f"


def _phrase(phrase: str, *, endings: bool = True) -> re.Pattern[str]:
    """A phrase as a pattern over folded text (as :func:`~.text.phrase_pattern`, but mixed
    Chinese and English text splits words at the change of script)."""
    folded = normalize(phrase)
    if has_cjk(folded):
        return re.compile(re.escape(folded))
    body = r"[\s-]+".join(re.escape(w) for w in folded.split())
    tail = "(?:s|es|ed|d|ing)?" if endings else ""
    return re.compile(rf"(?<![{_LATIN}]){body}{tail}(?![{_LATIN}])")


def _patterns(words: Words) -> list[re.Pattern[str]]:
    return [_phrase(p) for _, p in words.all()]


def _decide(question: Question, hits: list[_Hit]) -> _Hit | None:
    """The one answer the hits give (see the module's rules), or ``None``."""
    valued = [h for h in hits if h.value is not None and fits(question, h.value)]
    if any(not h.weak for h in valued):
        valued = [h for h in valued if not h.weak]
    if not valued:
        return None
    if question.type == "choice":
        said: dict[Any, list[_Hit]] = {}
        for hit in sorted(valued, key=lambda h: h.start):
            said.setdefault(hit.value, []).append(hit)
        return max(said.values(), key=lambda hs: (len(hs), -hs[0].start))[0]
    first = sorted(valued, key=lambda h: h.start)
    if question.type == "bool":
        best = next((h for h in first if h.value is True), first[0])
    else:
        best = max(first, key=lambda h: h.value)  # max keeps the first of equal counts
    negative = best.value is False or best.value == 0
    if negative and any(h.value is None for h in hits):
        return None  # "nobody hurt" said, but so is "bleeding": leave it to the operator
    return _widen(best, valued)


def _widen(best: _Hit, hits: list[_Hit]) -> _Hit:
    """The hit grown over the hits of the same answer it touches: 堵在 + 第二车道."""
    start, end = best.start, best.end
    grown = True
    while grown:
        grown = False
        for hit in hits:
            if hit.value == best.value and hit.start <= end and start <= hit.end and (
                    hit.start < start or hit.end > end):
                start, end, grown = min(start, hit.start), max(end, hit.end), True
    return _Hit(start, end, best.value, best.said)


# -- loading -----------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary[Any, PreAnswerer] = weakref.WeakKeyDictionary()


def answers_path(folder: Path | None) -> Path:
    """The answers file of a playbook folder (the shipped one if it has none)."""
    path = (folder or shipped_folder()) / ANSWERS_FILE
    return path if path.is_file() else shipped_folder() / ANSWERS_FILE


def load_preanswerer(playbooks: PlaybookSet) -> PreAnswerer:
    """The answers file for ``playbooks``, validated against them and compiled once.

    Raises:
        PlaybookValidationError: The file is invalid (``file:line: key: what is wrong``).
    """
    found = _CACHE.get(playbooks)
    if found is None:
        specs = list(playbooks)
        spec, problems = check_answers_file(answers_path(playbooks.folder), specs)
        if spec is None:
            raise PlaybookValidationError(problems)
        found = _CACHE[playbooks] = PreAnswerer(spec, specs)
    return found


def pre_answers(playbooks: PlaybookSet, playbook_id: str, text: str) -> list[PreAnswer]:
    """The answers the caller's words already give to playbook ``playbook_id``'s questions.

    Args:
        playbooks: The loaded playbooks (their folder's ``answers.toml``, else the shipped one).
        playbook_id: The playbook applied (unknown ids give no pre-answers).
        text: What the caller said, in Chinese, English or both.

    Returns:
        One pre-answer per question the words answer, in the playbook's question order.
    """
    return load_preanswerer(playbooks).read(playbook_id, text)
