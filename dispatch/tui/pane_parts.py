"""The incident pane's parts as text: the advice banner, the orders, the questions.

Pure functions over the desk's views and the playbook's guidance (no
widgets), so the floor's keys and the pane agree on which advice item is
highlighted, and tests can read what a part says without a screen.

Parts that must stay on screen whatever their content (the advice banner and
the orders) are *fitted*: one line per item, cut with an ellipsis at the
width they are drawn at, except the advice item being read, which wraps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from dispatch.desk.views import IncidentView, OrderView
from dispatch.model import Service
from dispatch.safe import safe_text
from dispatch.tui.texts import clock_left, duration, label, t

ADVICE_STYLE = "bold black on yellow"
#: Orders listed at most (recommended and sent together); a line says how many more.
ORDER_LINES = 8
#: Orders that need the operator's eye stand out.
ORDER_STYLE = {"declined": "bold red", "cancelled": "dim", "cleared": "dim green"}
#: Order states in which the recipient's ETA still means something.
ETA_STATES = ("accepted", "en_route")
#: A wrapping unit: one CJK character (a line may break after any), or a word with the
#: blanks after it.
_TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff"
                    r"\uff00-\uffef]+\s*|\s+")


def show_value(value: Any, lang: str, choices: Iterable[tuple[str, str]] = ()) -> str:
    """An answer as the operator reads it (a choice by its label, never its id)."""
    if value is None:
        return t("unknown", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return dict(choices).get(str(value), str(value))


def fit(lines: Sequence[Text], width: int | None, wrap: Iterable[int] = ()) -> Text:
    """``lines`` joined, each cut to ``width`` cells (``…``) unless its index is in ``wrap``."""
    keep = set(wrap)
    out = Text()
    for n, line in enumerate(lines):
        if n:
            out.append("\n")
        if width and n not in keep and line.cell_len > width:
            line = line.copy()
            line.truncate(width, overflow="ellipsis")
        out.append_text(line)
    return out


#: Marks that must not start a line (they close what stands before them).
_CLOSING = set("）)」』】》，。、：；！？,.;:!?")


def _breaks(plain: str, width: int) -> list[int]:
    """Where lines of at most ``width`` cells start in ``plain`` (one line, no newline)."""
    offsets: list[int] = []
    col = 0
    starts: list[int] = []  # where the tokens of the current line start
    for match in _TOKEN.finditer(plain):
        token = match.group()
        if cell_len(token.rstrip()) > width:  # longer than a line: cut it where it must
            for n, char in enumerate(token):
                if col + cell_len(char) > width and col and not char.isspace():
                    offsets.append(match.start() + n)
                    col = 0
                    starts = []
                col += cell_len(char)
            continue
        if col and col + cell_len(token.rstrip()) > width:
            start = match.start()
            # A closing mark never starts a line: the word before goes down with it.
            line_start = offsets[-1] if offsets else 0
            earlier = [s for s in starts if s > line_start and plain[s] not in _CLOSING]
            if token[0] in _CLOSING and earlier:
                start = earlier[-1]
            offsets.append(start)
            col = cell_len(plain[start:match.start()])
            starts = [s for s in starts if s >= start]
        col += cell_len(token)
        starts.append(match.start())
    return offsets


def wrap_text(text: Text, width: int | None) -> Text:
    """``text`` with its lines broken to ``width`` cells, styles kept.

    Between words, and between any two CJK characters: the screen's own wrapping
    takes a run of Chinese for one long word and moves it whole to the next line,
    leaving what stood before it (a mark, a label) alone on its line.
    """
    if not width or width < 2:
        return text
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap,
               overflow=text.overflow)
    for n, line in enumerate(text.split("\n", allow_blank=True)):
        if n:
            out.append("\n")
        pieces = line.divide(_breaks(line.plain, width))
        for m, piece in enumerate(pieces):
            piece.rstrip()
            if m:
                out.append("\n")
            out.append_text(piece)
    return out


def service_label(service: str, lang: str) -> str:
    """``Police 110`` for ``110`` (the value itself if no service has it)."""
    try:
        return Service(service).label[lang]
    except (ValueError, KeyError):
        return service


def reason_text(service_name: str, reason: str) -> str:
    """The playbook's reason without the service's name in front (it is shown already)."""
    if reason.startswith(service_name):
        rest = reason[len(service_name):]
        if rest[:1] in (":", "：", "-", ","):
            return rest[1:].strip() or reason
    return reason


# -- the advice banner ------------------------------------------------------------


def required_done(guide: Any, given: Iterable[str]) -> bool:
    """Every required advice item of the guidance has been given."""
    done = set(given)
    return all(a.id in done for a in guide.advice if a.required)


def highlighted(items: Sequence[Any], given: Iterable[str], at: str | None) -> str | None:
    """The advice item under the banner's cursor: ``at`` if listed, else the first not given."""
    ids = [a.id for a in items]
    if at in ids:
        return at
    done = set(given)
    return next((i for i in ids if i not in done), None)


def following(items: Sequence[Any], given: Iterable[str], at: str | None, *,
              not_given: bool) -> str | None:
    """The item after ``at`` (round the list); with ``not_given``, the next one still due."""
    ids = [a.id for a in items]
    if not ids:
        return None
    done = set(given)
    start = ids.index(at) + 1 if at in ids else 0
    for step in range(len(ids)):
        candidate = ids[(start + step) % len(ids)]
        if not not_given or candidate not in done:
            return candidate
    return None


def advice_text(guide: Any, given: Iterable[str], at: str | None, lang: str,
                width: int | None = None) -> Text:
    """The banner: every advice item with its state; the highlighted one in full.

    Once every item is given the banner shrinks to one line saying so.
    """
    items = list(guide.advice)
    if not items:
        return Text("")
    done = set(given)
    required = [a for a in items if a.required]
    count = sum(1 for a in required if a.id in done)
    if all(a.id in done for a in items):
        return Text(t("pane.advice_all", lang, count=len(items)), style="bold green")
    lines = [Text(t("pane.advice", lang, given=count, total=len(required)),
                  style=ADVICE_STYLE)]
    cursor = highlighted(items, done, at)
    wrap = []
    for advice in items:
        optional = "" if advice.required else "  " + t("pane.advice_optional", lang)
        if advice.id == cursor:
            mark = "✓" if advice.id in done else "▶"
            full = Text(f"{mark} {advice.text}{optional}", style=ADVICE_STYLE)
            for part in wrap_text(full, width).split("\n"):
                wrap.append(len(lines))  # wrapped here already (or by the screen, unmeasured)
                lines.append(part)
        elif advice.id in done:
            lines.append(Text(f"✓ {advice.text}", style="dim green"))
        else:
            lines.append(Text(f"○ {advice.text}{optional}",
                              style="bold yellow" if advice.required else "yellow"))
    return fit(lines, width, wrap)


# -- the orders -----------------------------------------------------------------------


def order_line(order: OrderView, now: datetime, lang: str,
               recipient: Callable[[str], str] = str) -> Text:
    """One order: recipient (``recipient`` names it: the station in Chinese), state, age; the
    ETA only while the unit is on its way."""
    eta = t("pane.eta", lang, minutes=order.eta_s // 60) \
        if order.eta_s and order.state in ETA_STATES else ""
    tries = t("pane.attempts", lang, count=order.attempts) if order.attempts > 1 else ""
    out = Text("  " + t("pane.order", lang, to=recipient(order.to),
                        state=label("order", order.state, lang),
                        age=duration((now - order.sent_at).total_seconds()), eta=eta,
                        attempts=tries),
               style=ORDER_STYLE.get(order.state, ""))
    if order.escalated_phone and order.state in ("sent", "delivered"):
        out.append(t("pane.escalated", lang, phone=order.escalated_phone),
                   style="bold white on red")
    return out


def orders_text(inc: IncidentView, guide: Any, now: datetime, lang: str,
                width: int | None = None, recipient: Callable[[str], str] = str) -> Text:
    """What to send (the recommendations not sent yet) and what was sent, one line each."""
    lines: list[Text] = []
    sent = inc.services_sent()
    todo = [r for r in (guide.services if guide else ()) if r.service.value not in sent]
    if todo and inc.open:
        lines.append(Text(t("pane.orders", lang), style="bold underline"))
        for rec in todo:
            name = rec.service.label[lang]
            line = Text("  + " + t("pane.recommend", lang, service=name), style="bold cyan")
            line.append(reason_text(name, rec.reason))
            lines.append(line)
    waits = [service_label(d.target, lang) for d in (guide.depends if guide else ())
             if d.kind == "service" and d.target not in sent]
    if waits and inc.open:
        lines.append(Text(t("pane.waits", lang,
                            items=t("pane.sep", lang).join(dict.fromkeys(waits))),
                          style="dim"))
    if inc.orders:
        lines.append(Text(t("pane.orders_sent", lang), style="bold underline"))
        orders = sorted(inc.orders.values(), key=lambda o: o.sent_at)
        shown = orders if len(orders) <= ORDER_LINES else orders[-(ORDER_LINES - 1):]
        if len(shown) < len(orders):
            lines.append(Text("  " + t("pane.orders_more", lang, count=len(orders) - len(shown)),
                              style="dim"))
        lines += [order_line(o, now, lang, recipient) for o in shown]
    if inc.kind == "complaint":
        done, due = t("pane.done", lang), t("pane.due", lang)
        lines.append(Text(t("pane.complaint", lang,
                            inv=done if inc.investigated_at else due,
                            cb=done if inc.callback_at else due), style="bold"))
    return fit(lines, width)


def deadline_text(inc: IncidentView, deadlines: Iterable[Any], now: datetime,
                  lang: str) -> Text:
    """The incident's next deadline (one line), or nothing."""
    if not inc.open:
        return Text("")
    mine = next((d for d in deadlines if d.incident == inc.id), None)
    if mine is None:
        return Text("")
    left = (mine.due_at - now).total_seconds()
    return Text(t("pane.deadline", lang, kind=label("deadline", mine.kind, lang),
                  left=clock_left(left)),
                style="bold white on red" if mine.breached or left < 0 else "bold",
                no_wrap=True, overflow="ellipsis")


# -- the questions ------------------------------------------------------------------------


def waits_on(guide: Any, lang: str) -> dict[str, list[str]]:
    """Question id → what its answer may still add (``P1``, ``Fire & rescue 119``, advice)."""
    out: dict[str, list[str]] = {}
    for dep in guide.depends:
        if dep.kind == "service":
            what = service_label(dep.target, lang)
        elif dep.kind == "priority":
            what = t("pane.waits_priority", lang, priority=dep.target)
        else:
            what = t("pane.waits_advice", lang)
        for question in dep.on:
            names = out.setdefault(question, [])
            if what not in names:
                names.append(what)
    return out


def questions_text(spec: Any, inc: IncidentView, guide: Any, asked: set[str],
                   known: Mapping[str, Any], lang: str,
                   suggested: Mapping[str, Any] | None = None) -> Text:
    """Answered questions, then the ones to ask (the next first) with what they may change,
    and the answers the caller's words suggest (``suggested``: question id → pre-answer)."""
    out = Text(t("pane.questions", lang), style="bold underline")
    for q in spec.questions:
        if q.id in inc.answers:
            choices = [(c.id, c.label.get(lang)) for c in q.choices]
            out.append("\n  ✓ " + t("pane.answered", lang, question=q.text.get(lang)),
                       style="dim")
            out.append(show_value(inc.answers[q.id], lang, choices), style="green")
    depends = waits_on(guide, lang)
    for n, q in enumerate(guide.questions):
        out.append(f"\n {'▶' if n == 0 else ' '} {q.text}", style="bold" if n == 0 else "")
        if q.choices:
            # Either the id or the label is a valid answer: a Chinese operator reads labels.
            out.append("  [" + " / ".join(f"{c}={lbl}" if lang == "en" else lbl
                                          for c, lbl in q.choices) + "]", style="dim")
        if q.id in asked and q.id in known:
            out.append("   " + t("pane.caller_answers", lang,
                                 value=show_value(known[q.id], lang, q.choices)),
                       style="bold magenta")
        if suggested and q.id in suggested:
            hint = suggested[q.id]
            out.append("\n     " + t("pane.suggested", lang,
                                     value=show_value(hint.value, lang, q.choices),
                                     evidence=safe_text(hint.evidence)), style="bold yellow")
        if q.id in depends:
            out.append("   " + t("pane.may_add", lang,
                                 items=t("pane.sep", lang).join(depends[q.id])),
                       style="dim cyan")
    if suggested and any(q.id in suggested for q in guide.questions):
        out.append("\n  " + t("pane.suggested_keys", lang), style="yellow")
    return out
