"""Every shipped drill scores 100 with the autopilot; wrong operators lose points; replay agrees."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from dispatch.config import Config
from dispatch.desk import Desk
from dispatch.desk.autopilot import Autopilot
from dispatch.drill import load_scenario
from dispatch.drill.replay import Replay
from dispatch.drill.runner import DrillRunner
from dispatch.errors import DispatchError
from dispatch.timeline import Timeline

DRILLS = sorted((Path(__file__).resolve().parents[1] / "playbooks" / "drills").glob("*.toml"))
SPEED = 120


def _run(name: str, tmp_path: Path, **kw: object):  # type: ignore[no-untyped-def]
    scenario = load_scenario(next(d for d in DRILLS if d.stem == name))
    options = {"speed": SPEED, "grace_s": 600}
    options.update(kw)
    runner = DrillRunner(scenario, Config(), tmp_path / f"{name}.db", **options)  # type: ignore[arg-type]
    return runner, asyncio.run(runner.run())


def test_at_least_eight_drills_cover_the_issue() -> None:
    assert len(DRILLS) >= 8
    ids = {load_scenario(d).drill.id for d in DRILLS}
    for wanted in ("accident-injuries", "accident-no-injuries", "accident-fire-hazmat",
                   "breakdown-shoulder", "breakdown-lane-smoke", "outage-60s", "peak-20-calls",
                   "complaint-callback", "silent-recipient"):
        assert wanted in ids


@pytest.mark.parametrize("drill", DRILLS, ids=lambda p: p.stem)
def test_autopilot_scores_100(drill: Path, tmp_path: Path) -> None:
    _, result = _run(drill.stem, tmp_path)
    report = result.report
    assert report["score"] == 100, json.dumps(report["calls"], ensure_ascii=False, indent=1)
    assert all(c["orders"]["missing"] == [] and c["advice"]["missing"] == []
               for c in report["calls"])
    with Timeline(result.db, center=None, drill=None, create=False) as log:
        assert log.drill  # drill records live in their own drill log
        assert [e.data["score"] for e in log.events(types=["drill_scored"])] == [100]
        assert log.pending_orders() == []  # no order lost, faults or not
        if drill.stem == "peak-20-calls":
            accidents = [i for i in log.incidents() if i.kind == "accident"]
            survivors = [i for i in accidents if i.status != "merged"]
            assert len(survivors) == 1 and survivors[0].calls == 20
            merged = sum(len(e.data["merged"]) for e in log.events(types=["incidents_merged"]))
            assert merged == 19
        if drill.stem == "outage-60s":
            modes = [e.data["mode"] for e in log.events(types=["mode_changed"])]
            assert modes == ["outage", "normal"]
            outage = next(i for i in log.incidents() if i.kind == "outage")
            assert outage.status in ("resolved", "closed")
            waited = [e for e in log.events(types=["order_sent"])
                      if e.at > next(log.events(types=["link_down"])).at]
            assert waited  # orders were written while the link was down, and all went out
        if drill.stem == "silent-recipient":
            types = [e.type for e in log.events()]
            assert "order_timeout" in types and "order_resent" in types
            escalated = next(log.events(types=["order_escalated"]))
            assert escalated.data["to"] == "120/xianning" and escalated.data["phone"]
        if drill.stem == "complaint-callback":
            complaint = next(i for i in log.incidents() if i.kind == "complaint")
            assert complaint.status == "closed"
            types = [e.type for e in log.incident_events(complaint.id)]
            assert types.index("callback_recorded") < types.index("incident_closed")


def test_the_peak_drill_on_three_seats_scores_100_and_works_each_call_once(
        tmp_path: Path) -> None:
    """``dispatch drill --seats 3``: three autopilot processes on one drill log."""
    _, result = _run("peak-20-calls", tmp_path, seats=3)
    report = result.report
    assert report["seats"] == 3
    assert report["score"] == 100, json.dumps(report["calls"], ensure_ascii=False, indent=1)
    assert report["autopilot_errors"] == []
    with Timeline(result.db, center=None, drill=None, create=False) as log:
        answered = Counter(e.data["call"] for e in log.events(types=["call_answered"]))
        assert set(answered) == set(result.call_ids) and set(answered.values()) == {1}
        seats = {e.data["seat"] for e in log.events(types=["call_answered"])}
        assert len(seats) > 1  # the floor shared the calls
        ordered = Counter((e.incident, e.data.get("service"), e.data.get("kind"))
                          for e in log.events(types=["order_sent"]))
        assert ordered and set(ordered.values()) == {1}, ordered
        assert not list(log.events(types=["message_rejected"]))
        assert len(list(log.events(types=["seat_joined"]))) == 3
        assert log.pending_orders() == []


class SkipsAdvice(Autopilot):
    """Works calls correctly but never reads the safety advice."""

    def work_call(self, call_id: str) -> str | None:
        original = self.desk.give_advice
        self.desk.give_advice = lambda *a, **k: None  # type: ignore[method-assign]
        try:
            return super().work_call(call_id)
        finally:
            self.desk.give_advice = original  # type: ignore[method-assign]


class WrongService(Autopilot):
    """Sends fire and rescue where an ambulance is needed."""

    def work_call(self, call_id: str) -> str | None:
        original = self.desk.dispatch

        def dispatch(by, incident, services=None, **kw):  # type: ignore[no-untyped-def]
            wrong = ["119" if str(getattr(s, "value", s)) == "120" else s for s in services or []]
            return original(by, incident, wrong, **kw)

        self.desk.dispatch = dispatch  # type: ignore[method-assign]
        try:
            return super().work_call(call_id)
        finally:
            self.desk.dispatch = original  # type: ignore[method-assign]


@pytest.mark.parametrize(("pilot", "score", "lost"),
                         [(SkipsAdvice, 75, {"advice": 25}),
                          (WrongService, 72, {"dispatch": pytest.approx(40 / 3), "time": 15})])
def test_a_wrong_operator_loses_the_contract_points(tmp_path: Path, pilot: type[Desk],
                                                    score: int, lost: dict) -> None:
    _, result = _run("accident-injuries", tmp_path, pilot=pilot, grace_s=30)
    report = result.report
    assert report["score"] == score
    assert report["calls"][0]["lost"] == lost
    if pilot is WrongService:
        assert report["calls"][0]["orders"]["missing"] == ["120"]
        assert report["calls"][0]["orders"]["unexpected"] == ["119"]


def test_replaying_a_drill_reproduces_the_live_final_state(tmp_path: Path) -> None:
    runner, result = _run("peak-20-calls", tmp_path)
    live = runner.desk.board
    with Timeline(result.db, center=None, drill=None, create=False) as log:
        replay = Replay.of(log)
        replay.run()
        stored = {i.id: i for i in log.incidents()}
    assert {k: v for k, v in replay.projection.incidents.items() if v} == stored

    def picture(board):  # type: ignore[no-untyped-def]
        return {i.id: (i.status, i.kind, i.priority, tuple(i.calls), i.merged_into,
                       tuple(sorted((o.to, o.state) for o in i.orders.values())),
                       tuple(i.advice), tuple(sorted(i.answers.items())))
                for i in board.incidents.values()}

    assert picture(replay.board) == picture(live)
    assert replay.board.mode == live.mode


def test_drill_and_replay_commands(tmp_path: Path) -> None:
    drill = next(d for d in DRILLS if d.stem == "accident-no-injuries")
    db, report = tmp_path / "drill.db", tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "dispatch", "drill", str(drill), "--autopilot", "--headless",
         "--speed", str(SPEED), "--grace", "60", "--db", str(db), "--report", str(report)],
        capture_output=True, text=True, check=True)
    assert "Score: 100/100" in done.stdout
    data = json.loads(report.read_text())
    assert data["score"] == 100 and data["calls"][0]["caller"] == {"name": "C*******",
                                                                     "phone": "138****0002"}
    shown = subprocess.run([sys.executable, "-m", "dispatch", "replay", str(db), "--headless"],
                           capture_output=True, text=True, check=True).stdout
    # The call rings 5 drill-seconds in; on a loaded machine a second more may pass.
    assert re.search(r"^\s+\+0:0\d\s+-\s+call_received", shown, re.M)
    assert "drill_scored" in shown
    assert "Call from C******* (138****0002)" in shown  # masked without --pii


def test_a_broken_drill_file_names_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[drill]\nid = "x"\ntitle = { en = "x", zh = "x" }\n[[calls]]\nat = 1\n'
                   'says = "hi"\n[calls.expect]\nplaybook = "accident"\ndispatch = ["911"]\n')
    with pytest.raises(DispatchError, match=r"bad.toml: calls.0.expect.dispatch.0: Input should"):
        load_scenario(bad)
