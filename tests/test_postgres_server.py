"""The PostgreSQL servers the tests get are real, and behave like servers do."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from . import postgres as postgres_module
from .postgres import NotOurServer, Postgres

#: The databases the parametrised test below saw, whichever instance ran first.
SEEN: set[str] = set()


def test_the_session_server_round_trips_a_row(postgres: Postgres, pg_url: str) -> None:
    with psycopg.connect(postgres.url()) as admin:
        assert admin.execute("SELECT 1").fetchone() == (1,)
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE calls (id serial PRIMARY KEY, place text NOT NULL)")
        conn.execute("INSERT INTO calls (place) VALUES (%s)", ("G4 京港澳 K1234+500",))
    with psycopg.connect(pg_url) as conn:  # a new session sees the committed row
        assert conn.execute("SELECT id, place FROM calls").fetchall() == [
            (1, "G4 京港澳 K1234+500")]
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_gets_a_fresh_database(pg_url: str, turn: str) -> None:
    with psycopg.connect(pg_url) as conn:
        name = conn.execute("SELECT current_database()").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema = 'public'").fetchone()
        conn.execute("CREATE TABLE left_behind (x int)")  # the other turn must not see it
    assert tables == (0,)
    assert name not in SEEN
    SEEN.add(name)


def test_dropping_a_database_cuts_off_its_clients(postgres: Postgres) -> None:
    url = postgres.create_database("t_drop_while_connected")
    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1")
        conn.commit()
        postgres.drop_database("t_drop_while_connected")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with psycopg.connect(postgres.url()) as admin:
        assert admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                             ("t_drop_while_connected",)).fetchone() == (0,)


def test_own_cluster_keeps_committed_data_over_a_restart(own_postgres: Postgres) -> None:
    port = own_postgres.port
    url = own_postgres.create_database("floor")
    before = psycopg.connect(url)
    before.execute("CREATE TABLE events (seq int PRIMARY KEY, kind text)")
    before.execute("INSERT INTO events VALUES (1, 'call.opened'), (2, 'unit.sent')")
    before.commit()
    before.execute("INSERT INTO events VALUES (3, 'never.committed')")  # left open

    own_postgres.restart()

    assert own_postgres.port == port
    with pytest.raises(psycopg.OperationalError):
        before.execute("SELECT 1")
    before.close()
    with psycopg.connect(url) as after:  # reconnecting works, to the same data
        assert after.execute("SELECT seq, kind FROM events ORDER BY seq").fetchall() == [
            (1, "call.opened"), (2, "unit.sent")]


def test_own_cluster_recovers_committed_data_after_a_kill(own_postgres: Postgres) -> None:
    url = own_postgres.create_database("floor")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE events (seq int PRIMARY KEY)")
        conn.execute("INSERT INTO events SELECT generate_series(1, 1000)")

    own_postgres.kill()  # no shutdown checkpoint: the start replays the WAL
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
    own_postgres.start()

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (1000,)
    assert "database system was interrupted" in own_postgres.server_log()


def test_without_initdb_an_existing_server_is_used(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Path:
        raise postgres_module.ClusterUnavailable("initdb hidden by the test")

    monkeypatch.setattr(postgres_module, "binaries", missing)
    server = Postgres(tmp_path)
    try:
        server.start()
    except RuntimeError as error:
        pytest.skip(f"no existing server on this machine: {error}")
    try:
        assert not server.ours
        url = server.create_database("t_fallback_probe")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("t_fallback_probe",)
        for action in (server.stop, server.kill, server.restart):
            with pytest.raises(NotOurServer):
                action()
    finally:
        server.close()  # drops the databases it made there
    with psycopg.connect(server.url()) as admin:
        assert admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                             ("t_fallback_probe",)).fetchone() == (0,)
