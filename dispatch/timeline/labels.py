"""Names of the ids events carry, in English and Chinese, for timelines and summaries.

An event records ids (``accident``, ``trapped``, ``leave_lanes``, ``xianning``,
``120/xianning``); a person reads names.  :class:`Labels` finds them in the
playbooks (titles, question texts, choice labels, advice texts, deadline
labels) and the road map (jurisdictions, sections, stations), and falls back
to the words of :mod:`dispatch.i18n`, then to the id itself.  Either source
may be missing (an export without playbooks): ids still read, never ``None``.
"""

from __future__ import annotations

from typing import Any

from dispatch.i18n import WORDS, show_value, word
from dispatch.model import Address, Service

#: How long an advice text may grow in a one-line timeline before it is cut.
ADVICE_CHARS = 48


def _pick(names: Any, lang: str) -> str:
    """``names.zh`` or ``names.en`` (a playbook ``Text`` or a map ``Names``), else ``""``."""
    if names is None:
        return ""
    first = getattr(names, lang, "") or ""
    return first or getattr(names, "en", "") or getattr(names, "zh", "") or ""


class Labels:
    """Names for ids, from the playbooks and the road map (either may be ``None``).

    Args:
        playbooks: A :class:`~dispatch.playbook.PlaybookSet` (iterable of specs).
        roadmap: A :class:`~dispatch.geo.RoadMap`.
    """

    def __init__(self, playbooks: Any = None, roadmap: Any = None) -> None:
        self._titles: dict[str, Any] = {}
        self._questions: dict[str, Any] = {}
        self._advice: dict[str, Any] = {}
        self._deadlines: dict[str, Any] = {}
        for spec in playbooks or ():
            self._titles[spec.id] = spec.title
            for question in spec.questions:
                self._questions.setdefault(question.id, question)
            for advice in spec.advice:
                self._advice.setdefault(advice.id, advice.text)
            for deadline in spec.deadlines:
                self._deadlines.setdefault(deadline.id, deadline.label)
        self._places: dict[str, Any] = {}
        self._stations: dict[str, Any] = {}
        if roadmap is not None:
            for jur in roadmap.jurisdictions:
                self._places[jur.id] = jur.names
            for sec in roadmap.sections:
                self._places.setdefault(sec.id, sec.names)
            for station in roadmap.stations:
                self._stations[str(station.address)] = station.names

    @classmethod
    def of(cls, desk: Any) -> Labels:
        """The labels of a desk (live or replay): its playbooks and map (cheap to build)."""
        return cls(getattr(desk, "playbooks", None), getattr(desk, "roadmap", None))

    def playbook(self, pid: object, lang: str) -> str:
        """A playbook's title (``accident`` → ``交通事故``)."""
        if pid is None or pid == "":
            return show_value(None, lang)
        title = _pick(self._titles.get(str(pid)), lang)
        return title or word("kind", pid, lang)

    def question(self, qid: object, lang: str) -> str:
        """A question's text in ``lang`` (its id when no playbook asks it)."""
        question = self._questions.get(str(qid))
        return _pick(question.text, lang) if question is not None else str(qid)

    def answer(self, qid: object, value: Any, lang: str) -> str:
        """An answer as words: yes / no / unknown, a choice's label, a number, the text."""
        question = self._questions.get(str(qid))
        if question is not None and isinstance(value, str):
            for choice in question.choices:
                if choice.id == value:
                    return _pick(choice.label, lang)
        return show_value(value, lang)

    def advice(self, aid: object, lang: str, *, chars: int = ADVICE_CHARS) -> str:
        """A safety advice by its text, cut to ``chars`` characters (one short line)."""
        text = _pick(self._advice.get(str(aid)), lang)
        if not text:
            return str(aid)
        return text if len(text) <= chars else text[:chars - 1] + "…"

    def deadline(self, did: object, lang: str) -> str:
        """A deadline's name (``on_scene`` → ``到场``)."""
        key = str(did)
        if key in WORDS["deadline"]:
            return word("deadline", key, lang)
        return _pick(self._deadlines.get(key), lang) or key

    def place(self, pid: object, lang: str) -> str:
        """A jurisdiction or section by name (``xianning`` → ``咸宁``)."""
        return _pick(self._places.get(str(pid)), lang) or str(pid)

    def recipient(self, address: object, lang: str) -> str:
        """A recipient: its address in English (``120/xianning``, the code units know);
        in Chinese its station's name, else its service and place."""
        key = str(address)
        if lang != "zh":
            return key
        name = _pick(self._stations.get(key), lang)
        if name:
            return name
        try:
            addr = Address.parse(key)
        except ValueError:
            return key
        service = Service(addr.service).label.get(lang) or addr.service.value
        return f"{service} {self.place(addr.unit, lang)}"
