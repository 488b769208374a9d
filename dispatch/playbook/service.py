"""Service language: the standard phrases, and a checker for forbidden ones.

The hotline manuals prescribe how an operator greets, puts a caller on hold,
comes back, apologises during an outage and closes the call, and list
phrases an operator must never use ("I don't know", "not my business",
"hurry up", …).  ``playbooks/service.toml`` holds both; :func:`check_phrases`
flags a forbidden phrase in text an operator types to or about a caller,
with what to say instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dispatch.errors import PlaybookError
from dispatch.playbook.load import (
    SERVICE_FILE,
    PlaybookValidationError,
    check_service_file,
    shipped_folder,
)
from dispatch.playbook.schema import LANGS, ServiceSpec
from dispatch.playbook.text import normalize, phrase_pattern


@dataclass(frozen=True)
class PhraseHit:
    """A forbidden phrase found in a text.

    Attributes:
        id: The forbidden entry's id (``dont_know``).
        phrase: The forbidden phrase as listed.
        lang: Its language.
        start: Where it starts in the (normalised) text.
        end: Where it ends.
        instead: What to say instead, in the phrase's language.
    """

    id: str
    phrase: str
    lang: str
    start: int
    end: int
    instead: str

    def to_json(self) -> dict[str, object]:
        """The JSON form: ``{id, phrase, lang, start, end, instead}``."""
        return {"id": self.id, "phrase": self.phrase, "lang": self.lang,
                "start": self.start, "end": self.end, "instead": self.instead}


class ServiceLanguage:
    """The standard phrases and the forbidden-phrase checker of one ``service.toml``."""

    def __init__(self, spec: ServiceSpec, source: Path | None = None) -> None:
        self.spec = spec
        self.source = source
        # (id, phrase, lang, pattern, scope, instead-by-lang)
        self._forbidden = []
        for entry in spec.forbidden:
            for lang in LANGS:
                for phrase in getattr(entry, lang):
                    self._forbidden.append(
                        (entry.id, phrase, lang, phrase_pattern(phrase, endings=False),
                         entry.scope, entry.instead)
                    )

    @property
    def keys(self) -> list[str]:
        """The names of the standard phrases (``greeting``, ``hold``, …)."""
        return list(self.spec.phrases)

    def phrase(self, key: str, lang: str = "en", **values: object) -> str:
        """A standard phrase with its placeholders filled in.

        Placeholders without a value are left as written (``{operator}``), so a
        missing value shows rather than silently vanishing.

        Raises:
            PlaybookError: No such phrase, or an unknown language.
        """
        if lang not in LANGS:
            raise PlaybookError(f"unknown language {lang!r} (en or zh)")
        text = self.spec.phrases.get(key)
        if text is None:
            raise PlaybookError(f"no service phrase {key!r} (phrases: {', '.join(self.keys)})")
        return text.get(lang).format_map(_Keep(values))

    def check(self, text: str, lang: str | None = None, *, note: bool = False) -> list[PhraseHit]:
        """Find forbidden phrases in ``text``.

        Args:
            text: What the operator typed.
            lang: Check only this language's phrases (default: both, since
                operators mix languages).
            note: The text is a note about the caller, not said to them:
                phrases forbidden only in speech (``不知道`` in "caller 不知道
                the stake") are not flagged.

        Returns:
            The hits, in the order they appear; overlapping hits keep the longest.
        """
        if lang is not None and lang not in LANGS:
            raise PlaybookError(f"unknown language {lang!r} (en or zh)")
        folded = normalize(text)
        hits: list[PhraseHit] = []
        for ident, phrase, plang, pattern, scope, instead in self._forbidden:
            if (lang and plang != lang) or (note and scope == "speech"):
                continue
            hits += [PhraseHit(ident, phrase, plang, m.start(), m.end(), instead.get(plang))
                     for m in pattern.finditer(folded)]
        hits.sort(key=lambda h: (h.start, h.start - h.end))
        kept: list[PhraseHit] = []
        for hit in hits:
            # One hit per place: drop one inside another, or overlapping one of the same entry
            # ("你问别人去" matches both "你问别人" and "问别人去").
            if not any((k.start <= hit.start and hit.end <= k.end)
                       or (k.id == hit.id and hit.start < k.end) for k in kept):
                kept.append(hit)
        return kept


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def load_service_language(folder: Path | None = None) -> ServiceLanguage:
    """Load ``service.toml`` from ``folder`` (``None``: the shipped playbooks).

    A folder without its own ``service.toml`` uses the shipped one.

    Raises:
        PlaybookValidationError: The file is invalid.
    """
    path = (folder or shipped_folder()) / SERVICE_FILE
    if not path.is_file():
        path = shipped_folder() / SERVICE_FILE
    path = path.resolve()
    # The modification time is part of the key: an edited file is read again.
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> ServiceLanguage:
    spec, problems = check_service_file(path)
    if spec is None:
        raise PlaybookValidationError(problems)
    return ServiceLanguage(spec, path)


def check_phrases(text: str, lang: str | None = None, *, note: bool = False) -> list[PhraseHit]:
    """Find forbidden phrases in ``text`` using the shipped service language.

    See :meth:`ServiceLanguage.check`.
    """
    return load_service_language().check(text, lang, note=note)
