"""The report as a readable bilingual text table.

Column widths are measured in terminal cells (:func:`cell_width`), not in
characters, so Chinese labels line up with the figures under them.  Tables use
no East-Asian "ambiguous" characters (no em dash, no middle dot), whose width
depends on the terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from dispatch.i18n import LANGS, render
from dispatch.model import Service
from dispatch.report.figures import Report, Stat
from dispatch.safe import safe_text

#: Key → {lang: template}; both languages use the same fields (a test checks it).
TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Response-time report", "zh": "响应时效报表"},
    "period": {"en": "Period {first} – {last} ({tz})", "zh": "统计区间 {first} – {last}（{tz}）"},
    "since": {"en": "Events since {since}", "zh": "统计 {since} 起的记录"},
    "empty": {"en": "No events to report.", "zh": "没有可统计的记录。"},
    "counts": {"en": "Calls {calls} (answered {answered}, unanswered {unanswered}) · "
                     "Incidents {incidents} (merged {merged}) · Orders {orders}",
               "zh": "来电 {calls}（已接 {answered}，未接 {unanswered}）· "
                     "事件 {incidents}（已合并 {merged}）· 派单 {orders}"},
    "col.measure": {"en": "Measure", "zh": "指标"},
    "col.count": {"en": "Count", "zh": "次数"},
    "col.p50": {"en": "p50", "zh": "中位数"},
    "col.p90": {"en": "p90", "zh": "90分位"},
    "col.max": {"en": "Max", "zh": "最长"},
    "col.deadline": {"en": "Deadline", "zh": "时限"},
    "col.within": {"en": "Within", "zh": "达标率"},
    "row.answer": {"en": "Time to answer", "zh": "接听用时"},
    "row.dispatch": {"en": "Call to first order", "zh": "来电至首次派单"},
    "row.received": {"en": "{service}: order received", "zh": "{service}：确认接单"},
    "row.on_scene": {"en": "{service}: on scene", "zh": "{service}：到达现场"},
    "row.resolve": {"en": "Call to resolved", "zh": "来电至处置完毕"},
    "unresolved": {"en": "Incidents not yet resolved: {count}",
                   "zh": "尚未处置完毕的事件：{count}"},
    "note": {"en": "Percentiles by nearest rank. s = seconds, m = minutes, h = hours.",
             "zh": "分位数按最近秩计算。s = 秒，m = 分，h = 时。"},
    "breaches": {"en": "Deadline breaches", "zh": "超时告警"},
    "breaches.none": {"en": "Deadline breaches: none", "zh": "超时告警：无"},
    "col.total": {"en": "Total", "zh": "合计"},
    "deadline.answer": {"en": "answer", "zh": "接听"},
    "deadline.dispatch": {"en": "dispatch", "zh": "派单"},
    "deadline.ack": {"en": "acknowledgement", "zh": "接单确认"},
    "deadline.on_scene": {"en": "on scene", "zh": "到达现场"},
    "deadline.resolve": {"en": "resolve", "zh": "处置完毕"},
    "deadline.investigate": {"en": "complaint investigation", "zh": "投诉调查"},
    "deadline.callback": {"en": "complaint callback", "zh": "投诉回访"},
    "complaints": {"en": "Complaints: {total}, past deadline: {late}",
                   "zh": "投诉：{total} 件，超期：{late} 件"},
    "complaints.ids": {"en": "Past deadline: {ids}", "zh": "超期投诉：{ids}"},
    "drills": {"en": "Drill scores", "zh": "演练得分"},
    "col.drill": {"en": "Drill", "zh": "演练"},
    "col.score": {"en": "Score", "zh": "得分"},
    "col.calls": {"en": "Calls", "zh": "来电数"},
    "col.at": {"en": "At", "zh": "时间"},
}


def t(key: str, lang: str, **fields: object) -> str:
    """The report text ``key`` in ``lang`` (English when ``lang`` is unknown)."""
    return render(TEXTS[key], lang if lang in LANGS else "en", **fields)


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: wide and full-width characters take two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad ``text`` with spaces to ``width`` cells, on the left when ``right``-aligned."""
    fill = " " * max(0, width - cell_width(text))
    return fill + text if right else text + fill


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out a table: first column left-aligned, the others right-aligned.

    Every line of the result has the same width in cells.
    """
    lines = [header, *rows]
    widths = [max(cell_width(row[i]) for row in lines) for i in range(len(header))]
    return ["  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row))
            for row in lines]


def duration(value: float | None) -> str:
    """``4s``, ``12.5s``, ``5m03s``, ``1h02m00s``; ``-`` when unknown."""
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.1f}".removesuffix(".0") + "s"
    whole = round(value)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s"


def share(value: float | None) -> str:
    """``87.5%``; ``-`` when nothing was measured."""
    return "-" if value is None else f"{value * 100:.1f}%"


def service_label(name: str, lang: str) -> str:
    """A service's human name (``Ambulance 120``), or its raw name if unknown."""
    try:
        return Service(name).label.get(lang, Service(name).label["en"])
    except ValueError:
        return name


def _stat_row(label: str, stat: Stat) -> list[str]:
    deadline = duration(stat.deadline_s) if stat.deadline_s is not None else "-"
    return [label, str(stat.count), duration(stat.p50), duration(stat.p90),
            duration(stat.max), deadline, share(stat.share)]


def _when(at: datetime | None, tz: tzinfo) -> str:
    return "-" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def render_text(report: Report, lang: str = "en", tz: tzinfo | None = None) -> str:
    """The report as text lines for a terminal.

    Args:
        report: The report to show.
        lang: ``en`` or ``zh``.
        tz: The time zone to show times in (default UTC).

    Returns:
        The text, ending with a newline.
    """
    zone = tz or UTC
    out = [t("title", lang)]
    if report.since is not None:
        out.append(t("since", lang, since=_when(report.since, zone)))
    if report.first is None:
        out.append(t("empty", lang))
        return "\n".join(out) + "\n"
    out.append(t("period", lang, first=_when(report.first, zone), last=_when(report.last, zone),
                 tz=str(zone)))
    out.append(t("counts", lang, **report.counts))
    out.append("")
    header = [t(f"col.{c}", lang) for c in
              ("measure", "count", "p50", "p90", "max", "deadline", "within")]
    rows = [_stat_row(t("row.answer", lang), report.answer),
            _stat_row(t("row.dispatch", lang), report.dispatch)]
    for name, times in report.services.items():
        if times.orders:
            label = service_label(name, lang)
            rows.append(_stat_row(t("row.received", lang, service=label), times.received))
            rows.append(_stat_row(t("row.on_scene", lang, service=label), times.on_scene))
    rows.append(_stat_row(t("row.resolve", lang), report.resolve))
    out.extend(table(header, rows))
    out.append(t("unresolved", lang, count=report.counts.get("unresolved", 0)))
    out.append(t("note", lang))
    out.append("")
    breaches = [[t(f"deadline.{k}", lang) if f"deadline.{k}" in TEXTS else k, str(n)]
                for k, n in report.breaches.items() if n]
    if breaches:
        out.append(t("breaches", lang))
        total = str(sum(report.breaches.values()))
        out.extend(table([t("col.deadline", lang), t("col.count", lang)],
                         [*breaches, [t("col.total", lang), total]]))
    else:
        out.append(t("breaches.none", lang))
    out.append("")
    late = report.complaints_past_deadline
    out.append(t("complaints", lang, total=len(report.complaints), late=len(late)))
    if late:
        out.append(t("complaints.ids", lang, ids=", ".join(late)))
    if report.drills:
        out.append("")
        out.append(t("drills", lang))
        rows = [[d.title.get(lang) or d.drill,
                 "-" if d.score is None else f"{d.score:g}",
                 "-" if d.calls is None else str(d.calls),
                 _when(d.at, zone)] for d in report.drills]
        out.extend(table([t(f"col.{c}", lang) for c in ("drill", "score", "calls", "at")], rows))
    # Incident places and complaint subjects come from callers: printed safe.
    return safe_text("\n".join(line.rstrip() for line in out), lines=True) + "\n"
