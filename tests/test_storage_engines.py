"""One log, two engines: the reading tools work on PostgreSQL as on SQLite, and
``dispatch storage copy`` moves a log between them folding to the same incidents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Desk, Operator
from dispatch.timeline import Timeline, open_timeline

from .conftest import SHANGHAI
from .desklib import make_seat, ring, worked

OP = Operator("alice")


def _busy_floor(desk: Desk, clock: ManualClock, n: int = 6) -> list[str]:
    """Incidents in every state: dispatched, resolved, closed, merged, waiting."""
    made = []
    for i in range(n):
        iid = worked(desk, OP, ring(desk, i), f"G4 K{1000 + i}+300")
        desk.record_answer(OP, iid, "injured", i % 3)
        desk.dispatch(OP, iid)
        desk.note(OP, iid, f"note {i}: 司机受伤")
        clock.advance(30)
        made.append(iid)
    desk.resolve(OP, made[0], cancel_orders=True)
    desk.close(OP, made[0])
    desk.resolve(OP, made[1], cancel_orders=True)
    if n > 3:
        desk.merge(OP, made[2], [made[3]], "same crash")
    return made


def _state(log: Timeline) -> tuple:
    incidents = [astuple(i)[:-1] for i in log.incidents()]  # last_seq: the engine's numbering
    outbox = sorted((o.order, o.state, o.address, o.attempts) for o in log.pending_orders())
    ids = [e.id for e in log.events()]
    return incidents, outbox, ids


def test_copy_sqlite_to_postgres_and_back_folds_to_the_same_incidents(
    tmp_path: Path, clock: ManualClock, pg_url: str, capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "live.db"
    log = Timeline(src, center="hubei", tz=SHANGHAI, clock=clock)
    _busy_floor(make_seat(log, "a"), clock)
    before = _state(log)
    log.close()
    assert main(["storage", "copy", str(src), pg_url]) == 0
    assert "the same at both ends" in capsys.readouterr().out
    with open_timeline(pg_url, center=None, drill=None, tz=SHANGHAI) as pg:
        assert _state(pg) == before
        pg.rebuild()  # PostgreSQL's own fold from its events alone agrees too
        assert _state(pg) == before
    back = tmp_path / "back.db"
    assert main(["storage", "copy", pg_url, f"sqlite:///{back}"]) == 0
    with Timeline(back, center=None, drill=None) as again:
        assert _state(again) == before
    # A copy never lands on a log that holds events.
    assert main(["storage", "copy", str(src), pg_url]) != 0
    assert "holds events already" in capsys.readouterr().err


def test_reading_tools_work_on_postgres(
    shared_log: Callable[[], Timeline], engine: str, clock: ManualClock, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = shared_log()
    made = _busy_floor(make_seat(log, "a"), clock, 3)
    where = getattr(log, "url", None) or str(log.path)
    assert main(["timeline", made[1], "--db", where]) == 0
    out = capsys.readouterr().out
    assert made[1] in out and "note 1" in out
    assert main(["export", "--db", where, "--out", str(tmp_path / "out.csv")]) == 0
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count(made[0]) >= 1
    assert main(["report", "--db", where]) == 0
    assert main(["replay", where, "--headless", "--speed", "0"]) == 0
    assert made[0] in capsys.readouterr().out
    assert main(["timeline", "--rebuild", "--db", where]) == 0
