"""Callers' words: negation, typos, near-homophones, traditional characters, weights, explain."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.playbook import check_folder, load_playbooks, shipped_folder

PLAYBOOKS = load_playbooks()


def best(text: str) -> str | None:
    ranked = PLAYBOOKS.classify(text)
    return ranked[0].playbook if ranked else None


# -- negation ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected", "denied"), [
    ("not an accident, my car just broke down", "breakdown", "accident"),
    ("It's a car crash, not a breakdown", "accident", "breakdown"),
    ("这不是抛锚，是被人撞了", "accident", "抛锚"),
    ("不是事故，就是车子趴窝了", "breakdown", "事故"),
    ("没撞车，就是油用完了", "breakdown", "撞车"),
    ("The website is down, it's not a complaint", "outage", "complaint"),
])
def test_a_denied_word_counts_nothing(text, expected, denied):
    ranked = PLAYBOOKS.classify(text)
    assert ranked[0].playbook == expected
    explained = PLAYBOOKS.explain(text).matches
    assert [m for m in explained if m.score > 0] == ranked
    assert denied in [w for m in explained for w in m.negated]


def test_denial_names_its_negator_and_stops_at_the_clause():
    match = PLAYBOOKS.classify("两车相撞，没有人受伤")[0]
    hurt = next(e for e in match.evidence if e.said == "受伤")
    assert hurt.negated_by == "没有" and hurt.weight == 0
    # A comma ends the denial: "no fire, people are trapped" still counts trapped.
    match = PLAYBOOKS.classify("a crash, no fire, people trapped")[0]
    assert "trapped" in match.words and "trapped" not in match.negated


def test_negator_inside_a_phrase_is_part_of_it():
    # "no fuel" and 没油 say fuel; they are not denials.
    assert PLAYBOOKS.classify("we have no fuel left")[0].suggested == {"fault": "fuel"}
    assert PLAYBOOKS.classify("车没油了")[0].suggested == {"fault": "fuel"}


def test_only_denied_words_match_nothing():
    assert PLAYBOOKS.classify("nobody is hurt") == []


# -- typos, homophones, traditional characters ---------------------------------


@pytest.mark.parametrize(("text", "expected", "phrase"), [
    ("I was in a colision on the expressway", "accident", "collision"),
    ("we're out of feul", "breakdown", "out of fuel"),
    ("the ticketing sistem is down", "outage", "system is down"),
    ("I have a flat tire, can you send a toe truck", "breakdown", "tow truck"),
    ("the car over heated", "breakdown", "overheated"),
])
def test_speech_to_text_typos(text, expected, phrase):
    match = PLAYBOOKS.classify(text)[0]
    assert match.playbook == expected
    fuzzy = [e for e in match.evidence if e.how == "fuzzy"]
    assert any(e.phrase == phrase for e in fuzzy), match.evidence
    assert all(0 < e.weight < e.listed for e in fuzzy if not e.negated_by)


def test_short_words_are_not_stretched():
    # "time" is one letter from "tire", but short words only match with letters swapped.
    assert all(e.how != "fuzzy" for m in PLAYBOOKS.classify("every time") for e in m.evidence)


@pytest.mark.parametrize(("text", "expected", "phrase"), [
    ("发生车货了，有人受伤", "accident", "车祸"),
    ("车抛猫了", "breakdown", "抛锚"),
    ("系统当机了", "outage", "宕机"),
])
def test_chinese_near_homophones(text, expected, phrase):
    match = PLAYBOOKS.classify(text)[0]
    assert match.playbook == expected
    assert any(e.how == "sound" and e.phrase == phrase for e in match.evidence)


def test_a_common_word_is_not_a_homophone():
    # 没有 sounds like 没油 (out of fuel) but is the commonest of words.
    assert all(e.phrase != "没油" for m in PLAYBOOKS.classify("没有人受伤") for e in m.evidence)


@pytest.mark.parametrize(("traditional", "simplified"), [
    ("發生車禍，有兩個人受傷", "发生车祸，有两个人受伤"),
    ("車子拋錨了，停在應急車道", "车子抛锚了，停在应急车道"),
    ("我要投訴，收費站多收錢", "我要投诉，收费站多收钱"),
])
def test_traditional_characters_match_as_simplified(traditional, simplified):
    a, b = PLAYBOOKS.classify(traditional), PLAYBOOKS.classify(simplified)
    assert [(m.playbook, m.score, m.words) for m in a] == [(m.playbook, m.score, m.words)
                                                            for m in b]


@pytest.mark.parametrize(("text", "expected"), [
    ("Your booking website has crashed", "outage"),
    ("ETC扣费失败，所有ETC车道都不能用", "outage"),
    ("油箱见底了，离下一个服务区还有三十公里", "breakdown"),
    ("两台车刮擦了，对方不肯挪车，堵在第二车道", "accident"),
    ("A truck jackknifed across all three lanes and there's diesel everywhere", "accident"),
    ("There's an accident with a fire, a tanker's involved", "accident"),
    ("高速上出了个accident，两个人injured", "accident"),
])
def test_phrases_of_several_playbooks(text, expected):
    assert best(text) == expected


# -- validation of the words ---------------------------------------------------


def _folder(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "pb"
    shutil.copytree(shipped_folder(), folder, ignore=shutil.ignore_patterns("corpus", "drills"))
    path = folder / "accident.toml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return folder


def test_a_phrase_listed_twice_is_named_with_both_places(tmp_path):
    folder = _folder(tmp_path, 'en = ["hit", ', 'en = ["hit", "Crash", ')
    problems = check_folder(folder)[1]
    assert [(p.key, p.message) for p in problems] == [
        ("strong_words.en[1]", "phrase 'crash' is listed twice (also at words.en[1])")]
    assert problems[0].file.endswith("accident.toml") and problems[0].line > 1


def test_a_negator_that_is_a_phrase(tmp_path):
    folder = _folder(tmp_path, 'zh = ["没有", ', 'zh = ["受伤", "没有", ')
    problems = check_folder(folder)[1]
    assert [(p.key, p.message) for p in problems] == [
        ("words.negators.zh[0]", "negator '受伤' is also a listed phrase (at words.zh[4])")]


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("weight = 3\n", "weight = 12\n", "words.groups[0].weight", "must be at most 9, got 12"),
    ("weight = 3\n", 'weight = "3"\n', "words.groups[0].weight", "expected a whole number"),
    ("weight = 3\n", "weight = 3\nwieght = 1\n", "words.groups[0].wieght",
     "unknown key (did you mean 'weight'?"),
    ("reach = 3 ", "reach = 9 ", "words.negators.reach", "must be at most 6, got 9"),
    ('zh = ["没有", ', 'zh = ["  ", ', "words.negators.zh", "a negator must not be empty"),
])
def test_word_tables_are_validated_strictly(tmp_path, old, new, key, message):
    problems = check_folder(_folder(tmp_path, old, new))[1]
    assert len(problems) == 1, problems
    assert problems[0].key == key and problems[0].message.startswith(message), problems[0]


def test_shipped_groups_and_negators_are_used():
    spec = PLAYBOOKS.get("accident")
    assert spec.words.groups and spec.words.negators.en and spec.words.negators.zh
    for other in PLAYBOOKS:
        assert other.words.negators.zh, other.id


# -- explain -------------------------------------------------------------------


@pytest.fixture
def _hermetic(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COLUMNS", "100")


def test_explain_text(capsys, _hermetic):
    code = main(["playbooks", "classify", "--explain", "--lang", "en",
                 "not an accident, my car brake down; 兩台車刮擦了，没有起火"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Segmentation: " in out and "刮擦了" in out
    assert "accident total" in out and "breakdown total" in out
    assert "accident denied by 'not'" in out
    assert "起火 denied by '没有'" in out
    assert "brake down → broke down (typo of 90)" in out


def test_explain_json(capsys, _hermetic):
    main(["playbooks", "classify", "--explain", "--json", "车抛猫了，不是事故"])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"text", "folded", "segments", "matches"}
    top = data["matches"][0]
    assert top["playbook"] == "breakdown" and top["negated"] == []
    sound = top["evidence"][0]
    assert sound["how"] == "sound" and sound["phrase"] == "抛锚" and sound["said"] == "抛猫"
    assert set(sound) == {"phrase", "said", "start", "end", "weight", "listed", "how",
                          "similarity", "suggests", "negated_by"}


def test_explain_escapes_hostile_text(capsys, _hermetic):
    main(["playbooks", "classify", "--explain", "crash \x1b[31m here"])
    assert "\x1b" not in capsys.readouterr().out
