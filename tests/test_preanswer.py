"""Pre-answers: the answers the caller's words already give, to confirm, never applied silently."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from dispatch.model import EventType
from dispatch.playbook import PlaybookValidationError, load_playbooks, shipped_folder
from dispatch.playbook.cues import ANSWERS_FILE
from dispatch.playbook.numbers import zh_value
from dispatch.playbook.preanswer import load_preanswerer, pre_answers
from dispatch.timeline import Timeline

from .consolelib import OP, console, floor, notes, plain, typed_call, until
from .desklib import make_desk

PLAYBOOKS = load_playbooks()


def said(playbook: str, text: str) -> dict[str, object]:
    """Question id → suggested value."""
    return {a.question: a.value for a in pre_answers(PLAYBOOKS, playbook, text)}


@pytest.mark.parametrize(("text", "injured"), [
    ("two people hurt", 2), ("2 people are injured", 2), ("Three of us are badly hurt", 3),
    ("one person is hurt", 1), ("both drivers are hurt", 2), ("有三个人受伤", 3),
    ("一个人受伤", 1), ("两人受伤", 2), ("十二个人受伤", 12), ("受伤的有两个", 2),
    ("兩個人受傷", 2), ("两个人injured", 2), ("nobody hurt", 0), ("no one is injured", 0),
    ("人没事", 0), ("没有人受伤", 0), ("无人受伤", 0), ("everyone is fine", 0),
])
def test_injured_counts_in_digits_and_words_both_languages(text: str, injured: int) -> None:
    assert said("accident", text)["injured"] == injured


@pytest.mark.parametrize(("text", "vehicles"), [
    ("three cars", 3), ("a three-car pile-up", 3), ("2 vehicles", 2), ("两台车刮擦了", 2),
    ("三车追尾", 3), ("三辆车追尾", 3), ("五车连环追尾", 5),
    ("a lorry went into the back of a van", 2), ("小车和大货车相撞", 2),
])
def test_vehicle_counts(text: str, vehicles: int) -> None:
    assert said("accident", text)["vehicles"] == vehicles


@pytest.mark.parametrize("text", [
    "一辆大货车撞了护栏",  # 一辆: "a lorry", no count
    "堵在第二车道",  # 第二: the second lane
    "七八辆车连环撞",  # seven or eight: a guess
    "no one hurt, the car is in the second lane",
])
def test_no_count_where_none_is_said(text: str) -> None:
    assert "vehicles" not in said("accident", text)


def test_the_issue_sentence() -> None:
    got = pre_answers(PLAYBOOKS, "accident", "三辆车追尾，有两个人受伤，没有起火")
    assert {a.question: a.value for a in got} == {"vehicles": 3, "injured": 2, "fire": False}
    evidence = {a.question: a.evidence for a in got}
    assert evidence == {"vehicles": "三辆", "injured": "两个人受伤", "fire": "没有起火"}
    for answer in got:  # the span is where the evidence stands in the text given
        assert "三辆车追尾，有两个人受伤，没有起火"[slice(*answer.span)] == answer.evidence


@pytest.mark.parametrize(("text", "question", "value"), [
    ("没有起火", "fire", False), ("no fire, no smoke", "fire", False),
    ("the car is on fire", "fire", True), ("there's smoke coming out", "fire", True),
    ("车冒烟了", "fire", True), ("没有起火，但是冒烟了", "fire", True),  # the danger wins
    ("no one trapped", "trapped", False), ("the driver's trapped", "trapped", True),
    ("my wife is stuck in her seat and can't get out", "trapped", True),
    ("司机卡在里面", "trapped", True), ("人都出来了", "trapped", False),
    ("危化品罐车侧翻，有液体泄漏", "hazmat", True), ("diesel everywhere", "hazmat", True),
    ("no leak", "hazmat", False), ("貨車側翻，有油洩漏", "hazmat", True),
    ("堵在第二车道", "lane_blocked", True), ("across all three lanes", "lane_blocked", True),
    ("in the middle lane", "lane_blocked", True), ("车停在应急车道", "lane_blocked", False),
])
def test_each_kind_and_negation(text: str, question: str, value: object) -> None:
    assert said("accident", text).get(question) == value


@pytest.mark.parametrize("text", [
    "不知道有没有起火", "not sure whether anyone is hurt", "stuck in traffic behind a crash",
    "I'm not hurt but my wife is bleeding",  # a "no" the other words deny: no suggestion
    "打不着火",  # the engine will not fire: no fire
])
def test_doubt_and_contradiction_suggest_nothing(text: str) -> None:
    got = said("accident", text)
    assert "fire" not in got and "injured" not in got and "trapped" not in got


@pytest.mark.parametrize(("text", "fault"), [
    ("tyre blew out", "tyre"), ("爆胎了", "tyre"), ("报胎了", "tyre"),  # speech-to-text
    ("油箱见底了，离下一个服务区还有三十公里", "fuel"), ("ran out of petrol", "fuel"),
    ("車沒油了", "fuel"), ("the engine is overheating", "overheat"), ("水温太高", "overheat"),
    ("打不着火了", "mechanical"), ("my car won't go into gear", "mechanical"),
])
def test_breakdown_fault_uses_the_playbook_choice_ids(text: str, fault: str) -> None:
    assert said("breakdown", text)["fault"] == fault


def test_breakdown_lane_and_smoke() -> None:
    assert said("breakdown", "停在第二车道，冒烟了") == {"in_lane": True, "smoke": True}
    assert said("breakdown", "we're on the hard shoulder")["in_lane"] is False
    assert "fault" not in said("breakdown", "发动机冒烟了")  # the engine smokes: no fault said


@pytest.mark.parametrize(("playbook", "text", "question", "value"), [
    ("complaint", "收费员骂人，我要举报", "subject", "service"),
    ("complaint", "ETC多扣了我的钱", "subject", "toll"),
    ("complaint", "服務區廁所太髒了", "subject", "facility"),
    ("complaint", "拖车费太贵了", "subject", "rescue"),
    ("outage", "ETC扣费失败，所有ETC车道都不能用", "system", "toll"),
    ("outage", "Your booking website has crashed", "system", "ticketing"),
    ("peak_load", "40 calls in ten minutes about the fog closure", "calls_on_event", 40),
])
def test_choices_and_other_playbooks(playbook: str, text: str, question: str,
                                     value: object) -> None:
    assert said(playbook, text)[question] == value


def test_numbers() -> None:
    assert [zh_value(n) for n in ("一", "两", "十", "十二", "二十", "二十三", "一百零五")] == [
        1, 2, 10, 12, 20, 23, 105]
    assert zh_value("两三") is None and zh_value("二三十") is None


def test_unknown_playbook_and_empty_text_give_nothing() -> None:
    assert pre_answers(PLAYBOOKS, "nope", "two people hurt") == []
    assert pre_answers(PLAYBOOKS, "accident", "") == []


def test_the_answers_file_is_checked_against_the_playbooks(tmp_path: Path) -> None:
    for path in shipped_folder().glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (shipped_folder() / ANSWERS_FILE).read_text(encoding="utf-8")
    bad = text.replace('value = "fuel"', 'value = "petrol"', 1)
    (tmp_path / ANSWERS_FILE).write_text(bad, encoding="utf-8")
    with pytest.raises(PlaybookValidationError,
                       match=r"answers.toml:\d+: answers\[\d+\]\.cues\[0\]\.value: 'petrol' "
                             r"does not answer breakdown.fault"):
        load_preanswerer(load_playbooks(tmp_path))
    (tmp_path / ANSWERS_FILE).write_text(text.replace("[negators]", "[negator]", 1),
                                         encoding="utf-8")
    with pytest.raises(PlaybookValidationError) as raised:
        load_preanswerer(load_playbooks(tmp_path))
    assert any(re.search(r"answers.toml:\d+: negator: unknown key", str(p))
               for p in raised.value.problems)


# -- the corpus ---------------------------------------------------------------------------

CORPUS = shipped_folder() / "corpus"
DANGERS = {"fire", "smoke", "hazmat", "trapped"}


def sentences(split: str) -> list[dict[str, object]]:
    path = CORPUS / f"{split}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["sentence"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus shipped")
@pytest.mark.parametrize(("split", "floor_p", "floor_r"), [("tuned", 0.97, 0.97),
                                                           ("held_out", 0.93, 0.88)])
def test_corpus_precision_and_recall(split: str, floor_p: float, floor_r: float,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    tp = fp = fn = 0
    missed_dangers = []
    for s in sentences(split):
        expected = dict(s.get("answers") or {})  # type: ignore[call-overload]
        got = said(str(s["playbook"]), str(s["text"]))
        for question, value in expected.items():
            if got.get(question) == value:
                tp += 1
            else:
                fn += 1
                if question in DANGERS and value is True:
                    missed_dangers.append((s["text"], question))
        fp += sum(1 for q, v in got.items() if expected.get(q, object()) != v)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(f"\npre-answers, {split}: precision {precision:.1%} recall {recall:.1%} "
              f"({tp} right, {fp} wrong or unlabelled, {fn} missed)")
    # No sentence that names a fire, a leak or someone trapped lacks that pre-answer.
    assert not missed_dangers
    assert precision >= floor_p and recall >= floor_r


# -- the desk and the console ---------------------------------------------------------------

SAYS = "三辆车追尾，有两个人受伤，没有起火"


def accident(log: Timeline, says: str = SAYS) -> tuple[object, str]:
    desk = make_desk(log)
    call = typed_call(desk, says, "G4 K1024+300")
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.apply_playbook(OP, iid, "accident")
    return desk, iid


def answers_recorded(log: Timeline, iid: str) -> list[dict[str, object]]:
    return [e.data for e in log.incident_events(iid) if e.type == EventType.ANSWER_RECORDED]


def test_desk_suggests_without_recording_then_confirms(log: Timeline) -> None:
    desk, iid = accident(log)
    assert {a.question: a.value for a in desk.suggested(iid)} == {
        "injured": 2, "fire": False, "vehicles": 3}
    assert answers_recorded(log, iid) == []  # nothing until confirmed
    before = desk.board.incidents[iid].priority
    desk.record_answer(OP, iid, "fire", True)  # answered already: no longer suggested
    assert "fire" not in {a.question for a in desk.suggested(iid)}
    desk.confirm_suggested(OP, iid)
    recorded = answers_recorded(log, iid)
    assert recorded[0] == {"question": "fire", "value": True}  # the typed one, as ever
    assert recorded[1:] == [
        {"question": "injured", "value": 2, "source": "words", "evidence": "两个人受伤"},
        {"question": "vehicles", "value": 3, "source": "words", "evidence": "三辆"}]
    inc = desk.board.incidents[iid]
    assert inc.answers == {"fire": True, "injured": 2, "vehicles": 3}
    assert inc.priority == 1 and before != 1  # confirmed answers drive the priority
    assert desk.suggested(iid) == []


@pytest.mark.parametrize(("lang", "shown", "value"), [
    ("en", "suggested, from the caller's words", "2"),
    ("zh", "来电人话中已提到，建议", "2"),
])
async def test_console_shows_suggestions_and_y_confirms_them(
        log: Timeline, lang: str, shown: str, value: str) -> None:
    desk, iid = accident(log)
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        shown = re.sub(r"\s+", "", shown)
        await until(lambda: shown in re.sub(r"\s+", "", plain(app, "#questions")))
        text = re.sub(r"\s+", "", plain(app, "#questions"))
        assert "两个人受伤" in text and "没有起火" in text and "三辆" in text
        assert answers_recorded(log, iid) == []  # shown, not recorded
        floor(app).table.focus()
        await pilot.press("y")
        await until(lambda: len(answers_recorded(log, iid)) == 3)
        recorded = {d["question"]: (d["value"], d["source"]) for d in answers_recorded(log, iid)}
        assert recorded == {"injured": (2, "words"), "vehicles": (3, "words"),
                            "fire": (False, "words")}
        await until(lambda: shown not in re.sub(r"\s+", "", plain(app, "#questions")))
        assert any("3" in n for n in notes(app))
