"""Asking: the playbook, its questions and advice, and the priority it computes.

:class:`Asking` is the part of the :class:`~dispatch.desk.desk.Desk` that follows
the playbook with the caller: applying it (the classifier's suggestion or the
operator's choice), the guidance for the answers so far, recording answers
(never an empty one), the advice read out, and the priority — the playbook's,
set as the answers come in, until the operator chooses one with a digit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.desk.calls import Calls
from dispatch.desk.roles import Operator
from dispatch.errors import DeskError, DispatchError
from dispatch.model import EventType, check_priority
from dispatch.playbook import Guidance

if TYPE_CHECKING:
    from dispatch.playbook import PlaybookSet
    from dispatch.playbook.preanswer import PreAnswer


class Asking(Calls):
    """The playbook with the caller (a part of :class:`~dispatch.desk.desk.Desk`, whose
    ``_allow``, ``event`` and ``incident`` it uses)."""

    playbooks: PlaybookSet
    lang: str
    _guides: dict[tuple[Any, ...], Guidance]

    def apply_playbook(self, by: Operator, incident: str, playbook: str | None = None) -> str:
        """Apply a playbook: the operator's choice, or the classifier's best for the call."""
        self._allow(by, "apply_playbook", incident)
        inc = self.incident(incident)
        words: list[str] = []
        if playbook is None:
            says = " ".join(self.board.calls[c].says for c in inc.calls if c in self.board.calls)
            ranked = self.playbooks.classify(says)
            if not ranked:
                raise DeskError("the caller's words suggest no playbook: choose one")
            playbook, words = ranked[0].playbook, list(ranked[0].words)
        if playbook not in self.playbooks:
            raise DeskError(f"no playbook {playbook!r} (one of {', '.join(self.playbooks.ids)})")
        self.record(self.event(EventType.PLAYBOOK_APPLIED, by, incident, playbook=playbook,
                               suggested=bool(words), words=words),
                    guard=self.guard(by, incident))
        self._playbook_priority(by, incident)
        return playbook

    def guidance(self, incident: str, lang: str | None = None, *,
                 complete: bool = False) -> Guidance:
        """What the playbook says now for this incident's answers."""
        inc = self.incident(incident, open_only=False)
        if not inc.kind:
            raise DeskError(f"incident {incident} has no playbook yet")
        key = (inc.kind, tuple(sorted(inc.answers.items(), key=lambda kv: kv[0])),
               lang or self.lang, complete)
        found = self._guides.get(key)
        if found is None:
            # Guidance is a pure function of these; the board and every dispatch ask again.
            if len(self._guides) > 4096:
                self._guides.clear()
            found = self._guides[key] = self.playbooks.guide(
                inc.kind, inc.answers, lang=lang or self.lang, complete=complete)
        return found

    def suggested(self, incident: str) -> list[PreAnswer]:
        """Answers the caller's words already give, not yet answered, to confirm.

        Read from the words of the incident's calls for its playbook (none before one is
        applied); nothing is recorded until :meth:`confirm_suggested`.
        """
        from dispatch.playbook.preanswer import pre_answers

        inc = self.incident(incident, open_only=False)
        if not inc.kind or inc.kind not in self.playbooks:
            return []
        says = "\n".join(self.board.calls[c].says for c in inc.calls if c in self.board.calls)
        return [a for a in pre_answers(self.playbooks, inc.kind, says)
                if a.question not in inc.answers]

    def confirm_suggested(self, by: Operator, incident: str) -> list[PreAnswer]:
        """Record every suggested answer as the operator confirms it, with its evidence.

        Each is an ``answer_recorded`` with ``source = "words"`` and ``evidence`` (the
        caller's words), and drives guidance and priority as a typed answer does.

        Returns:
            The answers recorded (none when nothing was suggested).
        """
        self._allow(by, "record_answer", incident)
        found = self.suggested(incident)
        for answer in found:
            self._record_answer(by, incident, answer.question, answer.value,
                                source="words", evidence=answer.evidence)
        return found

    def record_answer(self, by: Operator, incident: str, question: str, value: Any) -> None:
        """Record the caller's answer (``None``: asked, the caller does not know)."""
        self._allow(by, "record_answer", incident)
        self._record_answer(by, incident, question, value)

    def _record_answer(self, by: Operator, incident: str, question: str, value: Any,
                       **origin: Any) -> None:
        """Record an answer, with ``origin`` kept in the event (``source``, ``evidence``)."""
        inc = self.incident(incident)
        if not inc.kind:
            raise DeskError("apply a playbook before recording answers").say("no_playbook")
        if isinstance(value, str) and not value.strip():
            # Enter on an empty field is not "the caller does not know": that is said.
            raise DeskError("no answer typed: type the caller's answer, or unknown if they "
                            "do not know").say("no_answer")
        from dispatch.playbook import coerce_answer

        spec = self.playbooks.get(inc.kind)
        try:
            coerced = coerce_answer(spec, question, value)
        except DispatchError as exc:
            asked = spec.question(question)
            raise DeskError(str(exc)).say(
                "bad_answer", question=question, type=asked.type if asked else "text",
                choices=", ".join(asked.choice_ids()) if asked else "", got=str(value),
                low=asked.lowest if asked else 0,
                high=asked.max if asked and asked.max is not None else "") from None
        self.record(self.event(EventType.ANSWER_RECORDED, by, incident, question=question,
                               value=coerced, **origin), guard=self.guard(by, incident))
        self._playbook_priority(by, incident)

    def _playbook_priority(self, by: Operator, incident: str) -> None:
        """Set the priority the playbook computes for the answers so far.

        Logged as ``priority_set`` by the operator whose step changed it, with the
        playbook's reason and ``source = "playbook"``; a priority the operator chose
        (a digit) stands until they choose again.
        """
        inc = self.board.incidents.get(incident)
        if inc is None or not inc.open or not inc.kind or (
                inc.priority is not None and inc.priority_source != "playbook"):
            return
        guide = self.guidance(incident)
        if guide.priority != inc.priority:
            self.record(self.event(EventType.PRIORITY_SET, by, incident,
                                   priority=guide.priority, reason=guide.priority_reason,
                                   source="playbook"))

    def give_advice(self, by: Operator, incident: str, advice: str) -> None:
        """Mark a safety advice as read to the caller."""
        self._allow(by, "give_advice", incident)
        inc = self.incident(incident)
        spec = self.playbooks.get(inc.kind) if inc.kind else None
        if spec is not None and advice not in {a.id for a in spec.advice}:
            raise DeskError(f"playbook {inc.kind} has no advice {advice!r}")
        if advice not in inc.advice:
            self.record(self.event(EventType.ADVICE_GIVEN, by, incident, advice=advice))

    def set_priority(self, by: Operator, incident: str, priority: int, reason: str = "") -> None:
        """Set the priority (1 highest … 4): the operator's choice, over the playbook's."""
        self._allow(by, "set_priority", incident)
        self.incident(incident)
        try:
            check_priority(priority)
        except ValueError as exc:
            raise DeskError(str(exc)) from None
        self.record(self.event(EventType.PRIORITY_SET, by, incident, priority=priority,
                               reason=reason, source="operator"),
                    guard=self.guard(by, incident))
