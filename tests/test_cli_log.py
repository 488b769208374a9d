"""``dispatch timeline`` and ``dispatch export`` over a log written by the tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Role
from dispatch.model import EventType as E
from dispatch.operators import Accounts
from dispatch.timeline import Timeline
from dispatch.timeline.export import event_record
from dispatch.timeline.mask import mask_event


@pytest.fixture
def written(log: Timeline, clock: ManualClock) -> tuple[Path, str]:
    """A log holding one worked call and some unrelated traffic."""
    log.record(E.CALL_RECEIVED, "gateway", call="c1", caller={"name": "李明",
               "phone": "13800000001"}, says="三辆车追尾，有人受伤")
    clock.advance(4)
    loc = log.event(E.LOCATION_SET, "op1", data={"location": {"road": "G4", "km": 1024.3,
                    "jurisdiction": "xianning", "direction": "往武汉方向"}})
    iid = log.open_incident("op1", {"call": "c1", "kind": "accident"}, follow=[loc]).incident
    clock.advance(30)
    log.record(E.ORDER_SENT, "op1", iid, order="o1", to="120/xianning", payload={"id": "o1"})
    log.record(E.MESSAGE_REJECTED, "system", topic="dispatch/v1/hubei/calls/in", reason="bad JSON")
    clock.advance(3600)
    log.record(E.INCIDENT_CLOSED, "op1", iid)
    log.close()
    return log.path, iid


def test_timeline_shows_relative_times_actors_and_descriptions(
    written: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, iid = written
    assert main(["timeline", iid, "--db", str(db), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Incident {iid} · Traffic accident · priority ? · closed"
    assert lines[1].split() [:3] == ["+0:00", "call_received", "gateway"]
    assert "Call from 李* (138****0001): “三辆车追尾，有人受伤”" in lines[1]
    assert "+0:04" in lines[2] and "incident_opened" in lines[2]
    assert "Location: G4 K1024+300 往武汉方向 Xianning" in lines[3]
    assert "+0:34" in lines[4] and "Order sent to 120/xianning" in lines[4]
    assert "+1:00:34" in lines[5] and "Incident closed" in lines[5]
    assert len(lines) == 6  # the rejected message belongs to no incident


def test_timeline_in_chinese_and_with_pii(
    written: tuple[Path, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, iid = written
    with Timeline(db, create=False, center=None, drill=None) as log:
        Accounts(log).add("setup", "wang", "wangpass1", Role.SUPERVISOR)
    monkeypatch.setattr("sys.stdin", io.StringIO("wangpass1\n"))
    assert main(["timeline", iid, "--db", str(db), "--lang", "zh", "--pii", "--as", "wang",
                 "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "来电 李明（13800000001）" in out and "事件已关闭" in out


def test_timeline_errors(written: tuple[Path, str], capsys: pytest.CaptureFixture[str],
                         tmp_path: Path) -> None:
    db, _ = written
    assert main(["timeline", "20261122-0099", "--db", str(db)]) == 1
    assert capsys.readouterr().err == f"dispatch: {db}: no incident 20261122-0099\n"
    assert main(["timeline", "--db", str(db)]) == 1
    assert "name an INCIDENT, or give --rebuild" in capsys.readouterr().err
    assert main(["timeline", "x", "--db", str(tmp_path / "none.db")]) == 1
    assert "no such log" in capsys.readouterr().err


def test_rebuild_command(written: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = written
    assert main(["timeline", "--rebuild", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == (
        "Rebuilt the projections from 6 events: 1 incident, 1 order waiting in the outbox.")


def test_export_jsonl_reproduces_every_event(
    written: tuple[Path, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, _ = written
    assert main(["export", "--format", "jsonl", "--db", str(db)]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    with Timeline(db, create=False, center=None, drill=None) as log:
        # By default callers are masked in the copy (the log keeps the truth) ...
        assert exported == [event_record(mask_event(e)) for e in log.events()]
        assert exported[0]["data"]["caller"] == {"name": "李*", "phone": "138****0001"}
        Accounts(log).add("setup", "wang", "wangpass1", Role.SUPERVISOR)
    # ... and a supervisor's --pii export reproduces every event exactly.
    monkeypatch.setattr("sys.stdin", io.StringIO("wangpass1\n"))
    assert main(["export", "--format", "jsonl", "--db", str(db), "--pii", "--as", "wang",
                 "--password-stdin"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    with Timeline(db, create=False, center=None, drill=None) as log:
        expected = [event_record(e) for e in log.events()]
        raw = log.conn.execute("SELECT seq, id, at, incident, type, actor, data FROM events "
                               "ORDER BY seq").fetchall()
    assert exported == expected
    assert [(r["seq"], r["id"], r["at"], r["incident"], r["type"], r["actor"],
             json.dumps(r["data"], ensure_ascii=False, separators=(",", ":"), sort_keys=True))
            for r in exported] == raw


def test_export_csv_to_file_and_since(written: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = written
    out = tmp_path / "log.csv"
    assert main(["export", "--format", "csv", "--db", str(db), "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 6 and rows[0]["type"] == "call_received"
    assert json.loads(rows[0]["data"])["caller"]["name"] == "李*"  # masked without --pii
    assert main(["export", "--db", str(db), "--out", str(out),
                 "--since", "2026-11-22T01:00:00Z"]) == 0
    assert [json.loads(x)["type"] for x in out.read_text().splitlines()] == ["incident_closed"]


def test_export_bad_since(written: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = written
    assert main(["export", "--db", str(db), "--since", "yesterday"]) == 1
    assert "--since: expected a date (2026-11-22) or an RFC 3339 time" in capsys.readouterr().err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("dispatch 0.")
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("config", "timeline", "export"):
        assert command in out
