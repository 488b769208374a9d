"""The incident pane: everything the operator works with for the selected incident.

It draws what the desk holds (the incident, the playbook's guidance, the
orders) and offers three inputs: the location (the parsed place shows live
as the stake is typed), the answer to the current question, and a note
(a forbidden phrase is flagged as it is typed).  What those inputs submit is
the floor's business: it turns them into desk commands.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from dispatch.desk.board import IncidentView
from dispatch.errors import DispatchError
from dispatch.model import mask_phone
from dispatch.tui.board import place_of
from dispatch.tui.callers import caller_name
from dispatch.tui.texts import clock_left, duration, kind_label, label, t

ADVICE_STYLE = "bold black on yellow"


def show_value(value: Any, lang: str) -> str:
    """An answer as the operator reads it."""
    if value is None:
        return t("unknown", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


class IncidentPane(VerticalScroll):
    """The selected incident, its guidance, orders and notes."""

    DEFAULT_CSS = """
    IncidentPane { padding: 0 1; }
    IncidentPane Input { height: 3; margin: 0 0; }
    IncidentPane #advice { background: $warning 30%; }
    IncidentPane .section { margin-top: 1; }
    """

    def __init__(self, lang: str = "en", *, pii: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.pii = pii
        self.incident: str | None = None

    def compose(self) -> ComposeResult:
        """Head, caller, phrase, location, guidance, orders, notes."""
        lang = self.lang
        yield Static(t("pane.empty", lang), id="head")
        yield Static("", id="caller")
        yield Static("", id="phrase")
        yield Static("", id="advice")
        yield Static(t("pane.location", lang), id="location-title", classes="section")
        yield Input(placeholder="G4 K1024+300", id="stake")
        yield Static("", id="parsed")
        yield Static("", id="playbook", classes="section")
        yield Static("", id="questions")
        yield Input(placeholder=t("pane.answer_hint", lang), id="answer")
        yield Static("", id="orders", classes="section")
        yield Static(t("pane.notes", lang), id="notes", classes="section")
        yield Input(id="note")
        yield Static("", id="note-check")

    # -- drawing ------------------------------------------------------------------

    def _set(self, widget_id: str, content: Text | str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        widget.display = bool(content.plain if isinstance(content, Text) else content)

    def show(self, desk: Any, incident: str | None, *, tz: tzinfo, asked: set[str],
             phrase: str = "", deadlines: tuple[Any, ...] = ()) -> None:
        """Draw ``incident`` (``None``: nothing selected)."""
        lang = self.lang
        inc = desk.board.incidents.get(incident or "")
        if self.incident != incident:
            # Another incident: start its inputs empty.
            for input_id in ("stake", "answer", "note"):
                self.query_one(f"#{input_id}", Input).value = ""
            self._set("parsed", "")
            self._set("note-check", "")
        self.incident = incident
        if inc is None:
            self._set("head", t("pane.empty", lang))
            for section in ("caller", "phrase", "advice", "playbook", "questions", "orders"):
                self._set(section, "")
            return
        self._set("head", self._head(inc, tz))
        self._set("caller", self._caller(desk, inc))
        self._set("phrase", Text(t("pane.phrase", lang, phrase=phrase), style="italic cyan")
                  if phrase else "")
        guide = None
        if inc.kind:
            try:
                guide = desk.guidance(inc.id, lang)
            except DispatchError:
                guide = None
        self._set("advice", self._advice(inc, guide))
        self._set("location-title", self._location(inc))
        self._set("playbook", self._playbook(desk, inc, guide))
        self._set("questions", self._questions(desk, inc, guide, asked))
        self._set("orders", self._orders(desk, inc, guide, deadlines))
        self._set("notes", self._notes(inc, tz))

    def _head(self, inc: IncidentView, tz: tzinfo) -> Text:
        lang = self.lang
        out = Text(t("pane.head", lang, id=inc.id, kind=kind_label(inc.kind, lang),
                     priority=inc.priority or "?", status=label("state", inc.status, lang),
                     opened=inc.opened_at.astimezone(tz).strftime("%H:%M:%S"),
                     by=inc.opened_by), style="bold")
        if inc.merged_into:
            out.append("   " + t("pane.merged_into", lang, id=inc.merged_into), style="yellow")
        return out

    def _caller(self, desk: Any, inc: IncidentView) -> Text:
        lang = self.lang
        calls = [desk.board.calls[c] for c in inc.calls if c in desk.board.calls]
        if not calls:
            return Text("")
        first = calls[0]
        phone = str(first.caller.get("phone") or "?")
        out = Text(t("pane.caller", lang, name=caller_name(first.caller, self.pii),
                     phone=phone if self.pii else mask_phone(phone)), style="bold")
        for call in calls[:3]:
            out.append("\n" + t("pane.says", lang, says=call.says))
        if len(calls) > 1:
            out.append("\n" + t("pane.calls", lang, count=len(calls)), style="bold yellow")
        return out

    def _location(self, inc: IncidentView) -> Text:
        lang = self.lang
        out = Text(t("pane.location", lang), style="bold underline")
        loc = inc.location
        if loc:
            out.append("\n" + t("pane.location_now", lang, place=place_of(loc)), style="bold")
            extra = " ".join(str(v) for v in (loc.get("direction"), loc.get("section"),
                                               loc.get("jurisdiction")) if v)
            if extra:
                out.append(f"  {extra}")
        else:
            out.append("\n" + t("pane.unplaced", lang), style="dim")
        return out

    def parsed(self, desk: Any, text: str) -> None:
        """Show where the stake being typed is (live, as each key is typed)."""
        lang = self.lang
        if not text.strip():
            self._set("parsed", "")
            return
        try:
            place = desk.roadmap.locate(text)
        except DispatchError as exc:
            self._set("parsed", Text(f"→ {exc}", style="red"))
            return
        section = (place.section_names.zh if lang == "zh" else place.section_names.en) \
            if place.section_names else (place.section or "?")
        jur = (place.jurisdiction_names.zh if lang == "zh" else place.jurisdiction_names.en) \
            if place.jurisdiction_names else (place.jurisdiction or "?")
        where = " ".join(p for p in (place.road, place.stake, place.direction) if p)
        self._set("parsed", Text(t("pane.parsed", lang, place=where or place.text or "?",
                                   section=section or "?", jurisdiction=jur or "?"),
                                 style="bold green"))

    def check_note(self, desk: Any, text: str) -> None:
        """Flag a forbidden phrase in the note being typed."""
        hits = desk.service.check(text, note=True) if desk.service and text else []
        self._set("note-check", Text("\n".join(
            t("pane.forbidden", self.lang, phrase=h.phrase, instead=h.instead) for h in hits),
            style="bold red") if hits else "")

    def _advice(self, inc: IncidentView, guide: Any) -> Text:
        if guide is None or not inc.open:
            return Text("")
        due = [a for a in guide.advice if a.id not in inc.advice]
        if not due:
            return Text("")
        out = Text(t("pane.advice", self.lang), style=ADVICE_STYLE)
        for n, advice in enumerate(due):
            style = ADVICE_STYLE if n == 0 else "bold yellow"
            out.append(f"\n {'▶' if n == 0 else ' '} {advice.text}", style=style)
        return out

    def _playbook(self, desk: Any, inc: IncidentView, guide: Any) -> Text:
        lang = self.lang
        if guide is not None:
            return Text(t("pane.playbook", lang, title=guide.title, priority=guide.priority,
                          reason=guide.priority_reason), style="bold")
        says = " ".join(desk.board.calls[c].says for c in inc.calls if c in desk.board.calls)
        ranked = desk.playbooks.classify(says) if says else []
        if not ranked:
            return Text(t("pane.no_suggest", lang), style="yellow")
        best = ranked[0]
        return Text(t("pane.suggest", lang, playbook=kind_label(best.playbook, lang),
                      words=", ".join(best.words) or "-"), style="bold cyan")

    def _questions(self, desk: Any, inc: IncidentView, guide: Any, asked: set[str]) -> Text:
        lang = self.lang
        if guide is None:
            return Text("")
        out = Text(t("pane.questions", lang), style="bold underline")
        spec = desk.playbooks.get(inc.kind)
        calls = [desk.board.calls[c] for c in inc.calls if c in desk.board.calls]
        known: dict[str, Any] = {}
        for call in calls:
            known.update(call.answers)
        for q in spec.questions:
            if q.id in inc.answers:
                out.append(f"\n  ✓ {q.text.get(lang)}: ", style="dim")
                out.append(show_value(inc.answers[q.id], lang), style="green")
        for n, q in enumerate(guide.questions):
            out.append(f"\n {'▶' if n == 0 else ' '} {q.text}", style="bold" if n == 0 else "")
            if q.choices:
                out.append("  [" + " / ".join(f"{c}={lbl}" for c, lbl in q.choices) + "]",
                           style="dim")
            if q.id in asked and q.id in known:
                out.append("   " + t("pane.caller_answers", lang,
                                     value=show_value(known[q.id], lang)),
                           style="bold magenta")
        return out

    def _orders(self, desk: Any, inc: IncidentView, guide: Any,
                deadlines: tuple[Any, ...]) -> Text:
        lang = self.lang
        now = desk.clock.now()
        out = Text()
        sent = inc.services_sent()
        todo = [r for r in (guide.services if guide else ()) if r.service.value not in sent]
        if todo and inc.open:
            out.append(t("pane.orders", lang), style="bold underline")
            for rec in todo:
                out.append(f"\n  + {rec.service.label[lang]}: ", style="bold cyan")
                out.append(rec.reason)
        if guide is not None and guide.depends and inc.open:
            items = ", ".join(f"{d.target}({'/'.join(d.on)})" for d in guide.depends[:6])
            out.append(("\n" if out.plain else "") + t("pane.waits", lang, items=items),
                       style="dim")
        if inc.orders:
            out.append(("\n" if out.plain else "") + t("pane.orders_sent", lang),
                       style="bold underline")
            for order in inc.orders.values():
                eta = t("pane.eta", lang, minutes=order.eta_s // 60) if order.eta_s else ""
                tries = t("pane.attempts", lang, count=order.attempts) if order.attempts > 1 \
                    else ""
                state = label("order", order.state, lang)
                out.append("\n  " + t("pane.order", lang, to=order.to, state=state,
                                      age=duration((now - order.sent_at).total_seconds()),
                                      eta=eta, attempts=tries))
                if order.escalated_phone and order.state in ("sent", "delivered"):
                    out.append(t("pane.escalated", lang, phone=order.escalated_phone),
                               style="bold white on red")
        mine = [d for d in deadlines if d.incident == inc.id]
        if mine and inc.open:
            d = mine[0]
            left = (d.due_at - now).total_seconds()
            out.append("\n" + t("pane.deadline", lang, kind=label("deadline", d.kind, lang),
                                left=clock_left(left)),
                       style="bold white on red" if d.breached or left < 0 else "bold")
        if inc.kind == "complaint":
            done, due = t("pane.done", lang), t("pane.due", lang)
            out.append("\n" + t("pane.complaint", lang,
                                inv=done if inc.investigated_at else due,
                                cb=done if inc.callback_at else due), style="bold")
        return out

    def _notes(self, inc: IncidentView, tz: tzinfo) -> Text:
        out = Text(t("pane.notes", self.lang), style="bold underline")
        for at, actor, note in inc.notes[-5:]:
            out.append(f"\n  {at.astimezone(tz).strftime('%H:%M')} {actor}: {note}")
        return out
