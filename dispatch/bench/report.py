"""Figures, their verdicts, and how they are printed (a table, or one JSON object)."""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured figure next to its baseline.

    Attributes:
        name: What was measured (``dispatch round trip p99``).
        value: The measured value (``None``: not measured, see ``note``).
        unit: Its unit (``ms``, ``/s``, ``s``, ``calls``).
        baseline: The bare baseline measured in the same run (``None``: none).
        ratio: ``value / baseline`` (``None`` without a baseline).
        target: The target, in words (``≤ 3 × baseline``).
        met: Whether the target is met (``None``: no target, or not measured).
        note: What bounds it, or why it is missing.
    """

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = "—"
    met: bool | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{name, value, unit, baseline, ratio, target, met}``."""
        return {"name": self.name, "value": _clean(self.value), "unit": self.unit,
                "baseline": _clean(self.baseline), "ratio": _clean(self.ratio),
                "target": self.target, "met": self.met}


def _clean(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(x, 4)


def ratio_figure(name: str, value: float, baseline: float, unit: str, *, at_least: float | None
                 = None, at_most: float | None = None, note: str = "") -> Figure:
    """A figure judged by its ratio to the baseline.

    Args:
        name: The figure's name.
        value: Measured.
        baseline: The bare baseline.
        unit: The unit of both.
        at_least: Met when ``value / baseline >= at_least`` (throughputs).
        at_most: Met when ``value / baseline <= at_most`` (latencies, times).
        note: Added to the report.
    """
    ratio = value / baseline if baseline else math.inf
    if at_least is not None:
        return Figure(name, value, unit, baseline, ratio, f"≥ {at_least:g} × baseline",
                      ratio >= at_least, note)
    if at_most is not None:
        return Figure(name, value, unit, baseline, ratio, f"≤ {at_most:g} × baseline",
                      ratio <= at_most, note)
    return Figure(name, value, unit, baseline, ratio, note=note)


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by nearest rank; ``nan`` for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Report:
    """Every figure of one run."""

    figures: list[Figure] = field(default_factory=list)
    quick: bool = False

    def add(self, *figures: Figure) -> None:
        """Add figures in the order they are printed."""
        self.figures.extend(figures)

    @property
    def missed(self) -> list[Figure]:
        """Figures whose target was not met."""
        return [f for f in self.figures if f.met is False]

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "figures": [f.to_dict() for f in self.figures],
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "quick": self.quick,
            "notes": {f.name: f.note for f in self.figures if f.note},
        }

    def json(self) -> str:
        """One JSON object."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def table(self) -> str:
        """A plain-text table: figure, measured, baseline, ratio, target, verdict."""
        rows = [("figure", "measured", "baseline", "ratio", "target", "verdict")]
        for f in self.figures:
            verdict = {True: "met", False: "MISSED", None: "—"}[f.met]
            if f.value is None:
                verdict = "pending"
            rows.append((f.name, _num(f.value, f.unit), _num(f.baseline, f.unit),
                         "—" if f.ratio is None else f"{f.ratio:.2f}", f.target, verdict))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) if i == 0 or i >= 4 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                 for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        notes = [f"* {f.name}: {f.note}" for f in self.figures if f.note]
        head = (f"dispatch bench{' --quick' if self.quick else ''} — {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}; ratios are the figures (shared machine)")
        return "\n".join([head, "", *lines, *(["", *notes] if notes else [])])


def _num(x: float | None, unit: str) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    if abs(x) >= 1000:
        text = f"{x:,.0f}"
    elif abs(x) >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.3g}"
    return f"{text} {unit}".rstrip()
