"""Strict loading: one broken fixture per rule, each with its exact message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dispatch.errors import PlaybookError
from dispatch.playbook import (
    PlaybookValidationError,
    check_folder,
    check_playbook_file,
    check_service_file,
    load_playbooks,
    load_service_language,
    shipped_folder,
)
from dispatch.playbook.tomlpos import key_lines, line_of

FIXTURES = Path(__file__).parent / "fixtures" / "playbooks"
BROKEN = FIXTURES / "broken"

# (fixture, line, key, message)
CASES = [
    ("unknown_key", 36, "dispatch[1].wehn",
     "unknown key (did you mean 'when'? allowed: when, if_unknown, unknown_reason, service, "
     "reason)"),
    ("unknown_question", 36, "dispatch[1].when",
     "condition names unknown question 'injurd'; did you mean 'injured'? "
     "(questions: injured, fire)"),
    ("unknown_service", 35, "dispatch[1].service",
     "unknown service '911' (one of 110, 119, 120, section, ops)"),
    ("one_language", 28, "advice[0].text", "needs the text in both en and zh; zh missing"),
    ("duplicate_question", 17, "questions[1].id", "duplicate question id 'injured'"),
    ("duplicate_advice", 31, "advice[1].id", "duplicate advice id 'leave_lanes'"),
    ("broken_toml", 22, "syntax", "invalid value at column 11"),
    ("bad_choice", 45, "dispatch[1].when", "'tyer' is not a choice of fault (tyre, fuel)"),
    ("id_mismatch", 2, "id", "id 'other' does not match the file name 'id_mismatch.toml'"),
    ("bad_type", 18, "questions[1].type",
     "expected one of 'bool', 'int', 'choice' or 'text', got 'yesno'"),
    ("bad_level", 22, "priority.default", "must be at most 4, got 5"),
    ("bad_condition", 36, "dispatch[1].when",
     "call is not allowed in a condition (use comparisons, and, or, not, in, + and -)"),
    ("type_clash", 36, "dispatch[1].when",
     "condition \"fire > 'a'\" fails for some answers: '>' not supported between instances of "
     "'bool' and 'str'"),
]


@pytest.mark.parametrize(("name", "line", "key", "message"), CASES)
def test_broken_fixture_message(name, line, key, message):
    path = BROKEN / f"{name}.toml"
    spec, problems = check_playbook_file(path)
    assert spec is None
    assert [str(p) for p in problems] == [f"{path}:{line}: {key}: {message}"]


def test_every_broken_fixture_is_covered():
    assert {p.stem for p in BROKEN.glob("*.toml")} == {c[0] for c in CASES}


def test_line_points_at_the_key(tmp_path):
    for name, line, key, _ in CASES:
        text = (BROKEN / f"{name}.toml").read_text().splitlines()[line - 1]
        last = key.rsplit(".", 1)[-1].split("[")[0]
        assert last in text or key == "syntax", (name, text)


def test_loading_stops_with_the_first_problem(tmp_path):
    shutil.copy(BROKEN / "unknown_service.toml", tmp_path)
    with pytest.raises(PlaybookValidationError) as caught:
        load_playbooks(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'unknown_service.toml'}:35: dispatch[1].service: "
        "unknown service '911' (one of 110, 119, 120, section, ops)")
    assert isinstance(caught.value, PlaybookError)


def test_many_problems_one_line(tmp_path):
    for name in ("unknown_service", "bad_type"):
        shutil.copy(BROKEN / f"{name}.toml", tmp_path)
    with pytest.raises(PlaybookValidationError) as caught:
        load_playbooks(tmp_path)
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("(and 1 more; run 'dispatch playbooks check')")
    assert len(caught.value.problems) == 2


def test_several_problems_in_one_file_all_listed(tmp_path):
    text = (FIXTURES / "valid" / "minimal.toml").read_text()
    text = text.replace('service = "120"', 'service = "999"').replace('type = "bool"', 'type = 1')
    (tmp_path / "minimal.toml").write_text(text)
    _, problems = check_playbook_file(tmp_path / "minimal.toml")
    # Shape errors stop before the cross-field rules, so the service is not judged yet.
    assert [p.key for p in problems] == ["questions[1].type"]
    assert problems[0].message == "expected one of 'bool', 'int', 'choice' or 'text', got 1"


def test_missing_key_points_at_its_table(tmp_path):
    text = (FIXTURES / "valid" / "minimal.toml").read_text()
    (tmp_path / "minimal.toml").write_text(text.replace('reason = { en = "Police", zh = "警察" }\n',
                                                        ""))
    _, problems = check_playbook_file(tmp_path / "minimal.toml")
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "dispatch[0].reason: required key is missing"]
    assert problems[0].line == 30  # the [[dispatch]] header


def test_canonical_ids_enforced(tmp_path):
    text = (shipped_folder() / "accident.toml").read_text().replace('id = "hazmat"', 'id = "leak"')
    text = text.replace("hazmat", "leak")
    (tmp_path / "accident.toml").write_text(text)
    _, problems = check_playbook_file(tmp_path / "accident.toml")
    first = text.splitlines().index("[[questions]]") + 1  # where the missing question belongs
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'accident.toml'}:{first}: questions: "
        "missing canonical question 'hazmat' (bool)"]


def test_canonical_types_enforced(tmp_path):
    text = (shipped_folder() / "accident.toml").read_text().replace(
        'id = "vehicles"\ntype = "int"', 'id = "vehicles"\ntype = "text"').replace("min = 1\n", "")
    text = text.replace(" or vehicles >= 5", "")
    (tmp_path / "accident.toml").write_text(text)
    _, problems = check_playbook_file(tmp_path / "accident.toml")
    assert [(p.key, p.message) for p in problems] == [
        ("questions[4].type", "canonical question 'vehicles' must be int")]


def test_road_advice_enforced(tmp_path):
    text = (shipped_folder() / "breakdown.toml").read_text().replace(
        'id = "warning_triangle"', 'id = "triangle"')
    (tmp_path / "breakdown.toml").write_text(text)
    _, problems = check_playbook_file(tmp_path / "breakdown.toml")
    assert [p.message for p in problems] == [
        "missing safety advice 'warning_triangle' (every road playbook gives it)"]


def test_not_utf8(tmp_path):
    (tmp_path / "x.toml").write_bytes(b'id = "\xff"\n')
    _, problems = check_playbook_file(tmp_path / "x.toml")
    assert [str(p) for p in problems] == [f"{tmp_path / 'x.toml'}:1: (file): not UTF-8 text"]


def test_missing_and_empty_folder(tmp_path):
    with pytest.raises(PlaybookError, match="no such playbook folder"):
        load_playbooks(tmp_path / "nope")
    with pytest.raises(PlaybookValidationError, match="no playbook files"):
        load_playbooks(tmp_path)


def test_shipped_files_valid():
    specs, problems = check_folder(shipped_folder())
    assert problems == []
    assert sorted(s.id for s in specs) == ["accident", "breakdown", "complaint", "outage",
                                           "peak_load"]
    spec, problems = check_service_file(shipped_folder() / "service.toml")
    assert spec is not None and problems == []


def test_service_fixture():
    path = FIXTURES / "service_bad" / "service.toml"
    _, problems = check_service_file(path)
    assert [str(p) for p in problems] == [
        f"{path}:5: phrases.greeting.en: unknown placeholder {{operater}} "
        "(allowed: operator, centre, minutes)"]
    with pytest.raises(PlaybookValidationError):
        load_service_language(FIXTURES / "service_bad")


def test_service_missing_phrase_and_one_language(tmp_path):
    text = (shipped_folder() / "service.toml").read_text()
    text = text.replace("hold = {", "wait = {").replace(
        'zh = ["我不知道", "不知道", "我不清楚", "我怎么知道", "谁知道"]\n', "")
    (tmp_path / "service.toml").write_text(text)
    _, problems = check_service_file(tmp_path / "service.toml")
    assert [(p.key, p.message) for p in problems] == [
        ("phrases", "missing phrase(s): hold"),
        ("forbidden[0]", "needs phrases in both en and zh"),
    ]
    assert problems[0].line == 10


# -- the line finder ---------------------------------------------------------


def test_key_lines_nested_tables_arrays_and_strings():
    text = '''# c
id = "x"  # comment with [brackets] and "quotes"
title = { en = "a", zh = "b" }
[words]
en = [
  "a", # c
  "b]",
]
[[questions]]
id = "q"
text = """multi
line = "not a key"
"""
[[questions.choices]]
id = "c1"
[[questions]]
id = "q2"
[[questions.choices]]
id = "c2"
[priority]
"quoted key" = 1
a.b = 2
'''
    lines = key_lines(text)
    assert lines[("id",)] == 2
    assert lines[("title", "zh")] == 3
    assert lines[("words", "en", 1)] == 7
    assert lines[("questions", 0, "text")] == 11
    assert ("questions", 0, "line") not in lines
    assert lines[("questions", 0, "choices", 0, "id")] == 15
    assert lines[("questions", 1, "id")] == 17
    assert lines[("questions", 1, "choices", 0, "id")] == 19
    assert lines[("priority", "quoted key")] == 21
    assert lines[("priority", "a", "b")] == 22
    assert line_of(lines, ("questions", 1, "choices", 0, "label", "zh")) == 18
    assert line_of(lines, ("nothing",)) == 1


def test_key_lines_never_raise_on_odd_text():
    assert key_lines("= = [[[") == {}
    assert key_lines('a = [1, 2\nb = "x') == {("a",): 1, ("a", 0): 1, ("a", 1): 1}
