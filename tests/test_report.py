"""``dispatch report``: the response-time fold, its JSON form and its bilingual table."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.config.schema import SlaConfig
from dispatch.i18n import LANGS, placeholders
from dispatch.model import EventType as E
from dispatch.report import (
    PERCENTILE_METHOD,
    SCHEMA,
    Stat,
    build_report,
    cell_width,
    percentile,
    render_text,
)
from dispatch.report.text import TEXTS, duration
from dispatch.timeline import Timeline

T0 = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
SLA = SlaConfig()


def at(seconds: float) -> datetime:
    """The test clock's start plus ``seconds``."""
    return T0 + timedelta(seconds=seconds)


def to(clock: ManualClock, seconds: float) -> None:
    """Move the clock to ``seconds`` after its start."""
    clock.set(at(seconds))


def call(log: Timeline, call_id: str, says: str = "有人受伤") -> None:
    """Ring a call at the console."""
    log.record(E.CALL_RECEIVED, "gateway", call=call_id,
               caller={"name": "Li", "phone": "13800000001"}, says=says,
               location="G4 K1024+300", answers={})


def status(log: Timeline, incident: str, order: str, address: str, state: str) -> None:
    """A recipient's status report."""
    log.record(E.ORDER_STATUS, address, incident, order=order, to=address, status=state)


def order(log: Timeline, incident: str, order_id: str, address: str) -> None:
    """Send an order."""
    log.record(E.ORDER_SENT, "op1", incident, order=order_id, to=address, kind="accident",
               priority=1)


@pytest.fixture
def busy(log: Timeline, clock: ManualClock) -> Timeline:
    """Three calls, two of them about one crash (merged), one breakdown; known times.

    - answers: c1 4 s, c2 20 s, c3 2 s
    - call to first order: A+B (from c1 at 0 to o1 at 30) 30 s; C 100 s
    - 120: o1 received 5 s, on scene 576 s; 110: o2 received 28 s, on scene 1800 s,
      o3 never received; section: o4 received 90 s
    - resolved: A 906 s, C 600 s
    """
    call(log, "c1")
    to(clock, 4)
    log.record(E.CALL_ANSWERED, "op1", call="c1")
    to(clock, 6)
    a = log.open_incident("op1", {"call": "c1"}).incident
    assert a is not None
    log.record(E.PLAYBOOK_APPLIED, "op1", a, playbook="accident")
    to(clock, 30)
    order(log, a, "o1", "120/xianning")
    to(clock, 32)
    order(log, a, "o2", "110/xianning")
    to(clock, 35)
    status(log, a, "o1", "120/xianning", "received")
    to(clock, 40)
    call(log, "c2", "追尾了")
    to(clock, 60)
    status(log, a, "o2", "110/xianning", "received")
    log.record(E.CALL_ANSWERED, "op2", call="c2")
    to(clock, 61)
    log.record("deadline_breached", "system", None, deadline="answer", due_at="x")
    to(clock, 62)
    b = log.open_incident("op2", {"call": "c2", "kind": "accident", "priority": 1}).incident
    assert b is not None
    to(clock, 70)
    order(log, b, "o3", "110/xianning")
    to(clock, 75)
    log.record(E.INCIDENTS_MERGED, "op1", a, merged=[b])
    to(clock, 100)
    call(log, "c3", "爆胎了")
    to(clock, 102)
    log.record(E.CALL_ANSWERED, "op1", call="c3")
    to(clock, 103)
    c = log.open_incident("op1", {"call": "c3", "kind": "breakdown"}).incident
    assert c is not None
    to(clock, 200)
    order(log, c, "o4", "section/g4-xianning")
    to(clock, 250)
    log.record("deadline_breached", "system", c, deadline="dispatch", due_at="x")
    to(clock, 290)
    status(log, c, "o4", "section/g4-xianning", "received")
    to(clock, 300)
    log.record("deadline_breached", "system", c, deadline="ack", due_at="x")
    to(clock, 606)
    status(log, a, "o1", "120/xianning", "on_scene")
    to(clock, 700)
    log.record(E.INCIDENT_RESOLVED, "op1", c)
    to(clock, 906)
    log.record(E.INCIDENT_RESOLVED, "op1", a)
    to(clock, 1832)
    status(log, a, "o2", "110/xianning", "en_route")
    status(log, a, "o2", "110/xianning", "on_scene")
    status(log, a, "o2", "110/xianning", "on_scene")  # repeated: the first one counts
    return log


@pytest.fixture
def config_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a configuration with the given ``ui.lang``."""
    def write(lang: str = "en") -> Path:
        path = tmp_path / f"config-{lang}.toml"
        path.write_text(f'[ui]\nlang = "{lang}"\n', encoding="utf-8")
        return path
    return write


# -- the figures ---------------------------------------------------------------


def test_percentiles_are_nearest_rank() -> None:
    assert PERCENTILE_METHOD == "nearest-rank"
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([20, 2, 4], 50) == 4
    assert percentile([20, 2, 4], 90) == 20
    ten = list(range(1, 11))
    assert (percentile(ten, 50), percentile(ten, 90), percentile(ten, 100)) == (5, 9, 10)
    assert percentile(list(range(1, 12)), 90) == 10  # ceil(9.9) = rank 10
    assert Stat.of([10, 15, 16], 15) == Stat(count=3, p50=15, p90=16, max=16, deadline_s=15,
                                              within=2, share=0.6667)
    assert Stat.of([], 30) == Stat(deadline_s=30)


def test_counts_and_times_to_answer_and_dispatch(busy: Timeline) -> None:
    report = build_report(busy.events(), SLA)
    assert report.counts == {"calls": 3, "answered": 3, "unanswered": 0, "incidents": 2,
                             "merged": 1, "orders": 4, "resolved": 2, "unresolved": 0}
    assert report.answer == Stat(count=3, p50=4, p90=20, max=20, deadline_s=15, within=2,
                                 share=0.6667)
    # the merged incident B is not a second dispatch: A's group went out 30 s after c1
    assert report.dispatch == Stat(count=2, p50=30, p90=100, max=100, deadline_s=60,
                                   within=1, share=0.5)
    assert report.resolve == Stat(count=2, p50=600, p90=906, max=906, deadline_s=900,
                                  within=1, share=0.5)
    assert report.first == at(0) and report.last == at(1832) and report.now == at(1832)


def test_per_service_times(busy: Timeline) -> None:
    services = build_report(busy.events(), SLA).services
    assert list(services) == ["110", "119", "120", "section", "ops"]
    assert services["120"].orders == 1
    assert services["120"].received == Stat(1, 5, 5, 5, 30, 1, 1.0)
    assert services["120"].on_scene == Stat(1, 576, 576, 576, 1800, 1, 1.0)
    assert services["110"].orders == 2  # o3 was never acknowledged
    assert services["110"].received == Stat(1, 28, 28, 28, 30, 1, 1.0)
    assert services["110"].on_scene == Stat(1, 1800, 1800, 1800, 1800, 1, 1.0)  # on time
    assert services["section"].received == Stat(1, 90, 90, 90, 30, 0, 0.0)
    assert services["section"].on_scene == Stat(deadline_s=1800)
    assert services["119"].orders == 0 and services["119"].received.count == 0


def test_merged_incidents_count_for_the_survivor(busy: Timeline) -> None:
    rows = {row.id: row for row in build_report(busy.events(), SLA).incidents}
    a, c = sorted(rows)
    assert rows[a].merged == (f"{a[:-4]}0002",)
    assert rows[a].calls == 2 and rows[a].orders == 3
    assert (rows[a].kind, rows[a].first_order_s, rows[a].resolved_s) == ("accident", 30, 906)
    assert (rows[c].kind, rows[c].calls, rows[c].first_order_s, rows[c].resolved_s) == (
        "breakdown", 1, 100, 600)


def test_breaches_by_kind(busy: Timeline) -> None:
    report = build_report(busy.events(), SLA)
    assert report.breaches == {"answer": 1, "dispatch": 1, "ack": 1, "on_scene": 0,
                               "resolve": 0, "investigate": 0, "callback": 0}
    assert report.to_json()["breaches"]["total"] == 3


def test_stricter_sla_changes_only_the_shares(busy: Timeline) -> None:
    sla = SlaConfig(answer_s=3, dispatch_s=30, ack_s=5, on_scene_s=600, resolve_s=600)
    report = build_report(busy.events(), sla)
    assert (report.answer.within, report.dispatch.within, report.resolve.within) == (1, 1, 1)
    assert report.services["120"].received.share == 1.0  # 5 s is at the deadline: within
    assert report.services["110"].on_scene.share == 0.0


def complaint(log: Timeline, call_id: str) -> str:
    """Ring and open a complaint (kind set by its playbook)."""
    call(log, call_id, "收费站服务态度差")
    iid = log.open_incident("op1", {"call": call_id}).incident
    assert iid is not None
    log.record(E.PLAYBOOK_APPLIED, "op1", iid, playbook="complaint")
    return iid


def test_complaints_past_deadline(log: Timeline, clock: ManualClock) -> None:
    on_time = complaint(log, "k1")  # investigated after 1 h, called back after ~28 h
    late_investigation = complaint(log, "k2")
    never = complaint(log, "k3")  # nothing recorded, both deadlines pass
    to(clock, 3600)
    log.record("investigation_recorded", "section/g4", on_time, finding="staff warned")
    to(clock, 90000)  # > 86400: late
    log.record("investigation_recorded", "section/g4", late_investigation, finding="ok")
    to(clock, 100000)
    log.record("callback_recorded", "section/g4", on_time, satisfied=True)
    log.record("callback_recorded", "section/g4", late_investigation, satisfied=False)
    to(clock, 150000)
    pending = complaint(log, "k4")  # opened late: its deadlines are still ahead
    log.record(E.INCIDENT_CLOSED, "op1", on_time)
    to(clock, 200000)  # > 172800: k3's callback deadline has passed too
    log.record(E.NOTE_ADDED, "op1", pending, text="waiting for the section")

    report = build_report(log.events(), SLA)
    rows = {c.incident: c for c in report.complaints}
    assert list(rows) == [on_time, late_investigation, never, pending]
    assert report.complaints_past_deadline == [late_investigation, never]
    assert (rows[on_time].investigate_late, rows[on_time].callback_late) == (False, False)
    assert rows[on_time].satisfied is True
    assert (rows[late_investigation].investigate_late,
            rows[late_investigation].callback_late) == (True, False)
    assert rows[late_investigation].satisfied is False
    assert (rows[never].investigate_late, rows[never].callback_late) == (True, True)
    assert rows[never].investigated_at is None and rows[never].satisfied is None
    assert rows[pending].past_deadline is False
    # complaints have their own loop: they are not held against the 15-minute resolve time
    assert report.resolve.count == 0 and report.counts["unresolved"] == 0
    doc = report.to_json()["complaints"]
    assert doc["total"] == 4 and doc["past_deadline"] == 2 and doc["satisfied"] == 1
    assert doc["past_deadline_ids"] == [late_investigation, never]
    assert doc["items"][0]["investigate_due"] == "2026-11-23T00:00:00.000Z"

    # judged earlier, only what was already late counts
    early = build_report(log.events(), SLA, now=at(86400))
    assert early.complaints_past_deadline == [late_investigation]  # its finding came at 90000
    # custom deadlines: a 2-hour investigation makes k1 on time but a 1-hour one late
    tight = build_report(log.events(), SLA, {"investigate": 3599})
    assert on_time in tight.complaints_past_deadline
    assert tight.complaint_deadlines == {"investigate": 3599, "callback": 172800}


def test_a_breach_event_marks_a_complaint_late(log: Timeline, clock: ManualClock) -> None:
    iid = complaint(log, "k1")
    to(clock, 10)
    log.record("deadline_breached", "system", iid, deadline="investigate", due_at="x")
    report = build_report(log.events(), SLA)
    assert report.complaints_past_deadline == [iid]
    assert report.breaches["investigate"] == 1


def test_drill_scores_are_listed(make_log: Callable[..., Timeline],
                                 clock: ManualClock) -> None:
    drill = make_log("drill.db", drill=True)
    drill.record("drill_scored", "trainer", drill="g4-fog-pileup",
                 title={"en": "Pile-up in fog on G4", "zh": "G4 团雾多车追尾"}, score=85, calls=3)
    to(clock, 600)
    drill.record("drill_scored", "trainer", drill="night-breakdown",
                 title={"en": "Breakdown at night", "zh": "夜间车辆故障"}, score=62.5, calls=1)
    report = build_report(drill.events(), SLA)
    assert [d.to_json() for d in report.drills] == [
        {"drill": "g4-fog-pileup", "title": {"en": "Pile-up in fog on G4",
                                             "zh": "G4 团雾多车追尾"},
         "score": 85, "calls": 3, "at": "2026-11-22T00:00:00.000Z"},
        {"drill": "night-breakdown", "title": {"en": "Breakdown at night", "zh": "夜间车辆故障"},
         "score": 62.5, "calls": 1, "at": "2026-11-22T00:10:00.000Z"},
    ]
    text = render_text(report, "zh")
    assert "演练得分" in text and "G4 团雾多车追尾" in text and "62.5" in text


def test_a_call_answered_after_since_is_left_out(busy: Timeline) -> None:
    report = build_report(busy.events(), SLA, since=at(50))
    # c2 rang at 40, before the window: its answer at 60 is not counted; nor are A and B
    assert report.counts == {"calls": 1, "answered": 1, "unanswered": 0, "incidents": 1,
                             "merged": 1, "orders": 2, "resolved": 1, "unresolved": 0}
    assert report.answer.p50 == 2 and report.dispatch.max == 100
    assert report.services["110"].received.count == 0  # o2 was sent before the window
    assert report.services["110"].orders == 1


def test_empty_report() -> None:
    report = build_report([], SLA)
    doc = report.to_json()
    assert doc["counts"] == dict.fromkeys(
        ("calls", "answered", "unanswered", "incidents", "merged", "orders", "resolved",
         "unresolved"), 0)
    assert doc["answer"] == {"count": 0, "p50": None, "p90": None, "max": None,
                             "deadline_s": 15, "within": 0, "share": None}
    assert doc["now"] is None and doc["complaints"]["total"] == 0 and doc["drills"] == []


def test_report_texts_in_both_languages_with_the_same_fields() -> None:
    for key, templates in TEXTS.items():
        assert set(templates) == set(LANGS), key
        assert placeholders(templates["en"]) == placeholders(templates["zh"]), key


def test_cell_width_and_durations() -> None:
    assert cell_width("abc") == 3
    assert cell_width("来电至首次派单") == 14
    assert cell_width("急救 120：到达现场") == 18
    assert [duration(v) for v in (None, 4, 12.5, 60, 303, 3720)] == [
        "-", "4s", "12.5s", "1m00s", "5m03s", "1h02m00s"]


# -- the command ---------------------------------------------------------------


def table_lines(out: str, first_header: str) -> list[str]:
    """The table whose header starts with ``first_header``: the lines as wide as the header."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_header))
    rows = [lines[start]]
    for line in lines[start + 1:]:
        if cell_width(line) != cell_width(rows[0]):
            break  # the notes under the table
        rows.append(line)
    return rows


def _right_edges(line: str) -> list[int]:
    """Cell offsets where the table's right-aligned columns (all but the first) end."""
    edges, width = [], 0
    for i, char in enumerate(line):
        width += cell_width(char)
        if char != " " and (i + 1 == len(line) or line[i + 1] == " "):
            edges.append(width)
    return edges[-6:]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI, expect success, return stdout."""
    assert main(argv) == 0
    return capsys.readouterr().out


def test_cli_table_in_english(busy: Timeline, capsys: pytest.CaptureFixture[str],
                              config_file: Callable[[str], Path]) -> None:
    out = run(["report", "--db", str(busy.path), "--config", str(config_file("en"))], capsys)
    lines = out.splitlines()
    assert lines[0] == "Response-time report"
    assert lines[1] == "Period 2026-11-22 08:00:00 – 2026-11-22 08:30:32 (Asia/Shanghai)"
    assert lines[2] == ("Calls 3 (answered 3, unanswered 0) · Incidents 2 (merged 1) · "
                        "Orders 4")
    rows = table_lines(out, "Measure")
    assert len(rows) == 1 + 2 + 2 * 3 + 1  # header, answer, dispatch, 3 services, resolve
    assert len({cell_width(r) for r in rows}) == 1  # right edges line up
    assert rows[1].split() == ["Time", "to", "answer", "3", "4s", "20s", "20s", "15s",
                               "66.7%"]
    assert rows[2].split()[-6:] == ["2", "30s", "1m40s", "1m40s", "1m00s", "50.0%"]
    assert "Police 110: order received" in out and "Ambulance 120: on scene" in out
    assert "Fire & rescue 119" not in out  # no orders, no rows
    assert rows[-1].split()[-6:] == ["2", "10m00s", "15m06s", "15m06s", "15m00s", "50.0%"]
    assert "Deadline breaches" in out and "Complaints: 0, past deadline: 0" in out
    breaches = table_lines(out, "Deadline  ")
    assert [r.split()[-1] for r in breaches[1:]] == ["1", "1", "1", "3"]


def test_cli_table_in_chinese_lines_up(busy: Timeline, capsys: pytest.CaptureFixture[str],
                                       config_file: Callable[[str], Path]) -> None:
    # ui.lang = zh in the configuration; no --lang needed
    out = run(["report", "--db", str(busy.path), "--config", str(config_file("zh"))], capsys)
    assert out.splitlines()[0] == "响应时效报表"
    assert "来电 3（已接 3，未接 0）· 事件 2（已合并 1）· 派单 4" in out
    rows = table_lines(out, "指标")
    assert len(rows) == 10
    assert len({len(r) for r in rows}) > 1  # plain len() would misalign them
    # every column's right edge sits at the same cell offset on every row
    edges = [_right_edges(r) for r in rows]
    assert all(e == edges[0] for e in edges[1:])
    header_cells = rows[0].split()
    assert header_cells == ["指标", "次数", "中位数", "90分位", "最长", "时限", "达标率"]
    assert any(r.startswith("急救 120：到达现场") for r in rows)
    assert "超时告警" in out and "接单确认" in out
    en = run(["report", "--db", str(busy.path), "--config", str(config_file("zh")),
              "--lang", "en"], capsys)
    assert en.startswith("Response-time report")


def test_cli_json(busy: Timeline, capsys: pytest.CaptureFixture[str],
                  config_file: Callable[[str], Path]) -> None:
    doc = json.loads(run(["report", "--json", "--db", str(busy.path),
                          "--config", str(config_file())], capsys))
    assert list(doc) == ["schema", "percentiles", "since", "first", "last", "now", "sla",
                         "complaint_deadlines", "counts", "answer", "dispatch", "services",
                         "resolve", "breaches", "complaints", "drills", "incidents"]
    assert doc["schema"] == SCHEMA and doc["percentiles"] == "nearest-rank"
    assert doc["sla"] == {"answer_s": 15, "dispatch_s": 60, "ack_s": 30, "on_scene_s": 1800,
                          "resolve_s": 900}
    assert doc["answer"] == {"count": 3, "p50": 4.0, "p90": 20.0, "max": 20.0,
                             "deadline_s": 15, "within": 2, "share": 0.6667}
    assert doc["services"]["120"] == {
        "orders": 1,
        "received": {"count": 1, "p50": 5.0, "p90": 5.0, "max": 5.0, "deadline_s": 30,
                     "within": 1, "share": 1.0},
        "on_scene": {"count": 1, "p50": 576.0, "p90": 576.0, "max": 576.0,
                     "deadline_s": 1800, "within": 1, "share": 1.0},
    }
    assert doc["since"] is None and doc["last"] == "2026-11-22T00:30:32.000Z"
    assert doc["incidents"][0]["merged"] == ["20261122-0002"]


def test_cli_since(busy: Timeline, capsys: pytest.CaptureFixture[str],
                   config_file: Callable[[str], Path]) -> None:
    cfg = str(config_file())
    doc = json.loads(run(["report", "--json", "--db", str(busy.path), "--config", cfg,
                          "--since", "2026-11-22T00:00:50Z"], capsys))
    assert doc["since"] == "2026-11-22T00:00:50.000Z"
    assert doc["counts"]["calls"] == 1 and doc["answer"]["count"] == 1
    # a date is the centre's calendar day: 2026-11-22 starts at 16:00 UTC the day before
    doc = json.loads(run(["report", "--json", "--db", str(busy.path), "--config", cfg,
                          "--since", "2026-11-22"], capsys))
    assert doc["since"] == "2026-11-21T16:00:00.000Z" and doc["counts"]["calls"] == 3
    doc = json.loads(run(["report", "--json", "--db", str(busy.path), "--config", cfg,
                          "--since", "2026-11-23"], capsys))
    assert doc["counts"]["calls"] == 0 and doc["first"] is None
    text = run(["report", "--db", str(busy.path), "--config", cfg, "--since", "2026-11-23"],
               capsys)
    assert text == ("Response-time report\nEvents since 2026-11-23 00:00:00\n"
                    "No events to report.\n")
    assert main(["report", "--db", str(busy.path), "--config", cfg, "--since", "soon"]) == 1
    assert "--since: expected a date" in capsys.readouterr().err


def test_cli_empty_log(log: Timeline, capsys: pytest.CaptureFixture[str],
                       config_file: Callable[[str], Path]) -> None:
    cfg = str(config_file())
    assert run(["report", "--db", str(log.path), "--config", cfg], capsys) == (
        "Response-time report\nNo events to report.\n")
    assert run(["report", "--db", str(log.path), "--config", cfg, "--lang", "zh"],
               capsys) == "响应时效报表\n没有可统计的记录。\n"
    doc = json.loads(run(["report", "--json", "--db", str(log.path), "--config", cfg], capsys))
    assert doc["counts"]["calls"] == 0 and doc["answer"]["p50"] is None
    assert main(["report", "--db", str(log.path.with_name("none.db")), "--config", cfg]) == 1
    assert "no such log" in capsys.readouterr().err
