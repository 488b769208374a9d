"""A drill report in words: what the CLI prints at the end and the score screen shows.

The report (DESIGN's drill contract) keeps ids (``accident``, ``120``,
``leave_lanes``) and seconds; this module turns them into names and times in
the trainee's language, through :class:`~dispatch.timeline.labels.Labels`.
"""

from __future__ import annotations

from typing import Any

from dispatch.i18n import render
from dispatch.model import Service
from dispatch.timeline.labels import Labels

#: Key → {lang: template}: the summary's lines (the report's own language).
TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Drill {drill}: {title}", "zh": "演练 {drill}：{title}"},
    "score": {"en": "Score: {score}/100   log: {db}", "zh": "得分：{score}/100   记录：{db}"},
    "call": {"en": "{n:>3}. +{at} {incident} {playbook} answer {answer} dispatch {dispatch} "
                   "score {score}",
             "zh": "{n:>3}. +{at} {incident} {playbook} 接听 {answer} 派单 {dispatch} "
                   "得分 {score}"},
    "missing_orders": {"en": "       missing orders: {items}", "zh": "       漏派：{items}"},
    "missing_advice": {"en": "       missing advice: {items}", "zh": "       漏提示：{items}"},
    "expected": {"en": "       expected playbook: {playbook}",
                 "zh": "       应采用预案：{playbook}"},
    "seconds": {"en": "{s}s", "zh": "{s}秒"},
    "none": {"en": "-", "zh": "-"},
}

#: How much of an advice text names it in a list of missed ones.
ADVICE_CHARS = 16


def say(key: str, lang: str, **fields: Any) -> str:
    """The summary text ``key`` in ``lang``, filled in."""
    return render(TEXTS[key], lang, **fields)


def seconds(value: float | None, lang: str) -> str:
    """``12s`` / ``12秒``, or ``-`` when it never happened."""
    return say("none", lang) if value is None else say("seconds", lang, s=f"{value:.0f}")


def service_name(service: str, lang: str) -> str:
    """A service id (``120``, ``section``) by its name."""
    try:
        return Service(service).label[lang]
    except (ValueError, KeyError):
        return service


def call_fields(call: dict[str, Any], lang: str, labels: Labels) -> dict[str, Any]:
    """One scored call's fields in words (playbook title, times, missed items)."""
    chosen = call["playbook"]["chosen"]
    sep = "、" if lang == "zh" else ", "
    return {
        "at": seconds(call["at_s"], lang),
        "incident": call["incident"] or say("none", lang),
        "playbook": labels.playbook(chosen, lang) if chosen else say("none", lang),
        "expected": labels.playbook(call["playbook"]["expected"], lang),
        "answer": seconds(call["answer_s"], lang),
        "dispatch": seconds(call["dispatch_s"], lang),
        "score": f"{call['score']:g}",
        "orders": sep.join(service_name(s, lang) for s in call["orders"]["missing"]),
        "advice": sep.join(labels.advice(a, lang, chars=ADVICE_CHARS)
                           for a in call["advice"]["missing"]),
    }


def summary(report: dict[str, Any], lang: str = "en", labels: Labels | None = None) -> str:
    """A readable summary of a drill report, in ``lang``."""
    labels = labels or Labels()
    title = report["title"].get(lang) or report["title"]["en"]
    lines = [say("title", lang, drill=report["drill"], title=title),
             say("score", lang, score=report["score"], db=report.get("db", ""))]
    for n, call in enumerate(report["calls"], 1):
        fields = call_fields(call, lang, labels)
        lines.append(say("call", lang, n=n, **fields))
        if fields["orders"]:
            lines.append(say("missing_orders", lang, items=fields["orders"]))
        if fields["advice"]:
            lines.append(say("missing_advice", lang, items=fields["advice"]))
        if not call["playbook"]["ok"]:
            lines.append(say("expected", lang, playbook=fields["expected"]))
    return "\n".join(lines)
