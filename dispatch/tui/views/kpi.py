"""Key figures: the report's numbers (a fold of the log), as a table with bars and a sparkline.

The measures are a rich :class:`~rich.table.Table`: its columns are measured in terminal
cells (rich's ``cell_len``), so Chinese labels line up with the figures after them.  The
table has no box: box-drawing characters are East-Asian "ambiguous" and would shift the
columns in a CJK terminal.  The bar of the share within the deadline is the last column
for the same reason.  The sparkline has an axis: its largest and smallest value (with
units) on the left, the first and last incident (id and opening time) underneath.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from dispatch.desk.port import DeskPort
from dispatch.model import Service
from dispatch.report import Report, Stat, build_report
from dispatch.report.text import duration as exact
from dispatch.tui.texts import duration, t

BAR = 20  # cells of a full "within the deadline" bar
SPARK_HEIGHT = 4
SPARK_SAMPLES = 200


def _seconds(value: float | None) -> str:
    return "-" if value is None else duration(value)


def _bar(stat: Stat) -> Text:
    if stat.share is None:
        return Text("-", style="dim")
    filled = round(stat.share * BAR)
    colour = "green" if stat.share >= 0.9 else "yellow" if stat.share >= 0.7 else "red"
    return Text.assemble(("█" * filled, colour), ("░" * (BAR - filled), "dim"))


def measures(report: Report, lang: str) -> list[tuple[str, Stat]]:
    """Every measure of the table, with its label in ``lang``, in the order shown."""
    rows = [(t("kpi.answer", lang), report.answer), (t("kpi.dispatch", lang), report.dispatch),
            (t("kpi.resolve", lang), report.resolve)]
    for name, times in report.services.items():
        try:
            service = Service(name).label[lang]
        except ValueError:
            service = name
        rows.append((t("kpi.received", lang, service=service), times.received))
        rows.append((t("kpi.on_scene", lang, service=service), times.on_scene))
    return rows


def kpi_table(report: Report, lang: str) -> Table:
    """The measures as an aligned table: label, count, p50, p90, share and bar."""
    table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1),
                  header_style="bold underline", expand=False)
    table.add_column(t("kpi.col.measure", lang), style="bold", no_wrap=True)
    for key in ("count", "p50", "p90", "within"):
        table.add_column(t(f"kpi.col.{key}", lang), justify="right", no_wrap=True)
    table.add_column(t("kpi.col.bar", lang), no_wrap=True)
    for label, stat in measures(report, lang):
        share = "-" if stat.share is None else f"{stat.share * 100:.1f}%"
        table.add_row(label, str(stat.count), _seconds(stat.p50), _seconds(stat.p90), share,
                      _bar(stat))
    return table


def kpi_text(report: Report, lang: str) -> Text:
    """The title and the counts (the table follows)."""
    out = Text(t("kpi.title", lang), style="bold underline")
    out.append("\n" + t("kpi.counts", lang, **report.counts))
    return out


def kpi_footer(report: Report, lang: str) -> Text:
    """Breaches and the last drill scores."""
    out = Text(t("kpi.breaches", lang, total=sum(report.breaches.values())),
               style="bold red" if any(report.breaches.values()) else "bold")
    for drill in report.drills[-5:]:
        out.append("\n" + t("kpi.drills", lang, drill=drill.drill, score=drill.score))
    return out


def spark_axis(samples: list[tuple[str, float]], lang: str, when: dict[str, str]
               ) -> tuple[str, str, str, str]:
    """The sparkline's axis labels: (top, bottom, left, right).

    Args:
        samples: ``(incident id, seconds)`` in the order drawn.
        lang: Language.
        when: Opening time (local ``HH:MM``) by incident id, where known.

    Returns:
        The largest value, the smallest value (both with units), the first incident and
        the last incident (id and opening time).
    """
    if not samples:
        none = t("kpi.spark.none", lang)
        return "", "", none, ""
    values = [s for _, s in samples]

    def incident(iid: str) -> str:
        return f"{iid} {when[iid]}" if iid in when else iid

    return (t("kpi.spark.max", lang, value=exact(max(values))),
            t("kpi.spark.min", lang, value=exact(min(values))),
            t("kpi.spark.first", lang, incident=incident(samples[0][0])),
            t("kpi.spark.last", lang, incident=incident(samples[-1][0])))


class KpiScreen(Screen[None]):
    """Key figures of the log; Esc goes back."""

    CSS = f"""
    #kpi-spark-row {{ height: {SPARK_HEIGHT}; margin: 0 1; }}
    #kpi-spark-y {{ width: auto; min-width: 8; height: {SPARK_HEIGHT}; padding: 0 1 0 0; }}
    #kpi-spark {{ height: {SPARK_HEIGHT}; width: 1fr; }}
    #kpi-spark-x {{ height: 1; margin: 0 1; }}
    #kpi-spark-first {{ width: 1fr; }}
    #kpi-spark-last {{ width: 1fr; text-align: right; }}
    #kpi-spark-title, #kpi, #kpi-table, #kpi-footer {{ padding: 0 1; }}
    #kpi-table, #kpi-footer, #kpi-spark-title {{ margin: 1 0 0 0; }}
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,k,q", "app.pop_screen", "Back")]

    def __init__(self, desk: DeskPort, lang: str) -> None:
        super().__init__()
        self.desk = desk
        self.lang = lang
        self.report = build_report(desk.log.events(), desk.sla, now=desk.clock.now())

    def samples(self) -> list[tuple[str, float]]:
        """``(incident, call-to-first-order seconds)`` of the last incidents, oldest first."""
        return [(r.id, r.first_order_s) for r in self.report.incidents
                if r.first_order_s is not None][-SPARK_SAMPLES:]

    def _opened(self, tz: tzinfo) -> dict[str, str]:
        return {iid: inc.opened_at.astimezone(tz).strftime("%H:%M")
                for iid, inc in self.desk.board.incidents.items()}

    def compose(self) -> ComposeResult:
        """The figures, then a sparkline of call-to-order times with its axis."""
        samples = self.samples()
        top, bottom, first, last = spark_axis(
            samples, self.lang, self._opened(getattr(self.app, "tz", UTC)))
        gap = "\n" * max(0, SPARK_HEIGHT - 2)
        with VerticalScroll():
            yield Static(kpi_text(self.report, self.lang), id="kpi")
            yield Static(kpi_table(self.report, self.lang), id="kpi-table")
            yield Static(kpi_footer(self.report, self.lang), id="kpi-footer")
            yield Static(t("kpi.spark_dispatch", self.lang), id="kpi-spark-title")
            with Horizontal(id="kpi-spark-row"):
                yield Static(f"{top}\n{gap}{bottom}", id="kpi-spark-y")
                yield Sparkline([s for _, s in samples] or [0], id="kpi-spark")
            with Horizontal(id="kpi-spark-x"):
                yield Static(first, id="kpi-spark-first")
                yield Static(last, id="kpi-spark-last")
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.back", self.lang), classes="keys")
