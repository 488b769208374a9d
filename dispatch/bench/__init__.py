"""``dispatch bench``: the real code paths timed next to a bare baseline in the same run.

The machine is shared and noisy, so every figure is a ratio to a baseline
measured moments before or after it, never an absolute time alone.  Each
figure module exposes one function returning :class:`~dispatch.bench.report.Figure`
rows; :func:`dispatch.bench.run.run_bench` runs them all against a private
``mosquitto`` and temporary databases.
"""

from __future__ import annotations

from dispatch.bench.report import Figure, Report

__all__ = ["Figure", "Report"]
