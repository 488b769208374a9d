"""The drill's score at its end: the total, and per call what was missed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from dispatch.tui.texts import t


def score_text(report: dict[str, Any], lang: str) -> Text:
    """The score report (DESIGN's drill contract) as the trainee reads it."""
    title = report["title"].get(lang) or report["title"]["en"]
    out = Text(t("score.title", lang, drill=report["drill"], title=title), style="bold")
    out.append("\n" + t("score.total", lang, score=report["score"]), style="bold reverse")
    for n, call in enumerate(report["calls"], 1):
        answer = "-" if call["answer_s"] is None else f"{call['answer_s']:.0f}s"
        dispatch = "-" if call["dispatch_s"] is None else f"{call['dispatch_s']:.0f}s"
        out.append("\n" + t("score.call", lang, n=n, incident=call["incident"] or "-",
                            playbook=call["playbook"]["chosen"] or "-", answer=answer,
                            dispatch=dispatch, score=f"{call['score']:g}"))
        missing_orders = call["orders"]["missing"]
        missing_advice = call["advice"]["missing"]
        if missing_orders or missing_advice:
            out.append("\n" + t("score.missing", lang,
                                orders=", ".join(missing_orders) or "-",
                                advice=", ".join(missing_advice) or "-"), style="red")
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

    def __init__(self, report: dict[str, Any], lang: str) -> None:
        super().__init__()
        self.report = report
        self.lang = lang

    def compose(self) -> ComposeResult:
        """The score text and the keys."""
        with Vertical():
            yield Static(score_text(self.report, self.lang), id="score")
            yield Label(t("score.keys", self.lang))
