"""The response-time report: a pure fold over the event log, and its text form.

:func:`build_report` folds timeline events into a :class:`Report`
(``Report.to_json()`` gives its stable JSON form); :func:`render_text` lays it
out as a bilingual table.  No I/O and no UI here.
"""

from dispatch.report.build import build_report
from dispatch.report.figures import (
    COMPLAINT_DEADLINES,
    PERCENTILE_METHOD,
    SCHEMA,
    ComplaintRow,
    DrillScore,
    IncidentRow,
    Report,
    ServiceTimes,
    Stat,
    percentile,
)
from dispatch.report.text import cell_width, render_text

__all__ = [
    "COMPLAINT_DEADLINES",
    "PERCENTILE_METHOD",
    "SCHEMA",
    "ComplaintRow",
    "DrillScore",
    "IncidentRow",
    "Report",
    "ServiceTimes",
    "Stat",
    "build_report",
    "cell_width",
    "percentile",
    "render_text",
]
