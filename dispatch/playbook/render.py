"""Plain-text renderings for a terminal: a playbook as a checklist, guidance, matches.

Every line fits ``width`` terminal columns, counting CJK characters as two
(see :mod:`dispatch.playbook.text`).  The console's screens use their own
widgets; these are for the command line, printouts and drills' reports.
"""

from __future__ import annotations

from dispatch.model import Service
from dispatch.playbook.classify import Explanation, Match
from dispatch.playbook.engine import Guidance
from dispatch.playbook.schema import PlaybookSpec
from dispatch.playbook.text import cell_width, pad, wrap
from dispatch.safe import safe_text

_LABELS = {
    "en": {
        "version": "version", "steps": "Steps", "questions": "Key questions",
        "advice": "Safety advice (read to the caller)", "dispatch": "Dispatch",
        "priority": "Priority", "deadlines": "Deadlines", "required": "[must]",
        "optional": "[may] ", "when": "when", "always": "always", "default": "default",
        "if_unknown": "if not known", "ask": "Ask next", "say": "Say to the caller",
        "send": "Send to", "waiting": "Still depends on", "on": "on", "assumed": "assumed",
        "none": "(none)", "no_match": "(no playbook matched)", "suggests": "suggests",
        "within": "within",
        "types": {"bool": "yes/no", "int": "number", "choice": "choose", "text": "text"},
        "units": ("s", "min", "h", "day", "days"), "colon": ": ",
        "kinds": {"service": "service", "advice": "advice", "priority": "priority"},
    },
    "zh": {
        "version": "第{}版", "steps": "操作步骤", "questions": "关键问题",
        "advice": "安全提示（向来电人宣读）", "dispatch": "派单", "priority": "优先级",
        "deadlines": "时限", "required": "【必读】", "optional": "【选读】", "when": "条件",
        "always": "始终", "default": "默认", "if_unknown": "情况不明时",
        "ask": "接下来询问", "say": "向来电人宣读", "send": "派单给", "waiting": "待定（取决于）",
        "on": "取决于", "assumed": "按不明处理", "none": "（无）", "no_match": "（没有匹配的预案）",
        "suggests": "建议答案", "within": "限时",
        "types": {"bool": "是/否", "int": "数字", "choice": "选择", "text": "文字"},
        "units": ("秒", "分钟", "小时", "天", "天"), "colon": "：",
        "kinds": {"service": "派单", "advice": "提示", "priority": "优先级"},
    },
}  # fmt: skip


def duration(seconds: int, lang: str = "en") -> str:
    """Say a duration the way people do: ``60 s``, ``30 min``, ``2 days`` (``2天``)."""
    sec, mins, hours, day, days = _LABELS[lang]["units"]
    sep = " " if lang == "en" else ""
    if seconds % 86400 == 0:
        n = seconds // 86400
        return f"{n}{sep}{day if n == 1 else days}"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}{sep}{hours}"
    if seconds % 60 == 0 and seconds >= 120:
        return f"{seconds // 60}{sep}{mins}"
    return f"{seconds}{sep}{sec}"


class _Out:
    """Collects wrapped lines."""

    def __init__(self, width: int) -> None:
        self.width = max(width, 20)
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        if self.lines:
            self.lines.append("")
        self.lines += wrap(text, self.width)

    def item(self, marker: str, text: str, indent: int = 2) -> None:
        first = " " * indent + marker
        self.lines += wrap(text, self.width, first, " " * cell_width(first))

    def note(self, text: str, indent: int) -> None:
        self.lines += wrap(text, self.width, " " * indent)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render_playbook(spec: PlaybookSpec, lang: str = "en", width: int = 80) -> str:
    """A playbook as the checklist an operator reads, wrapped to ``width`` columns."""
    t = _LABELS[lang]
    out = _Out(width)
    version = (t["version"].format(spec.version) if lang == "zh"
               else f"{t['version']} {spec.version}")
    out.heading(f"{spec.title.get(lang)} ({spec.id}, {version})")
    out.note(spec.summary.get(lang), 0)

    out.heading(t["steps"])
    for i, step in enumerate(spec.steps, 1):
        out.item(f"{i}. ", step.get(lang))

    if spec.questions:
        out.heading(t["questions"])
        for i, q in enumerate(spec.questions, 1):
            kind = t["types"][q.type]
            if q.choices:
                kind += ": " + " / ".join(f"{c.label.get(lang)} ({c.id})" for c in q.choices)
            out.item(f"{i}. ", f"{q.text.get(lang)}  [{q.id} · {kind}]")

    if spec.advice:
        out.heading(t["advice"])
        for a in sorted(spec.advice, key=lambda a: not a.required):
            marker = t["required"] if a.required else t["optional"]
            out.item(marker + " ", a.text.get(lang))
            out.note(f"({a.id}; {_when(a, lang)})", 2 + cell_width(marker) + 1)

    out.heading(t["dispatch"])
    names = [Service(r.service).label[lang] for r in spec.dispatch]
    column = max(cell_width(n) for n in names) + 2
    for rule, name in zip(spec.dispatch, names, strict=True):
        out.item(pad(name, column), rule.reason.get(lang))
        out.note(f"({_when(rule, lang)})", 2 + column)

    out.heading(t["priority"])
    colon = t["colon"]
    out.item(f"{t['default']} {spec.priority.default}{colon}", spec.priority.reason.get(lang))
    for rule in spec.priority.rules:
        out.item(f"{rule.level}{colon}", f"{rule.reason.get(lang)} ({_when(rule, lang)})")

    if spec.deadlines:
        out.heading(t["deadlines"])
        for d in spec.deadlines:
            out.item(pad(duration(d.seconds, lang), 10), d.label.get(lang))
    return out.text()


def _when(rule: object, lang: str) -> str:
    t = _LABELS[lang]
    when = getattr(rule, "when", None)
    colon = t["colon"]
    text = f"{t['when']}{colon}{when}" if when else t["always"]
    if getattr(rule, "if_unknown", "wait") == "assume":
        reason = getattr(rule, "unknown_reason", None)
        text += f"; {t['if_unknown']}{colon}" + (reason.get(lang) if reason else t["assumed"])
    return text


def render_guidance(guidance: Guidance, width: int = 80) -> str:
    """Guidance as text: priority, questions to ask, advice, services, what is undecided."""
    lang = guidance.lang
    t = _LABELS[lang]
    out = _Out(width)
    out.heading(f"{guidance.title} ({guidance.playbook}) — {t['priority']} "
                f"{guidance.priority}{t['colon']}{guidance.priority_reason}")

    out.heading(t["ask"])
    if not guidance.questions:
        out.item("", t["none"])
    for q in guidance.questions:
        kind = t["types"][q.type]
        if q.choices:
            kind = " / ".join(c for c, _ in q.choices)
        out.item(f"{q.id}: ", f"{q.text}  [{kind}]")

    out.heading(t["say"])
    if not guidance.advice:
        out.item("", t["none"])
    for a in guidance.advice:
        marker = t["required"] if a.required else t["optional"]
        out.item(f"{marker} ", f"{a.text} ({a.id})")

    out.heading(t["send"])
    column = max((cell_width(r.service.label[lang]) for r in guidance.services), default=0) + 2
    for r in guidance.services:
        out.item(pad(r.service.label[lang], column), r.reason)

    if guidance.depends:
        out.heading(t["waiting"])
        for d in guidance.depends:
            out.item(f"{t['kinds'][d.kind]} {d.target}{t['colon']}",
                     f"{t['on']} {', '.join(d.on)} — {d.reason}")

    if guidance.deadlines:
        out.heading(t["deadlines"])
        for dl in guidance.deadlines:
            out.item(pad(duration(dl.seconds, lang), 10), dl.label)
    return out.text()


def render_matches(matches: list[Match], lang: str = "en", width: int = 80) -> str:
    """Ranked matches, one per line: id, score, the words that matched, suggested answers."""
    t = _LABELS[lang]
    out = _Out(width)
    if not matches:
        out.item("", t["no_match"], indent=0)
    column = max((len(m.playbook) for m in matches), default=0) + 2
    for m in matches:
        words = ", ".join(m.words)
        if m.suggested:
            words += f"  ({t['suggests']} " + ", ".join(
                f"{k}={v}" for k, v in m.suggested.items()) + ")"
        out.item(f"{m.playbook.ljust(column)}{m.score:>3g}  ", safe_text(words), indent=0)
    return out.text()


_EXPLAIN = {
    "en": {"folded": "Matched as", "segments": "Segmentation", "total": "total",
           "denied": "denied by", "fuzzy": "typo of", "sound": "sounds like",
           "again": "already counted", "suggests": "suggests"},
    "zh": {"folded": "匹配文本", "segments": "分词", "total": "合计", "denied": "被否定：",
           "fuzzy": "拼写近似", "sound": "读音近似", "again": "已计过",
           "suggests": "建议答案"},
}  # fmt: skip


def render_explain(explanation: Explanation, lang: str = "en", width: int = 80) -> str:
    """Why the words point where they do: each phrase found, its weight, what denied it.

    One block per playbook, best first: its total, then every phrase found in text order
    with the weight it added (``+3``; ``+0`` when denied or counted already), how it
    matched (exact, a typo with its similarity, a near-homophone) and the negator.
    """
    t, e = _LABELS[lang], _EXPLAIN[lang]
    out = _Out(width)
    out.item("", f"{e['folded']}{t['colon']}{safe_text(explanation.folded)}", indent=0)
    if explanation.segments:
        out.item("", f"{e['segments']}{t['colon']}"
                 + " / ".join(safe_text(w) for w in explanation.segments), indent=0)
    if not explanation.matches:
        out.item("", t["no_match"], indent=0)
    for m in explanation.matches:
        out.heading(f"{m.playbook}  {e['total']} {m.score:g}")
        for ev in m.evidence:
            said = safe_text(ev.said)
            line = said if ev.phrase == ev.said else f"{said} → {safe_text(ev.phrase)}"
            if ev.how != "exact":
                line += f"  ({e[ev.how]} {ev.similarity:g})"
            if ev.suggests:
                line += f"  [{e['suggests']} {ev.suggests[0]}={ev.suggests[1]}]"
            if ev.negated_by:
                line += f"  {e['denied']} {safe_text(ev.negated_by)!r}"
            elif ev.weight == 0:
                line += f"  ({e['again']})"
            out.item(f"{ev.weight:+5g}/{ev.listed}  ", line, indent=2)
    return out.text()
