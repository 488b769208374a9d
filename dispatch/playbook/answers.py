"""Turning answers as they arrive (typed, spoken, from the command line) into values.

Answers come as Python values from the desk and drills, or as strings from
the command line (``injured=2``, ``trapped=yes``, ``fault=爆胎``).  Each is
coerced by its question's type.  ``None`` — or a word such as ``unknown`` or
``不知道`` — means the question was asked and the caller does not know; a
question missing from the answers has not been asked yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dispatch.errors import PlaybookError
from dispatch.playbook.schema import PlaybookSpec, Question
from dispatch.playbook.text import normalize

#: Answers meaning "asked, but the caller does not know".
UNKNOWN_WORDS = frozenset(
    {"", "?", "unknown", "unk", "not sure", "don't know", "dont know", "n/a",
     "不知道", "不清楚", "不确定", "未知", "说不清"}
)  # fmt: skip
_TRUE = frozenset({"yes", "y", "true", "t", "1", "on", "是", "有", "对", "是的", "有的"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "off", "否", "没有", "无", "不是", "没"})


def coerce_answer(playbook: PlaybookSpec, qid: str, value: Any) -> Any:
    """Coerce one answer to its question's type.

    Args:
        playbook: The playbook that asks the question.
        qid: The question id.
        value: The answer: a value of the right type, a string to parse, or ``None``.

    Returns:
        ``bool``, ``int``, a choice id, a string, or ``None`` for "does not know".

    Raises:
        PlaybookError: The playbook has no such question, or the value does not fit it.
    """
    question = playbook.question(qid)
    if question is None:
        known = ", ".join(q.id for q in playbook.questions) or "none"
        raise PlaybookError(f"{playbook.id}: no question {qid!r} (questions: {known})")
    if value is None or (isinstance(value, str) and normalize(value).strip() in UNKNOWN_WORDS):
        return None
    coerce = {"bool": _bool, "int": _int, "choice": _choice, "text": _text}[question.type]
    result = coerce(question, value)
    if result is _BAD:
        raise PlaybookError(
            f"{playbook.id}: {qid}: expected {_expected(question)}, got {value!r}"
        )
    return result


def coerce_answers(playbook: PlaybookSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce every answer (see :func:`coerce_answer`), keeping the playbook's question order."""
    coerced = {qid: coerce_answer(playbook, qid, value) for qid, value in answers.items()}
    order = {q.id: i for i, q in enumerate(playbook.questions)}
    return dict(sorted(coerced.items(), key=lambda item: order[item[0]]))


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a command-line ``KEY=VALUE`` into its parts.

    Raises:
        PlaybookError: There is no ``=`` or no key.
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise PlaybookError(f"expected KEY=VALUE such as injured=2, got {text!r}")
    return key.strip(), value.strip()


_BAD = object()


def _bool(question: Question, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = normalize(value).strip()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return _BAD


def _int(question: Question, value: Any) -> Any:
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, str):
        word = normalize(value).strip()
        if not word.lstrip("-").isdigit():
            return _BAD
        value = int(word)
    if not isinstance(value, int):
        return _BAD
    if value < question.lowest or (question.max is not None and value > question.max):
        return _BAD
    return value


def _choice(question: Question, value: Any) -> Any:
    if not isinstance(value, str):
        return _BAD
    word = normalize(value).strip()
    for choice in question.choices:
        if word in (choice.id, normalize(choice.label.en), normalize(choice.label.zh)):
            return choice.id
    return _BAD


def _text(question: Question, value: Any) -> Any:
    if not isinstance(value, str):
        return _BAD
    return value.strip()


def _expected(question: Question) -> str:
    if question.type == "bool":
        return "yes or no"
    if question.type == "int":
        high = f" to {question.max}" if question.max is not None else " or more"
        return f"a whole number {question.lowest}{high}"
    if question.type == "choice":
        return "one of " + ", ".join(question.choice_ids())
    return "text"
