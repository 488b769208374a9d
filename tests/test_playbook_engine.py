"""Conditions, answers, service language and text helpers of the playbook package."""

from __future__ import annotations

import pytest

from dispatch.errors import PlaybookError
from dispatch.playbook import (
    ConditionError,
    check_phrases,
    coerce_answer,
    compile_condition,
    load_playbooks,
    load_service_language,
)
from dispatch.playbook.render import duration
from dispatch.playbook.text import cell_width, normalize, wrap

PLAYBOOKS = load_playbooks()
ACCIDENT = PLAYBOOKS.get("accident")
BREAKDOWN = PLAYBOOKS.get("breakdown")
Q = {q.id: q for q in ACCIDENT.questions}
QB = {q.id: q for q in BREAKDOWN.questions}


# -- conditions --------------------------------------------------------------


@pytest.mark.parametrize(("source", "answers", "value", "depends"), [
    ("injured > 0 or trapped", {"injured": 2, "trapped": False}, True, ()),
    ("injured > 0 or trapped", {"injured": 0, "trapped": False}, False, ()),
    ("injured > 0 or trapped", {"trapped": True}, True, ()),
    ("injured > 0 or trapped", {"injured": 0}, None, ("trapped",)),
    ("injured > 0 or trapped", {}, None, ("injured", "trapped")),
    ("injured > 0 and trapped", {"injured": 0}, False, ()),
    ("injured >= 3 or vehicles >= 5", {"injured": 1, "vehicles": None}, None, ("vehicles",)),
    ("not fire", {"fire": None}, None, ("fire",)),
    ("fire == true", {"fire": True}, True, ()),
    ("injured + vehicles > 3", {"injured": 2, "vehicles": 2}, True, ()),
])
def test_condition_outcomes(source, answers, value, depends):
    outcome = compile_condition(source, Q).evaluate(answers)
    assert (outcome.value, outcome.depends) == (value, depends)


def test_choice_conditions():
    cond = compile_condition("fault in ['tyre', 'mechanical']", QB)
    assert cond.evaluate({"fault": "tyre"}).value is True
    assert cond.evaluate({"fault": "fuel"}).value is False
    assert cond.evaluate({}).value is None


@pytest.mark.parametrize(("source", "message"), [
    ("injured >", "cannot parse condition 'injured >': invalid syntax"),
    ("open('x')", "call is not allowed in a condition (use comparisons, and, or, not, in, "
                  "+ and -)"),
    ("fire.__class__", "attribute is not allowed in a condition (use comparisons, and, or, not, "
                       "in, + and -)"),
    ("injured ** 99", "pow is not allowed in a condition (use comparisons, and, or, not, in, "
                      "+ and -)"),
    ("x > 1", "condition names unknown question 'x' (questions: injured, trapped, fire, "
              "hazmat, vehicles, lane_blocked)"),
    ("injured > 1.5", "literal 1.5 is not allowed (numbers and strings)"),
])
def test_condition_errors(source, message):
    with pytest.raises(ConditionError) as caught:
        compile_condition(source, Q)
    assert str(caught.value) == message


def test_condition_never_uses_eval(monkeypatch):
    import builtins

    def boom(*args, **kwargs):
        raise AssertionError("eval used")

    monkeypatch.setattr(builtins, "eval", boom)
    assert compile_condition("injured > 0", Q).evaluate({"injured": 1}).value is True


# -- answers -----------------------------------------------------------------


@pytest.mark.parametrize(("qid", "given", "value"), [
    ("injured", "2", 2), ("injured", 3, 3), ("injured", " 0 ", 0), ("injured", "unknown", None),
    ("injured", "不知道", None), ("injured", None, None),
    ("trapped", "yes", True), ("trapped", "TRUE", True), ("trapped", "是", True),
    ("trapped", "no", False), ("trapped", "没有", False), ("trapped", False, False),
    ("vehicles", "3", 3),
])
def test_coerce(qid, given, value):
    assert coerce_answer(ACCIDENT, qid, given) == value


@pytest.mark.parametrize(("given", "value"), [
    ("tyre", "tyre"), ("爆胎", "tyre"), ("Out of fuel", "fuel"), ("机械故障", "mechanical"),
])
def test_coerce_choice(given, value):
    assert coerce_answer(BREAKDOWN, "fault", given) == value


@pytest.mark.parametrize(("qid", "given", "message"), [
    ("injured", True, "accident: injured: expected a whole number 0 or more, got True"),
    ("injured", "-1", "accident: injured: expected a whole number 0 or more, got '-1'"),
    ("trapped", 1, "accident: trapped: expected yes or no, got 1"),
])
def test_coerce_errors(qid, given, message):
    with pytest.raises(PlaybookError) as caught:
        coerce_answer(ACCIDENT, qid, given)
    assert str(caught.value) == message


def test_coerce_choice_error():
    with pytest.raises(PlaybookError, match=r"expected one of tyre, fuel, overheat, mechanical, "
                                            r"other, got 'wheel'"):
        coerce_answer(BREAKDOWN, "fault", "wheel")


def test_guide_unknown_language_and_playbook():
    with pytest.raises(PlaybookError, match="unknown language 'fr'"):
        PLAYBOOKS.guide("accident", lang="fr")
    with pytest.raises(PlaybookError, match="no playbook 'fire'"):
        PLAYBOOKS.guide("fire")


def test_guidance_is_bilingual_and_pure():
    en = PLAYBOOKS.guide("accident", {"injured": 1})
    zh = PLAYBOOKS.guide("accident", {"injured": 1}, lang="zh")
    assert en.to_json()["advice"] == zh.to_json()["advice"]
    assert [s.service for s in en.services] == [s.service for s in zh.services]
    assert zh.title == "交通事故" and en.title == "Traffic accident"
    assert PLAYBOOKS.guide("accident", {"injured": 1}).to_json() == en.to_json()


def test_every_shipped_text_is_bilingual():
    for spec in PLAYBOOKS:
        for text in [spec.title, spec.summary, *spec.steps,
                     *(q.text for q in spec.questions), *(a.text for a in spec.advice),
                     *(r.reason for r in spec.dispatch)]:
            assert text.en and text.zh
            assert not any("\u4e00" <= c <= "\u9fff" for c in text.en)
            assert any("\u4e00" <= c <= "\u9fff" for c in text.zh)


# -- service language --------------------------------------------------------


def test_standard_phrases():
    service = load_service_language()
    for key in ("greeting", "hold", "resume", "apology", "closing"):
        assert service.phrase(key, "en") and service.phrase(key, "zh")
    assert service.phrase("greeting", "zh", operator="007", centre="湖北高速救援热线") == (
        "您好，湖北高速救援热线，007号为您服务，请问有什么可以帮您？")
    assert "{centre}" in service.phrase("greeting", "en", operator="7")
    with pytest.raises(PlaybookError, match="no service phrase 'bye'"):
        service.phrase("bye")


@pytest.mark.parametrize(("text", "ids"), [
    ("I don't know, hurry up", ["dont_know", "hurry_up"]),
    ("I DON’T KNOW", ["dont_know"]),
    ("That's not my business, ask someone else", ["not_my_business", "ask_elsewhere"]),
    ("不知道，你自己看着办", ["dont_know", "ask_elsewhere"]),
    ("快点说，有完没完", ["hurry_up", "hurry_up"]),
    ("这不是我们的事，你问别人去", ["not_my_business", "ask_elsewhere"]),
    ("请您稍等，我马上为您查询。", []),
    ("Please hold, I am checking this for you.", []),
    ("请尽快说明您的位置", []),
    ("I know the stake", []),
])
def test_forbidden_phrases(text, ids):
    assert [h.id for h in check_phrases(text)] == ids


def test_forbidden_hit_details_and_language_filter():
    hit = check_phrases("这个不归我们管")[0]
    assert (hit.phrase, hit.lang, hit.start, hit.end) == ("不归我们管", "zh", 2, 7)
    assert hit.instead == "我帮您联系负责单位，并跟踪处理结果。"
    assert check_phrases("这个不归我们管", lang="en") == []


def test_notes_about_the_caller():
    # "不知道" in a note is a fact about the caller, not a taboo said to them.
    assert check_phrases("来电人不知道具体桩号", note=True) == []
    assert [h.id for h in check_phrases("来电人不知道具体桩号")] == ["dont_know"]
    assert [h.id for h in check_phrases("caller is an idiot", note=True)] == ["insult"]


# -- text helpers ------------------------------------------------------------


def test_cell_width():
    assert cell_width("abc") == 3
    assert cell_width("交通事故") == 8
    assert cell_width("（K几）") == 7
    assert cell_width("e\u0301") == 1


def test_wrap_cjk_and_latin():
    text = "请所有人从远离车流的一侧下车，翻过护栏到护栏外侧或其他安全地带等候。"
    lines = wrap(text, 20, "  ", "    ")
    assert all(cell_width(line) <= 20 for line in lines)
    assert "".join(line.strip() for line in lines) == text
    assert not any(line.strip()[0] in "，。" for line in lines)
    latin = wrap("Everybody get out of the vehicles on the side away from the traffic", 20)
    assert all(cell_width(line) <= 20 for line in latin)
    assert " ".join(latin) == "Everybody get out of the vehicles on the side away from the traffic"
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_normalize():
    assert normalize("ＤＯＮ’Ｔ  Know") == "don't know"


@pytest.mark.parametrize(("seconds", "en", "zh"), [
    (60, "60 s", "60秒"), (1800, "30 min", "30分钟"), (86400, "1 day", "1天"),
    (172800, "2 days", "2天"), (3600, "1 h", "1小时"),
])
def test_duration(seconds, en, zh):
    assert (duration(seconds, "en"), duration(seconds, "zh")) == (en, zh)
