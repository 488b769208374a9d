"""``dispatch playbooks``: check, show, classify, guide, phrases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.playbook.text import cell_width

FIXTURES = Path(__file__).parent / "fixtures" / "playbooks"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    # Hermetic: no config.toml from the working folder or the user's config folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys, *argv):
    code = main(["playbooks", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_shipped_green(capsys):
    code, out, _ = run(capsys, "check")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:6]] == [
        "accident", "breakdown", "complaint", "outage", "peak_load", "service"]
    assert lines[-1].startswith("5 playbooks OK in ")


def test_check_broken_lists_every_problem(capsys):
    code, out, _ = run(capsys, "check", str(FIXTURES / "broken"))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 14 and lines[-1] == "13 problems in 13 files"
    assert f"{FIXTURES / 'broken' / 'unknown_service.toml'}:35: dispatch[1].service: " \
           "unknown service '911' (one of 110, 119, 120, section, ops)" in lines


def test_check_configured_folder(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[data]\nplaybooks = "{FIXTURES / "valid"}"\n')
    code = main(["--config", str(config), "playbooks", "check"])
    out = capsys.readouterr().out
    assert code == 0 and out.splitlines()[0].startswith("minimal ")


def test_show_accident_zh_fits_80_columns(capsys):
    code, out, _ = run(capsys, "show", "accident", "--lang", "zh")
    assert code == 0
    assert max(cell_width(line) for line in out.splitlines()) <= 80
    assert out.startswith("交通事故 (accident, 第1版)\n")
    for heading in ("操作步骤", "关键问题", "安全提示（向来电人宣读）", "派单", "优先级", "时限"):
        assert heading + "\n" in out
    assert "150米" in out and "【必读】" in out
    assert "30分钟" in out


@pytest.mark.parametrize("pid", ["accident", "breakdown", "outage", "peak_load", "complaint"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_every_playbook_narrow(capsys, pid, lang):
    code, out, _ = run(capsys, "show", pid, "--lang", lang, "--width", "60")
    assert code == 0
    assert max(cell_width(line) for line in out.splitlines()) <= 60


def test_show_unknown_playbook(capsys):
    code, _, err = run(capsys, "show", "fire")
    assert code == 1
    assert err == ("dispatch: no playbook 'fire' (playbooks: accident, breakdown, complaint, "
                   "outage, peak_load)\n")


def test_classify_json(capsys):
    code, out, _ = run(capsys, "classify", "我车在G4爆胎了，停在应急车道", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["text"] == "我车在G4爆胎了，停在应急车道"
    assert data["matches"][0] == {"playbook": "breakdown", "score": 3,
                                  "words": ["爆胎", "停在应急车道"],
                                  "suggested": {"fault": "tyre"}}


def test_classify_text_and_no_match(capsys):
    code, out, _ = run(capsys, "classify", "two", "cars", "crashed", "--lang", "en")
    assert code == 0 and out.split()[:2] == ["accident", "3"]
    code, out, _ = run(capsys, "classify", "hello", "--lang", "en")
    assert code == 0 and out == "(no playbook matched)\n"


def test_guide_json_shape(capsys):
    code, out, _ = run(capsys, "guide", "accident", "--answer", "injured=2", "-a", "trapped=no",
                       "--json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    assert data["playbook"] == "accident"
    assert data["priority"] == 2
    assert [s["service"] for s in data["services"]] == ["110", "120", "section"]
    assert all(set(s) == {"service", "reason", "assumed"} for s in data["services"])
    assert data["advice"][:4] == ["leave_lanes", "hazard_lights", "warning_triangle",
                                  "do_not_move_injured"]
    assert data["pending"] == ["fire", "hazmat", "vehicles", "lane_blocked"]
    assert data["answers"] == {"injured": 2, "trapped": False}
    assert data["deadlines"] == {"dispatch": 60, "on_scene": 1800}
    assert {"kind": "service", "target": "119", "on": ["fire", "hazmat"],
            "reason": "Fire or smoke, a fuel or hazardous-goods leak, or people trapped: "
                      "fire and rescue"} in data["depends"]


def test_guide_unknown_and_complete(capsys):
    code, out, _ = run(capsys, "guide", "breakdown", "-a", "fault=没油", "-a", "in_lane=否",
                       "-a", "smoke=false", "--complete", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["answers"]["fault"] == "fuel"
    assert data["unknown"] == []  # unanswered under --complete are not "answers"
    ambulance = next(s for s in data["services"] if s["service"] == "120")
    assert ambulance["assumed"] is True


def test_guide_text_zh(capsys):
    code, out, _ = run(capsys, "guide", "accident", "-a", "injured=不知道", "-a", "trapped=没有",
                       "--lang", "zh")
    assert code == 0
    assert "急救 120" in out and "询问后伤情仍不明" in out
    assert max(cell_width(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(("answer", "message"), [
    ("injured=two", "dispatch: accident: injured: expected a whole number 0 or more, got 'two'\n"),
    ("trapped=maybe", "dispatch: accident: trapped: expected yes or no, got 'maybe'\n"),
    ("vehicles=0", "dispatch: accident: vehicles: expected a whole number 1 or more, got '0'\n"),
    ("injurd=1", "dispatch: accident: no question 'injurd' (questions: injured, trapped, fire, "
                 "hazmat, vehicles, lane_blocked)\n"),
    ("injured", "dispatch: expected KEY=VALUE such as injured=2, got 'injured'\n"),
])
def test_guide_bad_answers(capsys, answer, message):
    code, _, err = run(capsys, "guide", "accident", "-a", answer)
    assert code == 1 and err == message


def test_phrases(capsys):
    code, out, _ = run(capsys, "phrases", "这个不归我们管", "--json")
    assert code == 1
    assert json.loads(out)["hits"][0]["id"] == "not_my_business"
    code, out, _ = run(capsys, "phrases", "请您稍等，我马上为您查询")
    assert code == 0 and out == "no forbidden phrase\n"


def test_broken_folder_is_one_line(capsys):
    code, _, err = run(capsys, "show", "x", "--dir", str(FIXTURES / "broken"))
    assert code == 1
    assert err.count("\n") == 1 and "(and 12 more; run 'dispatch playbooks check')" in err


def test_subprocess_module_entry():
    result = subprocess.run(
        [sys.executable, "-m", "dispatch.cli", "playbooks", "classify", "I ran out of fuel",
         "--json"],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"][0]["suggested"] == {"fault": "fuel"}
