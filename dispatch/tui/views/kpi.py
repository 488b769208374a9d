"""Key figures: the report's numbers (a fold of the log), with bars and a sparkline."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from dispatch.model import Service
from dispatch.report import Report, Stat, build_report
from dispatch.report.text import cell_width
from dispatch.tui.texts import duration, t

BAR = 20  # cells of a full "within the deadline" bar


def pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (Chinese characters take two)."""
    return text + " " * max(0, width - cell_width(text))


def _seconds(value: float | None) -> str:
    return "-" if value is None else duration(value)


def stat_line(name: str, stat: Stat) -> Text:
    """One measure: count, p50, p90, and a bar of the share within its deadline."""
    out = Text(pad(name, 26), style="bold")
    out.append(f"n={stat.count:<5} p50 {_seconds(stat.p50):>6}  p90 {_seconds(stat.p90):>6}  ")
    if stat.share is None:
        out.append("-", style="dim")
        return out
    filled = round(stat.share * BAR)
    colour = "green" if stat.share >= 0.9 else "yellow" if stat.share >= 0.7 else "red"
    out.append("█" * filled, style=colour)
    out.append("░" * (BAR - filled), style="dim")
    out.append(f" {stat.share * 100:5.1f}%")
    return out


def kpi_text(report: Report, lang: str) -> Text:
    """Counts, then a line per measure, breaches and drill scores."""
    out = Text(t("kpi.title", lang), style="bold underline")
    out.append("\n" + t("kpi.counts", lang, **report.counts) + "\n\n")
    rows = [(t("kpi.answer", lang), report.answer), (t("kpi.dispatch", lang), report.dispatch),
            (t("kpi.resolve", lang), report.resolve)]
    for name, times in report.services.items():
        try:
            service = Service(name).label[lang]
        except ValueError:
            service = name
        rows.append((t("kpi.received", lang, service=service), times.received))
        rows.append((t("kpi.on_scene", lang, service=service), times.on_scene))
    for name, stat in rows:
        out.append_text(stat_line(name, stat))
        out.append("\n")
    out.append("\n" + t("kpi.breaches", lang, total=sum(report.breaches.values())),
               style="bold red" if any(report.breaches.values()) else "bold")
    for drill in report.drills[-5:]:
        out.append("\n" + t("kpi.drills", lang, drill=drill.drill, score=drill.score))
    return out


class KpiScreen(Screen[None]):
    """Key figures of the log; Esc goes back."""

    CSS = "Sparkline { height: 4; margin: 0 2; } #kpi-spark-title { padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,k,q", "app.pop_screen", "Back")]

    def __init__(self, desk: Any, lang: str) -> None:
        super().__init__()
        self.desk = desk
        self.lang = lang
        self.report = build_report(desk.log.events(), desk.sla, now=desk.clock.now())

    def compose(self) -> ComposeResult:
        """The figures and a sparkline of call-to-order times."""
        samples = [r.first_order_s for r in self.report.incidents if r.first_order_s is not None]
        with VerticalScroll():
            yield Static(kpi_text(self.report, self.lang), id="kpi")
            yield Static(t("kpi.spark_dispatch", self.lang), id="kpi-spark-title")
            yield Sparkline(samples[-200:] or [0], id="kpi-spark")
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.back", self.lang), classes="keys")
