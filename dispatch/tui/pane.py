"""The incident pane: everything the operator works with for the selected incident.

Two columns under a one-line head.  The left one scrolls: the caller, the
location (the parsed place shows live as the stake is typed; a place taken
from the call is prefilled, for Enter to confirm), the playbook, the
questions and the notes.  The right one never scrolls and is always on
screen: the phrase to say, the safety-advice banner (every item with its
state, the one being read in full), the orders and the next deadline.  What
the inputs submit is the floor's business: it turns them into desk commands.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from dispatch.desk.views import IncidentView
from dispatch.errors import DispatchError
from dispatch.geo.place import Ambiguous, Candidate
from dispatch.model import format_stake, mask_phone
from dispatch.tui.board import place_of
from dispatch.tui.callers import caller_name, recipient_label
from dispatch.tui.pane_parts import (
    advice_text,
    deadline_text,
    following,
    highlighted,
    orders_text,
    questions_text,
    show_value,
    wrap_text,
)
from dispatch.tui.texts import kind_label, label, t

#: Candidates of an ambiguous place listed for a pick (``#1`` … ``#9``).
PICKS = 9

__all__ = ["IncidentPane", "call_place", "show_value"]


def call_place(location: dict[str, Any]) -> str:
    """The call's place as the operator would type it (what Enter confirms)."""
    if location.get("text"):
        return str(location["text"])
    road, km = location.get("road"), location.get("km")
    if road and km is not None:
        return f"{road} {format_stake(km)}"
    if location.get("lat") is not None and location.get("lon") is not None:
        return f"{location['lat']},{location['lon']}"
    return ""


class IncidentPane(Vertical):
    """The selected incident, its guidance, orders and notes.

    Attributes:
        advice_cursor: Incident id → the advice item highlighted on its banner
            (absent: the first not yet given).
    """

    DEFAULT_CSS = """
    IncidentPane { padding: 0 1; }
    IncidentPane #head { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    IncidentPane #pane-body { height: 1fr; }
    IncidentPane #pane-info { width: 45%; height: 1fr; padding-right: 1;
                              scrollbar-size-vertical: 1; }
    IncidentPane #pane-act { width: 1fr; height: 1fr; padding-left: 1;
                             border-left: solid $primary 50%; }
    IncidentPane #advice-box { height: 1fr; min-height: 3; scrollbar-size-vertical: 1; }
    IncidentPane #advice { background: $warning 30%; }
    IncidentPane #orders { margin-top: 1; }
    IncidentPane #deadline { height: 1; }
    IncidentPane Input { height: 3; margin: 0 0; }
    IncidentPane Input > .input--placeholder { color: $text-muted; text-style: italic; }
    IncidentPane .section { margin-top: 1; }
    IncidentPane #location.from-call { color: $warning; }
    """

    def __init__(self, lang: str = "en", *, pii: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.pii = pii
        self.incident: str | None = None
        #: The places the location typed last may be (listed as ``#1`` … for a pick).
        self.candidates: list[Candidate] = []
        self.advice_cursor: dict[str, str] = {}
        self._prefilled: str | None = None
        self._last: tuple[Any, ...] | None = None
        self._map_names: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        """The head; what scrolls on the left, what always shows on the right."""
        lang = self.lang
        yield Static(t("pane.empty", lang), id="head")
        with Horizontal(id="pane-body"):
            with VerticalScroll(id="pane-info"):
                yield Static("", id="caller")
                yield Static("", id="location", classes="section")
                yield Input(placeholder=t("pane.stake_hint", lang), id="stake")
                yield Static("", id="parsed")
                yield Static("", id="playbook", classes="section")
                yield Static("", id="questions")
                yield Input(placeholder=t("pane.answer_hint", lang), id="answer")
                yield Static(t("pane.notes", lang), id="notes-title", classes="section")
                yield Static("", id="notes")
                yield Input(id="note")
                yield Static("", id="note-check")
            with Vertical(id="pane-act"):
                yield Static("", id="phrase")
                with VerticalScroll(id="advice-box"):
                    yield Static("", id="advice")
                yield Static("", id="orders")
                yield Static("", id="deadline")

    # -- drawing ------------------------------------------------------------------

    def _set(self, widget_id: str, content: Text | str, width: int | None = None) -> None:
        if width and isinstance(content, Text):
            content = wrap_text(content, width)
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        widget.display = bool(content.plain if isinstance(content, Text) else content)

    def _width(self, column: str = "#advice-box") -> int | None:
        """The cells a line of a column has (``None`` before the first layout)."""
        width = self.query_one(column).scrollable_content_region.width
        return width - 1 if width > 1 else None  # room for a scrollbar that may come

    def on_resize(self, _event: events.Resize) -> None:
        """Fit the right column again to its new width."""
        if self._last is not None:
            self.show(*self._last[0], **self._last[1])

    def show(self, desk: Any, incident: str | None, *, tz: tzinfo, asked: set[str],
             phrase: str = "", deadlines: tuple[Any, ...] = ()) -> None:
        """Draw ``incident`` (``None``: nothing selected)."""
        self._last = ((desk, incident), {"tz": tz, "asked": asked, "phrase": phrase,
                                         "deadlines": deadlines})
        lang = self.lang
        inc = desk.board.incidents.get(incident or "")
        if self.incident != incident:
            # Another incident: start its inputs empty.
            for input_id in ("stake", "answer", "note"):
                self.query_one(f"#{input_id}", Input).value = ""
            self._set("parsed", "")
            self._set("note-check", "")
            self._prefilled = None
            self.candidates = []
        self.incident = incident
        if inc is None:
            self._set("head", t("pane.empty", lang))
            for part in ("caller", "phrase", "advice", "playbook", "questions", "orders",
                         "deadline", "notes"):
                self._set(part, "")
            self._set("location", Text(t("pane.location", lang), style="bold underline"))
            return
        now = desk.clock.now()
        width, left = self._width(), self._width("#pane-info")
        self._set("head", self._head(inc, tz))
        self._set("caller", self._caller(desk, inc), left)
        self._set("phrase", Text(t("pane.phrase", lang, phrase=phrase), style="italic cyan")
                  if phrase else "", width)
        guide = None
        if inc.kind:
            try:
                guide = desk.guidance(inc.id, lang)
            except DispatchError:
                guide = None
        self._set("advice", advice_text(guide, inc.advice, self.advice_cursor.get(inc.id),
                                        lang, width)
                  if guide is not None and inc.open else "")
        self._set("location", self._location(desk, inc), left)
        self._prefill(inc)
        self._set("playbook", self._playbook(desk, inc, guide), left)
        self._set("questions", self._questions(desk, inc, guide, asked), left)
        self.query_one("#answer").display = bool(guide is not None and guide.questions)
        self._set("orders", orders_text(inc, guide, now, lang, width,
                                        lambda to: recipient_label(desk, to, lang)))
        self._set("deadline", deadline_text(inc, deadlines, now, lang))
        self._set("notes", self._notes(inc, tz), left)

    # -- the advice banner's cursor (the floor's g and G move it) -----------------------

    def advice_target(self, incident: str, guide: Any, given: list[str]) -> str | None:
        """The advice item highlighted on ``incident``'s banner."""
        return highlighted(guide.advice, given, self.advice_cursor.get(incident))

    def advice_move(self, incident: str, guide: Any, given: list[str], *, not_given: bool,
                    start: str | None = None) -> str | None:
        """Move the highlight on from ``start`` (default: the highlighted item) to the next
        item, or (``not_given``) to the next still due; return where it is now."""
        at = following(guide.advice, given, start or self.advice_target(incident, guide, given),
                       not_given=not_given)
        if at is None:
            self.advice_cursor.pop(incident, None)
        else:
            self.advice_cursor[incident] = at
        return at

    # -- the left column ------------------------------------------------------------------

    def _head(self, inc: IncidentView, tz: tzinfo) -> Text:
        lang = self.lang
        out = Text(t("pane.head", lang, id=inc.id, kind=kind_label(inc.kind, lang),
                     priority=inc.priority or "?", status=label("state", inc.status, lang),
                     opened=inc.opened_at.astimezone(tz).strftime("%H:%M:%S"),
                     by=inc.opened_by), style="bold", no_wrap=True, overflow="ellipsis")
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

    def _map_name(self, desk: Any, kind: str, ident: str) -> str:
        """A section's (``kind="section"``) or area's name in the pane's language."""
        if self._map_names is None:
            zh = self.lang == "zh"
            self._map_names = {
                f"{kind}:{item.id}": ((item.names.zh if zh else item.names.en)
                                      if item.names else "") or item.id
                for kind, items in (("section", desk.roadmap.sections),
                                    ("area", desk.roadmap.jurisdictions))
                for item in items}
        return self._map_names.get(f"{kind}:{ident}", ident)

    def _location(self, desk: Any, inc: IncidentView) -> Text:
        lang = self.lang
        out = Text(t("pane.location", lang), style="bold underline")
        loc = inc.location
        self.query_one("#location").set_class(bool(loc) and inc.location_from_call, "from-call")
        if not loc:
            out.append("\n" + t("pane.unplaced", lang), style="dim")
            return out
        extra = []
        if loc.get("direction"):
            extra.append(str(loc["direction"]))
        if loc.get("section"):
            extra.append(t("pane.section", lang,
                           name=self._map_name(desk, "section", str(loc["section"]))))
        if loc.get("jurisdiction"):
            extra.append(t("pane.area", lang,
                           name=self._map_name(desk, "area", str(loc["jurisdiction"]))))
        where = "  ".join([place_of(loc), *extra])
        if inc.location_from_call:
            out.append("\n" + t("pane.location_call", lang, place=where), style="bold yellow")
        else:
            out.append("\n" + t("pane.location_now", lang, place=where), style="bold green")
        off = inc.location_disagrees
        if off:
            said = off.get("place_zh") if lang == "zh" else None
            out.append("\n" + t("pane.disagrees", lang,
                                 place=str(said or off.get("place") or "?"),
                                 km=off.get("distance_km", "?")), style="bold white on red")
        return out

    def _prefill(self, inc: IncidentView) -> None:
        """The call's place in the stake field, once per selection: Enter confirms it."""
        if not inc.location_from_call or self._prefilled == inc.id:
            return
        stake = self.query_one("#stake", Input)
        if not stake.value:
            stake.value = call_place(inc.location)
            self._prefilled = inc.id

    def parsed(self, desk: Any, text: str) -> None:
        """Show where the place being typed is (live, as each key is typed).

        What a caller says may fit several places (a service area on each
        carriageway, two toll stations of one name): the candidates are listed,
        ranked and numbered, and ``#n`` picks one (never a silent guess).
        """
        lang = self.lang
        typed = text.strip()
        if not typed:
            self._set("parsed", "")
            return
        if typed.startswith("#"):
            pick = self.candidate(typed)
            self._set("parsed", Text(t("pane.pick", lang, place=pick.label(lang)),
                                     style="bold green") if pick is not None
                      else Text(t("pane.pick_none", lang, n=len(self.candidates)),
                                style="red"))
            return
        try:
            place = desk.roadmap.locate_text(text)
        except Ambiguous as exc:
            self.candidates = list(exc.candidates[:PICKS])
            lines = Text(t("pane.candidates", lang, n=len(self.candidates)), style="bold yellow")
            for n, cand in enumerate(self.candidates, 1):
                lines.append(f"\n  #{n}  {cand.label(lang)}", style="yellow")
            self._set("parsed", lines)
            return
        except DispatchError as exc:
            self._set("parsed", Text(f"→ {exc}", style="red"))
            return
        self.candidates = []
        section = (place.section_names.zh if lang == "zh" else place.section_names.en) \
            if place.section_names else (place.section or "?")
        jur = (place.jurisdiction_names.zh if lang == "zh" else place.jurisdiction_names.en) \
            if place.jurisdiction_names else (place.jurisdiction or "?")
        where = " ".join(p for p in (place.road, place.stake, place.direction) if p)
        self._set("parsed", Text(t("pane.parsed", lang, place=where or place.text or "?",
                                   section=section or "?", jurisdiction=jur or "?"),
                                 style="bold green"))

    def candidate(self, typed: str) -> Candidate | None:
        """The candidate ``#n`` names among those listed last (``None``: no such one)."""
        n = int(typed[1:]) if typed[1:].isdigit() else 0
        return self.candidates[n - 1] if 1 <= n <= len(self.candidates) else None

    def check_note(self, desk: Any, text: str) -> None:
        """Flag a forbidden phrase in the note being typed."""
        hits = desk.service.check(text, note=True) if desk.service and text else []
        self._set("note-check", Text("\n".join(
            t("pane.forbidden", self.lang, phrase=h.phrase, instead=h.instead) for h in hits),
            style="bold red") if hits else "")

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
        if guide is None:
            return Text("")
        known: dict[str, Any] = {}
        for call in (desk.board.calls[c] for c in inc.calls if c in desk.board.calls):
            known.update(call.answers)
        suggested = {a.question: a for a in desk.suggested(inc.id)}
        return questions_text(desk.playbooks.get(inc.kind), inc, guide, asked, known,
                              self.lang, suggested)

    def _notes(self, inc: IncidentView, tz: tzinfo) -> Text:
        out = Text()
        for n, (at, actor, note) in enumerate(inc.notes[-5:]):
            out.append(("\n" if n else "") + f"  {at.astimezone(tz).strftime('%H:%M')} "
                       f"{actor}: {note}")
        return out
