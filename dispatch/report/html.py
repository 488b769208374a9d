"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no link.

The page opens offline in any browser and can be mailed as one file: nothing
is fetched (no JavaScript, no web fonts, no CDN, no images by URL).  Two
charts: response times by service (p50 and p90 to acknowledgement and to
on scene, against the deadline) and the share of each measure within its
deadline.  Texts come from the text report's table, in English or Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, tzinfo
from html import escape

from dispatch.report.figures import Report, Stat
from dispatch.report.text import TEXTS, duration, service_label, share, t

#: The charts' label font size in pixels (``svg text`` in the CSS).
FONT_PX = 12
#: Estimated advance of one character, in ems: a wide (Chinese) character takes a full em;
#: a Latin one at most ~0.62 em in the sans-serif fonts named (upper case and digits are the
#: widest), so labels measured with these never come out short.
WIDE_EM, NARROW_EM = 1.0, 0.62
LABEL_GAP = 8  # pixels between a label's end and its bar

_HTML_TEXTS = {
    "chart.times": {"en": "Response times by service (p50 bar, p90 whisker; line: deadline)",
                    "zh": "各服务响应时间（条形为 p50，须线为 p90；竖线为时限）"},
    "chart.deadlines": {"en": "Deadlines met", "zh": "时限达成率"},
    "nodata": {"en": "Nothing measured yet.", "zh": "尚无数据。"},
}
_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;
color:#1b1b1b;background:#fff;max-width:60em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.25em .7em;border-bottom:1px solid #ddd}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.9em}svg text{font-size:12px;fill:#1b1b1b}
.late{color:#a40000}
"""


def _x(key: str, lang: str, **fields: object) -> str:
    if key in _HTML_TEXTS:
        return _HTML_TEXTS[key].get(lang, _HTML_TEXTS[key]["en"]).format(**fields)
    return t(key, lang, **fields)


def _stat_cells(stat: Stat) -> str:
    deadline = duration(stat.deadline_s) if stat.deadline_s is not None else "-"
    cells = [str(stat.count), duration(stat.p50), duration(stat.p90), duration(stat.max),
             deadline, share(stat.share)]
    return "".join(f'<td class="n">{escape(c)}</td>' for c in cells)


def _measures(report: Report, lang: str) -> list[tuple[str, Stat]]:
    rows = [(t("row.answer", lang), report.answer), (t("row.dispatch", lang), report.dispatch)]
    for name, times in report.services.items():
        if times.orders:
            label = service_label(name, lang)
            rows.append((t("row.received", lang, service=label), times.received))
            rows.append((t("row.on_scene", lang, service=label), times.on_scene))
    rows.append((t("row.resolve", lang), report.resolve))
    return rows


def text_px(text: str, font_px: float = FONT_PX) -> float:
    """A generous estimate of ``text``'s width in pixels (no font metrics in a report)."""
    ems = 0.0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        ems += WIDE_EM if unicodedata.east_asian_width(char) in ("W", "F") else NARROW_EM
    return ems * font_px


def label_area(labels: Iterable[str]) -> int:
    """The width of a chart's label column: the longest label's estimate and a gap."""
    return int(max((text_px(label) for label in labels), default=0.0)) + 2 * LABEL_GAP


def times_chart(report: Report, lang: str) -> str:
    """SVG: per service, p50 bars and p90 whiskers to acknowledgement and on scene."""
    rows = [(label, stat) for label, stat in _measures(report, lang)[2:-1] if stat.count]
    if not rows:
        return f'<p class="note">{escape(_x("nodata", lang))}</p>'
    top = max(max(s.p90 or 0, s.deadline_s or 0) for _, s in rows) or 1.0
    left, width, bar, gap = label_area(label for label, _ in rows), 420, 16, 10
    height = len(rows) * (bar + gap) + 30
    # A value's text may start at the far end of the bar (p90 or the deadline at "top").
    right = label_area(f"{duration(s.p50)} / {duration(s.p90)}" for _, s in rows)

    def x(value: float) -> float:
        return left + width * value / top

    parts = [f'<svg role="img" width="{left + width + right}" '
             f'height="{height}" viewBox="0 0 {left + width + right} {height}">',
             f'<title>{escape(_x("chart.times", lang))}</title>']
    for i, (label, stat) in enumerate(rows):
        y = 10 + i * (bar + gap)
        p50, p90 = stat.p50 or 0, stat.p90 or 0
        parts.append(f'<text x="{left - LABEL_GAP}" y="{y + bar - 3}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{x(p50) - left:.1f}" height="{bar}" '
                     f'fill="#3b6ea8"><title>p50 {escape(duration(p50))}</title></rect>')
        parts.append(f'<line x1="{x(p50):.1f}" y1="{y + bar / 2}" x2="{x(p90):.1f}" '
                     f'y2="{y + bar / 2}" stroke="#1b1b1b" stroke-width="2"/>')
        if stat.deadline_s:
            parts.append(f'<line x1="{x(stat.deadline_s):.1f}" y1="{y - 2}" '
                         f'x2="{x(stat.deadline_s):.1f}" y2="{y + bar + 2}" stroke="#a40000" '
                         f'stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{x(max(p90, p50)) + LABEL_GAP:.1f}" y="{y + bar - 3}">'
                     f'{escape(duration(p50))} / {escape(duration(p90))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def deadlines_chart(report: Report, lang: str) -> str:
    """SVG: the share of each measure within its deadline, 0-100 %."""
    rows = [(label, stat) for label, stat in _measures(report, lang)
            if stat.count and stat.share is not None]
    if not rows:
        return f'<p class="note">{escape(_x("nodata", lang))}</p>'
    left, width, bar, gap = label_area(label for label, _ in rows), 360, 16, 10
    height = len(rows) * (bar + gap) + 30
    right = label_area(_share_text(s) for _, s in rows)
    parts = [f'<svg role="img" width="{left + width + right}" '
             f'height="{height}" viewBox="0 0 {left + width + right} {height}">',
             f'<title>{escape(_x("chart.deadlines", lang))}</title>']
    for i, (label, stat) in enumerate(rows):
        y = 10 + i * (bar + gap)
        value = stat.share or 0.0
        colour = "#2e7d32" if value >= 0.9 else "#c77700" if value >= 0.7 else "#a40000"
        parts.append(f'<text x="{left - LABEL_GAP}" y="{y + bar - 3}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar}" fill="#eee"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width * value:.1f}" height="{bar}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{left + width + LABEL_GAP}" y="{y + bar - 3}">'
                     f'{escape(_share_text(stat))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _share_text(stat: Stat) -> str:
    return f"{share(stat.share or 0.0)} ({stat.within}/{stat.count})"


def render_html(report: Report, lang: str = "en", tz: tzinfo | None = None) -> str:
    """The report as a complete, self-contained HTML document."""
    zone = tz or UTC

    def when(at: object) -> str:
        return "-" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]

    title = escape(t("title", lang))
    body = [f"<h1>{title}</h1>"]
    if report.first is None:
        body.append(f"<p>{escape(t('empty', lang))}</p>")
    else:
        body.append(f"<p>{escape(t('period', lang, first=when(report.first), last=when(report.last), tz=str(zone)))}</p>")  # noqa: E501
        body.append(f"<p>{escape(t('counts', lang, **report.counts))}</p>")
        head = "".join(f'<th{" class=n" if i else ""}>{escape(t(f"col.{c}", lang))}</th>'
                       for i, c in enumerate(("measure", "count", "p50", "p90", "max",
                                              "deadline", "within")))
        rows = "".join(f"<tr><td>{escape(label)}</td>{_stat_cells(stat)}</tr>"
                       for label, stat in _measures(report, lang))
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        body.append(f'<p class="note">{escape(t("note", lang))}</p>')
        body.append(f"<h2>{escape(_x('chart.times', lang))}</h2>{times_chart(report, lang)}")
        body.append(f"<h2>{escape(_x('chart.deadlines', lang))}</h2>"
                    f"{deadlines_chart(report, lang)}")
        breaches = [(t(f"deadline.{k}", lang) if f"deadline.{k}" in TEXTS else k, n)
                    for k, n in report.breaches.items() if n]
        if breaches:
            cells = "".join(f'<tr><td>{escape(k)}</td><td class="n">{n}</td></tr>'
                            for k, n in breaches)
            body.append(f"<h2>{escape(t('breaches', lang))}</h2><table>{cells}</table>")
        else:
            body.append(f"<h2>{escape(t('breaches.none', lang))}</h2>")
        late = report.complaints_past_deadline
        body.append(f"<p>{escape(t('complaints', lang, total=len(report.complaints), late=len(late)))}</p>")  # noqa: E501
        if late:
            body.append(f'<p class="late">{escape(t("complaints.ids", lang, ids=", ".join(late)))}</p>')  # noqa: E501
        if report.drills:
            cells = "".join(
                f"<tr><td>{escape(d.title.get(lang) or d.drill)}</td><td class=n>"
                f"{'-' if d.score is None else f'{d.score:g}'}</td><td class=n>"
                f"{'-' if d.calls is None else d.calls}</td><td>{escape(when(d.at))}</td></tr>"
                for d in report.drills)
            head = "".join(f"<th>{escape(t(f'col.{c}', lang))}</th>"
                           for c in ("drill", "score", "calls", "at"))
            body.append(f"<h2>{escape(t('drills', lang))}</h2><table><thead><tr>{head}"
                        f"</tr></thead><tbody>{cells}</tbody></table>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
