"""Event texts in words: names for ids, yes / no / unknown for Python values, local times;
the CLI timeline and the drill summary in Chinese; the centre's name in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.config import read_config
from dispatch.config.schema import CenterConfig, CentreName
from dispatch.errors import ConfigError
from dispatch.i18n import WORDS, show_value, word
from dispatch.model import Event, EventType
from dispatch.timeline import Timeline
from dispatch.timeline.describe import describe, local_time, type_label
from dispatch.timeline.labels import Labels

from .conftest import SHANGHAI
from .desklib import shipped

PYTHON = re.compile(r"\b(None|True|False)\b")


def labels() -> Labels:
    playbooks, roadmap, _ = shipped()
    return Labels(playbooks, roadmap)


def ev(type_: str, **data: object) -> Event:
    return Event(type=type_, actor="op1", incident="20261122-0001", data=dict(data),
                 at=datetime(2026, 12, 1, 11, 29, 3, tzinfo=UTC))


def test_values_read_as_words() -> None:
    assert [show_value(v, "zh") for v in (True, False, None, 2, 2.0, "x")] == \
        ["是", "否", "未知", "2", "2", "x"]
    assert [show_value(v, "en") for v in (True, False, None)] == ["yes", "no", "unknown"]
    assert show_value([True, None], "zh") == "是、未知"
    assert word("order", "en_route", "zh") == "已出发" and word("order", "en_route") == "en route"
    assert word("mode", "outage", "zh") == "系统故障" and word("order", None, "zh") == "未知"
    assert type_label("order_status", "zh") == "回报" and type_label("order_status", "en") \
        == "order_status"
    for group in WORDS.values():
        assert all(set(texts) == {"en", "zh"} for texts in group.values())


EVENTS = [
    ev(EventType.PLAYBOOK_APPLIED, playbook="accident", suggested=True, words=[]),
    ev(EventType.ANSWER_RECORDED, question="trapped", value=True),
    ev(EventType.ANSWER_RECORDED, question="hazmat", value=None),
    ev(EventType.ANSWER_RECORDED, question="subject", value="toll"),
    ev(EventType.ADVICE_GIVEN, advice="leave_lanes"),
    ev(EventType.ORDER_STATUS, to="120/xianning", status="en_route", order="o1"),
    ev(EventType.LOCATION_SET, location={"road": "G4", "km": 1024.3, "jurisdiction": "xianning",
                                         "section": "g4-xianning"}),
    ev(EventType.DEADLINE_BREACHED, deadline="on_scene", due_at="2026-12-01T11:29:03.512Z"),
    ev(EventType.CALLBACK_RECORDED, satisfied=False, note=""),
    ev(EventType.MODE_CHANGED, mode="peak"),
    ev(EventType.INCIDENT_OPENED, kind="breakdown"),
    ev(EventType.COMMAND_REFUSED, command="close", role="operator", reason="x"),
    ev("some_future_event", flag=True, value=None),
    ev(EventType.LOGIN_FAILED, operator="wang", reason="wrong password"),
]


def test_chinese_event_texts_name_what_the_ids_mean() -> None:
    names = labels()
    said = [describe(e, "zh", labels=names, tz=SHANGHAI) for e in EVENTS]
    assert said[0] == "采用预案：交通事故"
    assert said[1] == "回答“有没有人被困在车里出不来？”：是"
    assert said[2].endswith("：未知")
    assert said[3].endswith("：收费")  # a choice by its label
    assert said[4].startswith("已提示安全事项：请所有人从远离车流的一侧下车")
    assert said[5] == "咸宁急救中心120调度台 回报：已出发"
    assert said[6] == "位置：G4 K1024+300 咸宁"
    assert said[7] == "超时：到场（应于 19:29:03 前完成）"  # Beijing time, not raw UTC
    assert said[8] == "已记录回访，满意：否"
    assert said[9] == "工作模式切换为 话务高峰"
    assert said[10] == "建立事件（车辆故障）"
    assert "话务员" in said[11]
    assert said[12] == "some_future_event flag=是 value=未知"
    assert said[13] == "wang 登录失败：密码错误"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_python_value_in_any_timeline(lang: str) -> None:
    for names in (labels(), None):
        for event in EVENTS:
            line = describe(event, lang, labels=names)
            assert not PYTHON.search(line), line


def test_english_event_texts_keep_codes_and_read_words() -> None:
    names = labels()
    said = [describe(e, "en", labels=names, tz=SHANGHAI) for e in EVENTS]
    assert said[1] == "Answer to “Is anyone trapped in a vehicle?”: yes"
    assert said[5] == "120/xianning reports en route"
    assert said[7] == "Deadline breached: on scene (due 19:29:03)"


def test_local_time() -> None:
    assert local_time("2026-12-01T11:29:03.512Z", SHANGHAI) == "19:29:03"
    assert local_time("soon", SHANGHAI) == "soon"


def test_cli_timeline_in_chinese_has_no_english_ids(
        log: Timeline, capsys: pytest.CaptureFixture[str]) -> None:
    call = log.record(EventType.CALL_RECEIVED, "gateway", call="c1",
                      caller={"name": "李明", "phone": "13800000001"}, says="追尾")
    assert call is not None
    iid = log.open_incident("op1", {"call": "c1"}).incident
    for event in EVENTS[:10]:
        log.record(event.type, "system", iid, **event.data)
    log.close()
    assert main(["timeline", iid, "--db", str(log.path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("事件 ")
    assert "来电 李*（138****0001）" in out and "回报：已出发" in out
    for english in ("accident", "trapped", "leave_lanes", "en_route", "xianning",
                    "call_received", "system", "None", "True", "False", "T11:29"):
        assert english not in out, english


def test_drill_summary_in_chinese() -> None:
    from dispatch.drill.summary import summary

    from .test_console_zh import REPORT

    out = summary(REPORT, "zh", labels())
    assert "车辆故障" in out and "急救 120" in out and "应采用预案：交通事故" in out
    assert "3秒" in out and "请所有人从远离车流" in out
    assert not re.search(r"accident|breakdown|leave_lanes|answer|score", out.split("\n", 1)[1])
    assert "missing orders: Ambulance 120" in summary(REPORT, "en", labels())


def test_the_centre_name_is_one_string_or_both_languages(tmp_path: Path) -> None:
    assert CenterConfig().display_name("zh") == "湖北高速救援热线"
    assert CenterConfig().display_name("en") == "Hubei Expressway Rescue Hotline"
    path = tmp_path / "one.toml"
    path.write_text('[center]\nname = "Hotline"\n', encoding="utf-8")
    one = read_config(path).center
    assert one.name == "Hotline" and one.display_name("zh") == "Hotline"
    path.write_text('[center]\nname = { en = "Hotline", zh = "热线" }\n', encoding="utf-8")
    both = read_config(path)
    assert both.center.name == CentreName(en="Hotline", zh="热线")
    assert both.center.display_name("zh") == "热线" and both.center.display_name("en") \
        == "Hotline"
    assert both.origin("center.name") == str(path)
    for bad in ('{ en = "Hotline" }', "3", '{ en = "a", zh = "b", fr = "c" }'):
        path.write_text(f"[center]\nname = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            read_config(path)
        message = str(err.value)
        assert message.startswith(f"{path}: center.name: expected a string or a table")
        assert "\n" not in message


def test_config_show_prints_the_table(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[center]\nname = { en = "Hotline", zh = "热线" }\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "show"]) == 0
    assert re.search(r'^name = \{ en = "Hotline", zh = "热线" \} +# ', capsys.readouterr().out,
                     re.M)
    assert main(["--config", str(path), "config", "show", "--json"]) == 0
    assert '"en": "Hotline"' in capsys.readouterr().out
