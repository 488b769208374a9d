"""Shared fixtures: an injected clock and fresh log files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatch.clock import ManualClock
from dispatch.timeline import Timeline

FIXTURES = Path(__file__).parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock() -> ManualClock:
    """A clock at 2026-11-22 08:00 Beijing time that moves only when told."""
    return ManualClock(datetime(2026, 11, 22, 0, 0, tzinfo=UTC))


@pytest.fixture
def make_log(tmp_path: Path, clock: ManualClock) -> Iterator[Callable[..., Timeline]]:
    """Open (or reopen) a live log in the test's folder; closed at the end."""
    opened: list[Timeline] = []

    def make(name: str = "live.db", **kwargs: object) -> Timeline:
        options: dict = {"center": "hubei", "tz": SHANGHAI, "clock": clock}
        options.update(kwargs)
        log = Timeline(tmp_path / name, **options)
        opened.append(log)
        return log

    yield make
    for log in opened:
        log.close()


@pytest.fixture
def log(make_log: Callable[..., Timeline]) -> Timeline:
    """A fresh live log."""
    return make_log()
