"""Shared fixtures: an injected clock and fresh log files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatch.clock import ManualClock
from dispatch.timeline import Timeline

from .brokers import Mosquitto

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


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    """One real mosquitto for the whole session, on a free loopback port."""
    broker = Mosquitto(tmp_path_factory.mktemp("mosquitto"))
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def own_mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A mosquitto of this test's own, which the test may kill and restart."""
    folder = tmp_path / "broker"
    folder.mkdir()
    broker = Mosquitto(folder)
    broker.start()
    yield broker
    broker.kill()
