"""Shared fixtures: an injected clock and fresh log files."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatch.clock import ManualClock
from dispatch.timeline import Timeline

from .brokers import Mosquitto
from .postgres import Postgres

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


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """One real PostgreSQL for the whole session: a temporary cluster of ours, or
    (without initdb) a server already answering on 127.0.0.1:5432."""
    server = Postgres(tmp_path_factory.mktemp("postgres"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def pg_url(postgres: Postgres, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty database of this test's own on the session server;
    dropped afterwards, whoever is still connected to it."""
    # Named after the test, for whoever reads the server log; unique all the same.
    stem = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    name = f"t_{stem}_{uuid.uuid4().hex[:8]}"
    yield postgres.create_database(name)
    postgres.drop_database(name)


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[Postgres]:
    """A PostgreSQL cluster of this test's own, which the test may kill and restart."""
    folder = tmp_path / "postgres"
    folder.mkdir()
    server = Postgres(folder)
    server.start()
    if not server.ours:
        server.close()
        pytest.skip("no initdb here: only an existing server, which tests cannot restart")
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> str:
    """Each floor test runs on both engines of the log."""
    return request.param


@pytest.fixture
def shared_log(engine: str, request: pytest.FixtureRequest, tmp_path: Path,
               clock: ManualClock) -> Iterator[Callable[[], Timeline]]:
    """Open another connection to one log of this test (one per seat): a SQLite file,
    or a fresh PostgreSQL database."""
    from dispatch.timeline import open_timeline

    where: str | Path = tmp_path / "floor.db"
    if engine == "postgres":
        where = request.getfixturevalue("pg_url")
    opened: list[Timeline] = []

    def make() -> Timeline:
        log = open_timeline(where, center="hubei", tz=SHANGHAI, clock=clock)
        opened.append(log)
        return log

    yield make
    for log in opened:
        log.close()
