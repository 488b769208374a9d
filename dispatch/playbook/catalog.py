"""A loaded set of playbooks: the object the desk, the console and drills hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dispatch.errors import PlaybookError
from dispatch.playbook.classify import Classifier, Explanation, Match
from dispatch.playbook.engine import Guidance, guide
from dispatch.playbook.load import load_specs, shipped_folder
from dispatch.playbook.schema import PlaybookSpec
from dispatch.playbook.urgency import Triage, Urgency, load_urgency


class PlaybookSet:
    """Validated playbooks by id, with classification and guidance.

    Attributes:
        folder: Where they were loaded from.
    """

    def __init__(self, specs: list[PlaybookSpec], folder: Path | None = None,
                 urgency: Urgency | None = None) -> None:
        self.folder = folder
        self._specs = {spec.id: spec for spec in specs}
        self._classifier = Classifier(specs)
        self.urgency = urgency or load_urgency(folder)
        self._triaged: dict[str, Triage] = {}

    def __iter__(self) -> Iterator[PlaybookSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, pid: object) -> bool:
        return pid in self._specs

    @property
    def ids(self) -> list[str]:
        """The playbook ids, in file-name order."""
        return list(self._specs)

    def get(self, pid: str) -> PlaybookSpec:
        """The playbook with id ``pid``.

        Raises:
            PlaybookError: No such playbook.
        """
        try:
            return self._specs[pid]
        except KeyError:
            raise PlaybookError(
                f"no playbook {pid!r} (playbooks: {', '.join(self._specs)})"
            ) from None

    def classify(self, narrative: str) -> list[Match]:
        """Rank the playbooks the caller's words point to (best first; may be empty)."""
        return self._classifier.classify(narrative)

    def explain(self, narrative: str) -> Explanation:
        """:meth:`classify` with the evidence: every phrase, its weight, what denied it."""
        return self._classifier.explain(narrative)

    def triage(self, narrative: str) -> Triage:
        """How urgent a ringing call is: its dangers and the suggested playbook's level.

        Cached by narrative: the queue asks for every ringing call at every redraw.
        """
        found = self._triaged.get(narrative)
        if found is None:
            ranked = self.classify(narrative) if narrative else []
            best = ranked[0].playbook if ranked else None
            level = self._specs[best].priority.default if best else None
            if len(self._triaged) > 4096:
                self._triaged.clear()
            found = self._triaged[narrative] = self.urgency.triage(narrative, best, level)
        return found

    def guide(
        self,
        pid: str,
        answers: Mapping[str, Any] | None = None,
        *,
        lang: str = "en",
        complete: bool = False,
    ) -> Guidance:
        """Guidance for playbook ``pid`` and the answers so far (see :func:`~.engine.guide`).

        Raises:
            PlaybookError: Unknown playbook, question or language, or a bad answer.
        """
        return guide(self.get(pid), answers, lang=lang, complete=complete)


def load_playbooks(folder: Path | None = None) -> PlaybookSet:
    """Load and validate every playbook of ``folder`` (``None``: the shipped ``playbooks/``).

    Raises:
        PlaybookError: The folder does not exist or holds no playbook.
        PlaybookValidationError: A file is invalid (the message is its first
            problem, ``file:line: key: what is wrong``).
    """
    folder = shipped_folder() if folder is None else Path(folder)
    return PlaybookSet(load_specs(folder), folder)
