"""Caller sentences, Chinese and English, classified to the right playbook."""

from __future__ import annotations

import pytest

from dispatch.playbook import load_playbooks

PLAYBOOKS = load_playbooks()

# (expected playbook, what a caller or an operator on a highway hotline says)
SENTENCES = [
    ("accident", "喂，我们在京港澳高速K1024这里追尾了，三辆车，有个人头在流血"),
    ("accident", "前面一辆大货车侧翻了，把两个车道都堵了，司机好像被卡在里面出不来"),
    ("accident", "我被后面的车撞了，车尾撞烂了，人没事"),
    ("accident", "高速上出车祸了，一辆小车撞上护栏，冒烟了"),
    ("accident", "G4往武汉方向K1030，两辆车相撞，有一辆油罐车在漏油"),
    ("accident", "There's been a crash on the G4 near the Xianning exit, two cars, one guy is "
                 "bleeding"),
    ("accident", "A truck rear-ended us, my wife is hurt and we're on the hard shoulder"),
    ("accident", "I just hit the guardrail, the airbag went off, I'm okay but the car is in the "
                 "middle lane"),
    ("accident", "Multi-car pile-up in the fog, I can see at least five vehicles, "
                 "people screaming"),
    ("accident", "我跟前车刮蹭了一下，没人受伤，车还能开，怎么处理？"),
    ("accident", "A car rolled over into the ditch and I think someone is trapped inside"),
    ("breakdown", "师傅，我车在高速上爆胎了，现在停在应急车道上"),
    ("breakdown", "我车没油了，停在K856附近，能不能送点油过来"),
    ("breakdown", "车子水温太高，开锅了，仪表报警，停在路边了"),
    ("breakdown", "车突然熄火打不着了，停在行车道上，后面车很多"),
    ("breakdown", "My car broke down on the G4, the engine just died, I'm stuck in the right lane"),
    ("breakdown", "We've got a flat tyre, pulled onto the hard shoulder near km 1024"),
    ("breakdown", "I ran out of fuel about two kilometres after the service area"),
    ("breakdown", "My engine is overheating and there's steam coming from the bonnet"),
    ("breakdown", "车在应急车道抛锚了，发动机舱在冒烟"),
    ("breakdown", "我的货车变速箱坏了，走不了了，需要拖车"),
    ("breakdown", "The truck's brakes failed and we stopped on the shoulder, need a tow truck"),
    ("complaint", "我要投诉，上次在咸宁收费站多收了我三十块钱"),
    ("complaint", "你们的救援太慢了，我等了两个小时拖车才来，拖车费还要八百，我要投诉"),
    ("complaint", "服务区的厕所脏得要命，你们管不管？我要投诉"),
    ("complaint", "I want to make a complaint, the operator was rude and hung up on me"),
    ("complaint", "I was overcharged at the toll gate yesterday and I want a refund"),
    ("complaint", "The towing fee was ridiculous, 1500 yuan for five kilometres, "
                  "I want to complain"),
    ("outage", "呼叫中心电话系统故障，来电打不进来"),
    ("outage", "收费站收费系统瘫痪了，ETC不能用，栏杆不抬"),
    ("outage", "The phone system is down, calls are not coming in to the hotline"),
    ("outage", "调度台连不上消息服务器，派单发不出去"),
    ("outage", "网络中断了，12306售票系统出不了票"),
    ("peak_load", "前面堵死了，一动不动两个小时了，什么时候能通啊"),
    ("peak_load", "Traffic jam for ten kilometres, we haven't moved in an hour, "
                  "when will it clear?"),
    ("peak_load", "节假日车流量大，来电激增，坐席不够"),
    ("peak_load", "Calls are piling up, all lines busy, lots of people asking about "
                  "the closure on G4"),
]


def test_enough_sentences_in_both_languages():
    zh = [s for _, s in SENTENCES if any("\u4e00" <= c <= "\u9fff" for c in s)]
    assert len(SENTENCES) >= 30 and len(zh) >= 15 and len(SENTENCES) - len(zh) >= 15
    assert {p for p, _ in SENTENCES} == set(PLAYBOOKS.ids)


@pytest.mark.parametrize(("expected", "text"), SENTENCES)
def test_sentence_classified(expected, text):
    matches = PLAYBOOKS.classify(text)
    assert matches, f"nothing matched {text!r}"
    assert matches[0].playbook == expected, [(m.playbook, m.score, m.words) for m in matches]


@pytest.mark.parametrize(("text", "playbook", "suggested"), [
    ("师傅，我车在高速上爆胎了", "breakdown", {"fault": "tyre"}),
    ("I ran out of gas near the exit", "breakdown", {"fault": "fuel"}),
    ("水箱开锅了", "breakdown", {"fault": "overheat"}),
    ("变速箱坏了", "breakdown", {"fault": "mechanical"}),
    ("我要投诉收费站乱收费", "complaint", {"subject": "toll"}),
    ("收费系统瘫痪了", "outage", {"system": "toll"}),
])
def test_choice_words_suggest_answers(text, playbook, suggested):
    best = PLAYBOOKS.classify(text)[0]
    assert best.playbook == playbook
    assert best.suggested == suggested


def test_words_reported_and_json_shape():
    best = PLAYBOOKS.classify("三辆车追尾，有人受伤")[0]
    assert best.to_json() == {"playbook": "accident", "score": 4, "words": ["追尾", "受伤"],
                              "suggested": {}}


def test_chinese_matches_phrases_without_spaces_and_longest_wins():
    best = PLAYBOOKS.classify("车在应急车道抛锚了")[0]
    # 停在应急车道 is not said; 应急车道 is, once; 抛锚 is a strong word.
    assert best.words == ("应急车道", "抛锚")
    assert best.score == 1 + 3


def test_english_whole_words_with_endings_only():
    assert PLAYBOOKS.classify("we crashed")[0].playbook == "accident"
    # "hit" must not match inside "white" or "hitch"
    assert all(m.playbook != "accident" for m in PLAYBOOKS.classify("a white hitchhiker"))


def test_full_width_and_case_are_folded():
    assert PLAYBOOKS.classify("ＣＲＡＳＨ ON THE G4")[0].playbook == "accident"


def test_more_specific_phrase_breaks_ties():
    matches = PLAYBOOKS.classify("The ticketing system crashed")
    assert [m.playbook for m in matches][:2] == ["outage", "accident"]


def test_a_crash_after_a_blowout_is_an_accident():
    assert PLAYBOOKS.classify("我的车爆胎后撞上了护栏")[0].playbook == "accident"
    assert PLAYBOOKS.classify("my tyre blew out and I hit the guardrail")[0].playbook == "accident"


def test_nothing_matches():
    assert PLAYBOOKS.classify("hello? 喂？") == []
    assert PLAYBOOKS.classify("") == []


def test_repeated_word_counts_once():
    once = PLAYBOOKS.classify("追尾")[0].score
    assert PLAYBOOKS.classify("追尾追尾追尾")[0].score == once

