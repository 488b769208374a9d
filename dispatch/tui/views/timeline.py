"""The incident's timeline: every event of it, one readable line each."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dispatch.report.text import pad
from dispatch.timeline.describe import actor_label, describe, offset
from dispatch.timeline.labels import Labels
from dispatch.tui.texts import t

#: Event types drawn in colour: what went wrong stands out.
LOUD = {"deadline_breached": "bold red", "order_timeout": "red", "order_escalated": "bold red",
        "command_refused": "red", "mode_changed": "bold yellow", "order_status": "green",
        "order_sent": "cyan", "incident_closed": "bold", "incident_resolved": "bold"}


def timeline_text(desk: Any, incident: str | None, lang: str, tz: tzinfo, *,
                  pii: bool = True) -> Text:
    """The timeline of ``incident`` (time, offset, actor, what happened)."""
    if not incident:
        return Text(t("timeline.none", lang))
    events = desk.log.incident_events(incident)
    out = Text(t("timeline.title", lang, incident=incident), style="bold underline")
    if not events:
        return out
    start = events[0].at
    labels = Labels.of(desk)
    for event in events:
        out.append("\n")
        out.append(event.at.astimezone(tz).strftime("%H:%M:%S"), style="dim")
        out.append(f" {offset(event.at, start):>8} ")
        out.append(f"{pad(actor_label(event.actor, lang, labels), 16)} ", style="bold")
        # The operator sees the caller's name and number (to call back); a replay masks them.
        out.append(describe(event, lang, pii=pii, labels=labels, tz=tz),
                   style=LOUD.get(event.type, ""))
    return out


class TimelineScreen(Screen[None]):
    """The timeline of one incident; Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,t,q", "app.pop_screen", "Back")]

    def __init__(self, desk: Any, incident: str | None, lang: str, tz: tzinfo, *,
                 pii: bool = True) -> None:
        super().__init__()
        self.pii = pii
        self.desk = desk
        self.incident = incident
        self.lang = lang
        self.tz = tz

    def compose(self) -> ComposeResult:
        """The lines, scrollable."""
        with VerticalScroll():
            yield Static(timeline_text(self.desk, self.incident, self.lang, self.tz, pii=self.pii),
                         id="timeline")
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.back", self.lang), classes="keys")
