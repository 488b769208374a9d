"""Command-line and text fixes of the night shift (issue 13, item 12): CAP export to stdout,
``dispatch unit`` on an address the map lacks, the HTML report's labels, plurals, and the
broker's delivery told apart from the unit's acceptance."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.i18n import plural, render, text
from dispatch.report import build_report
from dispatch.report.html import LABEL_GAP, deadlines_chart, label_area, text_px, times_chart
from dispatch.timeline import Timeline
from dispatch.timeline.describe import describe
from dispatch.tui.texts import t
from dispatch.unit.texts import unit_text

from .desklib import make_desk
from .test_interchange import OP, check_cap, peak_desk

# -- c. CAP to stdout ------------------------------------------------------------------


def test_one_cap_alert_to_stdout_is_one_parseable_document(
        log: Timeline, clock: ManualClock, capsys: pytest.CaptureFixture[str]) -> None:
    peak_desk(log, clock)  # the peak opens: one Alert
    assert main(["export", "--format", "cap", "--db", str(log.path)]) == 0
    out = capsys.readouterr().out
    root = check_cap(out)
    assert root.findtext("{urn:oasis:names:tc:emergency:cap:1.2}msgType") == "Alert"


def test_several_cap_alerts_to_stdout_are_refused_and_nothing_is_written(
        log: Timeline, clock: ManualClock, capsys: pytest.CaptureFixture[str]) -> None:
    desk = peak_desk(log, clock)
    clock.advance(600)
    desk.tick()  # the peak ends: a Cancel follows
    assert main(["export", "--format", "cap", "--db", str(log.path)]) == 1
    got = capsys.readouterr()
    assert got.out == ""
    assert got.err.count("\n") == 1
    assert "2 CAP alerts" in got.err and "--out DIR/" in got.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_cap_alert_is_a_clear_error_on_stdout_and_a_note_for_a_folder(
        log: Timeline, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    desk = make_desk(log)
    desk.receive_call(OP, {"name": "Li", "phone": "13800000001"}, "爆胎")
    assert main(["export", "--format", "cap", "--db", str(log.path), "--lang", lang]) == 1
    got = capsys.readouterr()
    assert got.out == "" and got.err.count("\n") == 1
    assert ("no CAP advisory" if lang == "en" else "没有公众提示") in got.err
    assert main(["export", "--format", "cap", "--db", str(log.path), "--out",
                 f"{tmp_path / 'cap'}/"]) == 0
    got = capsys.readouterr()
    assert "no CAP advisory" in got.err and not list((tmp_path / "cap").glob("*"))


def test_the_folder_export_still_writes_every_alert(
        log: Timeline, clock: ManualClock, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    desk = peak_desk(log, clock)
    clock.advance(600)
    desk.tick()
    out = tmp_path / "cap"
    assert main(["export", "--format", "cap", "--db", str(log.path), "--out", f"{out}/"]) == 0
    assert "Wrote 2 documents" in capsys.readouterr().err
    for f in out.glob("*.xml"):
        check_cap(f.read_text(encoding="utf-8"))


# -- e. dispatch unit on an address the map lacks ------------------------------------------


def test_unit_refuses_an_address_no_station_has(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["unit", "120/xianing"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dispatch: unit: no station")
    assert "did you mean 120/xianning?" in err
    assert "120/wuhan" in err and "110/wuhan" not in err  # the service's stations
    assert "--any-address" in err and "dispatch locate" in err


def test_unit_takes_a_station_of_the_map_and_the_override() -> None:
    from dispatch.cli.unit_cmd import parse_address, unit_name
    from dispatch.config import Config

    config = Config()
    assert unit_name(config, parse_address("120/xianning"), "zh") == "咸宁急救中心120调度台"
    assert unit_name(config, parse_address("section/g70-shiyan"), "en") == \
        "G70 Shiyan section centre"
    assert unit_name(config, parse_address("120/partner-test"), "en", any_address=True) is None


# -- d. the HTML report's labels --------------------------------------------------------


def _every_service(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    call = desk.receive_call(OP, {"name": "李明", "phone": "13800000001"}, "追尾，有人受伤")
    clock.advance(4)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "accident")
    orders = desk.dispatch(OP, iid, ["110", "119", "120", "section"])
    for n, order in enumerate(orders):
        to = desk.board.incidents[iid].orders[order].to
        for state in ("received", "on_scene"):
            clock.advance(10 + n)
            desk.record(desk.event("order_status", to, iid, order=order, to=to, status=state))


_TEXT = re.compile(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end">([^<]*)</text>')


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_labels_fit_in_their_area(log: Timeline, clock: ManualClock, tmp_path: Path,
                                        lang: str) -> None:
    _every_service(log, clock)
    report = build_report(log.events(), make_desk(log).sla, now=clock.now())
    for chart in (deadlines_chart(report, lang), times_chart(report, lang)):
        root = ET.fromstring(chart)
        assert root.tag == "svg"
        labels = [(x, unescape(label)) for x, label in _TEXT.findall(chart)]
        assert len(labels) >= 8
        area = label_area(label for _, label in labels)
        assert area >= max(text_px(label) for _, label in labels)
        for x, label in labels:
            # Anchored at its end: it starts at x − its width, which must not be left of 0.
            assert float(x) - text_px(label) >= 0, label
            assert float(x) == area - LABEL_GAP
        width = float(root.get("width") or 0)
        for match in re.finditer(r'<text x="([\d.]+)" y="[\d.]+">([^<]*)</text>', chart):
            value = unescape(match.group(2))
            assert float(match.group(1)) + text_px(value) <= width, value
    page = tmp_path / "r.html"
    assert main(["report", "--db", str(log.path), "--html", str(page), "--lang", lang]) == 0
    html = page.read_text(encoding="utf-8")
    longest = "Road-section centre: order received" if lang == "en" else "路段中心：确认接单"
    assert f'text-anchor="end">{longest}</text>' in html


def test_chinese_is_measured_wider_than_latin() -> None:
    assert text_px("路段中心") == 4 * 12 and text_px("abcd") < text_px("路段中心")
    assert label_area(["x" * 60]) > 260  # the old fixed area clipped labels this long


# -- h. plurals ---------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "words"), [(1, "1 order sent"), (2, "2 orders sent"),
                                              (0, "0 orders sent")])
def test_sent_says_order_or_orders(count: int, words: str) -> None:
    assert t("sent", "en", incident="X", count=count) == f"X: {words}"
    assert t("sent", "zh", incident="X", count=count) == f"X：已派单 {count} 条"


def test_other_counts_agree_with_their_number() -> None:
    assert t("pane.calls", "en", count=1) == "1 call about this incident"
    assert t("pane.calls", "en", count=3) == "3 calls about this incident"
    assert t("seats.title", "en", seats=1, free=0, ringing=0).startswith("The floor: 1 seat,")
    assert unit_text("waiting", "en", count=1) == "1 report waiting to go out"
    assert text("export.done", "en", count=1, out="f") == "Exported 1 event to f."
    assert "1 incident, 1 order waiting" in text("timeline.rebuilt", "en", events=5,
                                                   incidents=1, pending=1)
    assert plural(1, "call", "calls") == "call" and plural("2", "call", "calls") == "calls"
    # A missing count still renders (as the other fields do), in the plural.
    assert render({"en": "{count} {count:@call|calls}"}, "en") == "? calls"


# -- f. delivered to the broker vs accepted by the unit --------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_broker_delivery_and_unit_acceptance_read_differently(lang: str) -> None:
    delivered, accepted = t("order.delivered", lang), t("order.accepted", lang)
    assert delivered != accepted
    assert (delivered, accepted) == (("delivered to broker", "accepted by unit") if lang == "en"
                                     else ("已送达服务器", "单位已接受"))
    marks = t("help.marks", lang)
    assert delivered in marks and accepted in marks


def test_the_timeline_says_delivered_to_the_broker(log: Timeline) -> None:
    event = log.record("order_delivered", "bus", "20261122-0001", order="o1",
                       to="120/xianning")
    assert describe(event, "en") == "Order to 120/xianning delivered to the broker"
    assert describe(event, "zh").startswith("派单已送达服务器（")
    assert "accepted" not in describe(event, "en")
