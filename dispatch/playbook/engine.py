"""From a playbook and the answers so far to guidance: what to ask, say and send.

Pure: no I/O, no clock.  The desk calls :func:`guide` after every answer;
drills and the command line call it with a whole set of answers.

How unknown answers count.  A question missing from the answers has not been
asked; one answered ``None`` was asked and the caller does not know.  A rule
whose condition cannot be decided yet is listed under ``depends`` with the
questions it waits on.  Once every question it waits on has been asked and
is still unknown, a rule marked ``if_unknown = "assume"`` applies anyway —
the cautious default (injuries unknown → send 120) — and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dispatch.errors import PlaybookError
from dispatch.model import Service
from dispatch.playbook.answers import coerce_answers
from dispatch.playbook.schema import LANGS, PlaybookSpec, Question, Text

_ASSUMED = Text(
    en="not known yet ({names}); assumed, to be safe",
    zh="尚不清楚（{names}），为安全起见按需要处理",
)


@dataclass(frozen=True)
class QuestionView:
    """A question still to ask, in one language."""

    id: str
    type: str
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (id, label)

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{id, type, text, choices: [{id, label}]}``."""
        return {"id": self.id, "type": self.type, "text": self.text,
                "choices": [{"id": c, "label": label} for c, label in self.choices]}


@dataclass(frozen=True)
class AdviceView:
    """Safety advice due, in one language."""

    id: str
    text: str
    required: bool
    assumed: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{id, text, required, assumed}``."""
        return {"id": self.id, "text": self.text, "required": self.required,
                "assumed": self.assumed}


@dataclass(frozen=True)
class Recommendation:
    """A service to hand the incident to.

    Attributes:
        service: Who.
        reason: Why, for the operator (several reasons joined by ``; ``).
        assumed: Only recommended by the cautious default for an unknown answer.
    """

    service: Service
    reason: str
    assumed: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{service, reason, assumed}``."""
        return {"service": self.service.value, "reason": self.reason, "assumed": self.assumed}


@dataclass(frozen=True)
class Dependency:
    """A recommendation that is not decided until some questions are answered.

    Attributes:
        kind: ``"service"``, ``"advice"`` or ``"priority"``.
        target: The service (``"120"``), advice id, or priority level (``"1"``).
        on: The question ids it waits on.
        reason: What the rule would say if it applies.
    """

    kind: str
    target: str
    on: tuple[str, ...]
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{kind, target, on, reason}``."""
        return {"kind": self.kind, "target": self.target, "on": list(self.on),
                "reason": self.reason}


@dataclass(frozen=True)
class DeadlineView:
    """A deadline, in seconds from the call."""

    id: str
    seconds: int
    label: str


@dataclass(frozen=True)
class Guidance:
    """What the operator should do next for one playbook and one set of answers.

    Attributes:
        playbook: The playbook id.
        version: The playbook's version.
        title: Its title in ``lang``.
        lang: ``"en"`` or ``"zh"``.
        priority: 1 (highest) … 4.
        priority_reason: Why that priority.
        questions: The questions still to ask, in order (the first is next).
        advice: The safety advice due, required first.
        services: The services to hand the incident to, with reasons.
        depends: Recommendations still waiting on answers.
        deadlines: The playbook's deadlines.
        steps: The operator's checklist.
        answers: The answers as coerced (``None``: asked, not known).
    """

    playbook: str
    version: int
    title: str
    lang: str
    priority: int
    priority_reason: str
    questions: tuple[QuestionView, ...]
    advice: tuple[AdviceView, ...]
    services: tuple[Recommendation, ...]
    depends: tuple[Dependency, ...]
    deadlines: tuple[DeadlineView, ...]
    steps: tuple[str, ...]
    answers: Mapping[str, Any] = field(default_factory=dict)

    @property
    def pending(self) -> list[str]:
        """The ids of the questions still to ask."""
        return [q.id for q in self.questions]

    @property
    def unknown(self) -> list[str]:
        """The questions asked whose answer the caller did not know."""
        return [qid for qid, value in self.answers.items() if value is None]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape (see the README, "Playbooks")."""
        return {
            "playbook": self.playbook,
            "version": self.version,
            "title": self.title,
            "lang": self.lang,
            "priority": self.priority,
            "priority_reason": self.priority_reason,
            "services": [s.to_json() for s in self.services],
            "advice": [a.id for a in self.advice],
            "advice_text": [a.to_json() for a in self.advice],
            "pending": self.pending,
            "questions": [q.to_json() for q in self.questions],
            "unknown": self.unknown,
            "depends": [d.to_json() for d in self.depends],
            "deadlines": {d.id: d.seconds for d in self.deadlines},
            "steps": list(self.steps),
            "answers": dict(self.answers),
        }


def guide(
    spec: PlaybookSpec,
    answers: Mapping[str, Any] | None = None,
    *,
    lang: str = "en",
    complete: bool = False,
) -> Guidance:
    """Turn the answers so far into guidance.

    Args:
        spec: A loaded playbook (its conditions compiled by the loader).
        answers: Question id → answer; strings are coerced by question type,
            ``None`` means "asked, caller does not know".
        lang: The language of the texts (``"en"`` or ``"zh"``).
        complete: The questions are over: treat every unanswered question as
            asked and unknown (so cautious defaults apply).

    Returns:
        The guidance.

    Raises:
        PlaybookError: An answer names no question of the playbook, or does not fit its type.
    """
    if lang not in LANGS:
        raise PlaybookError(f"unknown language {lang!r} (en or zh)")
    values = coerce_answers(spec, answers or {})
    asked = set(values) | ({q.id for q in spec.questions} if complete else set())

    def outcome(rule: Any) -> tuple[str, tuple[str, ...]]:
        """``("yes", ())``, ``("no", ())``, ``("assumed", on)`` or ``("wait", on)``."""
        if rule.condition is None:
            return "yes", ()
        result = rule.condition.evaluate(values)
        if result.value is not None:
            return ("yes" if result.value else "no"), ()
        if rule.if_unknown == "assume" and set(result.depends) <= asked:
            return "assumed", result.depends
        return "wait", result.depends

    def assumed_reason(rule: Any, on: Sequence[str]) -> str:
        text = rule.unknown_reason or _ASSUMED
        base = text.get(lang).format(names=", ".join(on))
        return base if rule.unknown_reason else f"{rule.reason.get(lang)} — {base}"

    depends: list[Dependency] = []

    # Priority: the highest (lowest number) level among the rules that apply.
    priority, priority_reason = spec.priority.default, spec.priority.reason.get(lang)
    waiting: list[tuple[Any, tuple[str, ...]]] = []
    for rule in spec.priority.rules:
        state, on = outcome(rule)
        if state in ("yes", "assumed") and rule.level < priority:
            priority = rule.level
            priority_reason = rule.reason.get(lang) if state == "yes" else assumed_reason(rule, on)
        elif state == "wait":
            waiting.append((rule, on))
    depends += [Dependency("priority", str(r.level), on, r.reason.get(lang))
                for r, on in waiting if r.level < priority]

    # Services, in the fixed order of the Service enum, reasons joined.
    fired: dict[Service, list[tuple[str, bool]]] = {}
    waits: dict[Service, list[tuple[Any, tuple[str, ...]]]] = {}
    for rule in spec.dispatch:
        service = Service(rule.service)
        state, on = outcome(rule)
        if state == "yes":
            fired.setdefault(service, []).append((rule.reason.get(lang), False))
        elif state == "assumed":
            fired.setdefault(service, []).append((assumed_reason(rule, on), True))
        elif state == "wait":
            waits.setdefault(service, []).append((rule, on))
    services = []
    for service in Service:
        if service in fired:
            reasons = list(dict.fromkeys(reason for reason, _ in fired[service]))
            assumed = all(flag for _, flag in fired[service])
            services.append(Recommendation(service, "; ".join(reasons), assumed))
        elif service in waits:
            depends += [Dependency("service", service.value, on, r.reason.get(lang))
                        for r, on in waits[service]]

    # Advice: required first, then in file order.
    advice: list[AdviceView] = []
    for item in spec.advice:
        state, on = outcome(item)
        if state in ("yes", "assumed"):
            advice.append(AdviceView(item.id, item.text.get(lang), item.required,
                                     state == "assumed"))
        elif state == "wait":
            depends.append(Dependency("advice", item.id, on, item.text.get(lang)))
    advice.sort(key=lambda a: not a.required)

    return Guidance(
        playbook=spec.id,
        version=spec.version,
        title=spec.title.get(lang),
        lang=lang,
        priority=priority,
        priority_reason=priority_reason,
        questions=tuple(_view(q, lang) for q in spec.questions if q.id not in asked),
        advice=tuple(advice),
        services=tuple(services),
        depends=tuple(depends),
        deadlines=tuple(DeadlineView(d.id, d.seconds, d.label.get(lang)) for d in spec.deadlines),
        steps=tuple(s.get(lang) for s in spec.steps),
        answers=values,
    )


def _view(question: Question, lang: str) -> QuestionView:
    return QuestionView(question.id, question.type, question.text.get(lang),
                        tuple((c.id, c.label.get(lang)) for c in question.choices))
