"""How urgent a ringing call is, from the caller's words, before anyone answers it.

``playbooks/urgency.toml`` lists the dangers (fire, smoke, trapped, hazardous
goods, injured, a vehicle in a live lane) with their words in both languages
and the priority level each stands for, and the negators that deny a danger
said in the same breath ("nobody is hurt", "没有起火").  :func:`triage` marks a
narrative's dangers and ranks it with the playbook the words suggest: the
queue answers the most urgent first, then the oldest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from dispatch.playbook.load import PlaybookValidationError, Problem, _File, shipped_folder
from dispatch.playbook.schema import Text, Words, _Model
from dispatch.playbook.text import has_cjk, normalize, phrase_pattern

URGENCY_FILE = "urgency.toml"
#: The level of a call the words place in no playbook: it may be anything, so it is
#: answered before the routine (a complaint, a query) but after a marked danger.
UNKNOWN_LEVEL = 3
_CLAUSE = re.compile(r"[,.;:!?，。；：！？、\n]|\bbut\b|\bhowever\b|但是|但|不过|可是")


class Window(_Model):
    """How far before a danger word a negator still denies it."""

    en: Annotated[int, Field(ge=0, le=10)] = 3
    zh: Annotated[int, Field(ge=0, le=10)] = 2


class DangerSpec(_Model):
    """One danger: its id, priority level, label and words."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    level: Annotated[int, Field(ge=1, le=4)]
    label: Text
    words: Words


class UrgencySpec(_Model):
    """The urgency file (``urgency.toml``), as written."""

    version: Annotated[int, Field(ge=1)]
    window: Window = Window()
    negators: Words
    dangers: list[DangerSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Triage:
    """What the words of a ringing call say about its urgency.

    Attributes:
        urgency: 1 (most urgent) … 4: the most urgent of the dangers marked and the
            suggested playbook's default priority.
        dangers: The danger ids marked, most urgent first.
        suggested: The playbook the words suggest (``None``: none).
    """

    urgency: int
    dangers: tuple[str, ...] = ()
    suggested: str | None = None


class Urgency:
    """The dangers of ``urgency.toml``, compiled once."""

    def __init__(self, spec: UrgencySpec, source: Path | None = None) -> None:
        self.spec = spec
        self.source = source
        self.levels = {d.id: d.level for d in spec.dangers}
        self.labels = {d.id: d.label for d in spec.dangers}
        self._dangers = [(d.id, [phrase_pattern(p) for _, p in d.words.all()])
                         for d in spec.dangers]
        self._negators = [(has_cjk(n), phrase_pattern(n)) for _, n in spec.negators.all()]

    def dangers(self, narrative: str) -> tuple[str, ...]:
        """The dangers the narrative names (and does not deny), most urgent first."""
        text = normalize(narrative)
        found = []
        for danger, patterns in self._dangers:
            if any(not self._denied(text, m.start()) for p in patterns for m in p.finditer(text)):
                found.append(danger)
        return tuple(sorted(found, key=lambda d: self.levels[d]))

    def _denied(self, text: str, start: int) -> bool:
        """Whether a negator stands just before ``start``, in the same clause."""
        clause_start = 0
        for sep in _CLAUSE.finditer(text, 0, start):
            clause_start = sep.end()
        before = text[clause_start:start]
        window = self.spec.window
        for cjk, pattern in self._negators:
            for m in pattern.finditer(before):
                gap = before[m.end():]
                if cjk and len(gap.strip()) <= window.zh:
                    return True
                if not cjk and len(gap.split()) <= window.en:
                    return True
        return False

    def triage(self, narrative: str, suggested: str | None = None,
               suggested_level: int | None = None) -> Triage:
        """Rank a narrative: its dangers, and the suggested playbook's level."""
        dangers = self.dangers(narrative)
        levels = [self.levels[d] for d in dangers]
        levels.append(suggested_level if suggested_level is not None else UNKNOWN_LEVEL)
        return Triage(min(levels), dangers, suggested)


def check_urgency_file(path: Path) -> tuple[UrgencySpec | None, list[Problem]]:
    """Read and validate an urgency file (``urgency.toml``)."""
    file = _File(path)
    data = file.read()
    if data is None:
        return None, file.problems
    spec = file.model(UrgencySpec, data)
    if spec is None:
        return None, file.problems
    seen: set[str] = set()
    for i, danger in enumerate(spec.dangers):
        if danger.id in seen:
            file.add(("dangers", i, "id"), f"duplicate danger id {danger.id!r}")
        seen.add(danger.id)
        if not danger.words.all():
            file.add(("dangers", i, "words"), "a danger needs at least one word")
    return (None if file.problems else spec), file.problems


def load_urgency(folder: Path | None = None) -> Urgency:
    """Load ``urgency.toml`` from ``folder`` (``None``, or a folder without one: shipped).

    Raises:
        PlaybookValidationError: The file is invalid (``file:line: key: what is wrong``).
    """
    path = (folder or shipped_folder()) / URGENCY_FILE
    if not path.is_file():
        path = shipped_folder() / URGENCY_FILE
    spec, problems = check_urgency_file(path)
    if spec is None:
        raise PlaybookValidationError(problems)
    return Urgency(spec, path)
