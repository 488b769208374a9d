"""The drill's score at its end: the total, and per call what was missed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from dispatch.drill.summary import call_fields
from dispatch.timeline.labels import Labels
from dispatch.tui.texts import t


def score_text(report: dict[str, Any], lang: str, labels: Labels | None = None) -> Text:
    """The score report (DESIGN's drill contract) as the trainee reads it (ids as names)."""
    labels = labels or Labels()
    title = report["title"].get(lang) or report["title"]["en"]
    out = Text(t("score.title", lang, drill=report["drill"], title=title), style="bold")
    out.append("\n" + t("score.total", lang, score=report["score"]), style="bold reverse")
    for n, call in enumerate(report["calls"], 1):
        fields = call_fields(call, lang, labels)
        out.append("\n" + t("score.call", lang, n=n, incident=fields["incident"],
                            playbook=fields["playbook"], answer=fields["answer"],
                            dispatch=fields["dispatch"], score=fields["score"]))
        if fields["orders"] or fields["advice"]:
            out.append("\n" + t("score.missing", lang, orders=fields["orders"] or "-",
                                advice=fields["advice"] or "-"), style="red")
    return out


class ScoreScreen(ModalScreen[None]):
    """The score; Esc closes (the floor stays, read only), q quits."""

    DEFAULT_CSS = """
    ScoreScreen { align: center middle; }
    ScoreScreen > Vertical { width: 90; height: auto; border: thick $success; padding: 1 2;
                             background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", show=False),
                                             Binding("q", "app.quit", show=False)]

    def __init__(self, report: dict[str, Any], lang: str, labels: Labels | None = None) -> None:
        super().__init__()
        self.report = report
        self.lang = lang
        self.labels = labels

    def compose(self) -> ComposeResult:
        """The score text and the keys."""
        with Vertical():
            yield Static(score_text(self.report, self.lang, self.labels), id="score")
            yield Label(t("score.keys", self.lang))
