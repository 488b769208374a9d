"""Conditions over the caller's answers, evaluated safely and with unknowns.

A condition is a small expression such as ``injured > 0 or trapped`` or
``fault in ["tyre", "mechanical"]``.  It is parsed once, checked against the
playbook's questions (names, choices, allowed operations), and evaluated by
:mod:`simpleeval` — never :func:`eval`.

Early in a call most answers are missing.  Rather than guessing, a condition
is evaluated for every value each missing answer could take: if all give the
same result the condition is decided, otherwise it is *undetermined* and
depends on those questions.  ``injured > 0 or trapped`` is already true when
``trapped`` is true, whatever ``injured`` turns out to be.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression

if TYPE_CHECKING:
    from dispatch.playbook.schema import Question

#: Lowercase spellings TOML authors naturally write.
CONSTANTS = {"true": True, "false": False}

_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.BinOp, ast.Add, ast.Sub, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple,
)  # fmt: skip

# Past this many combinations of unknown answers, give up deciding (stay undetermined).
_MAX_COMBINATIONS = 20_000


class ConditionError(ValueError):
    """A condition that cannot be parsed, names an unknown question, or cannot be evaluated."""


@dataclass(frozen=True)
class Outcome:
    """The result of evaluating a condition.

    Attributes:
        value: ``True`` or ``False`` when decided, ``None`` when it depends on
            answers not known yet.
        depends: The questions whose answers are unknown and could change the
            result (empty when decided).
    """

    value: bool | None
    depends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A parsed and checked condition, ready to evaluate.

    Build one with :func:`compile_condition`.
    """

    source: str
    names: tuple[str, ...]
    tree: ast.Expression = field(repr=False, compare=False)
    candidates: Mapping[str, tuple[Any, ...]] = field(repr=False, compare=False)

    def evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        """Evaluate against ``answers``; a missing or ``None`` answer is unknown.

        Args:
            answers: Question id → coerced answer (see :mod:`dispatch.playbook.answers`).

        Returns:
            The outcome, decided or not, with the unknown questions it depends on.
        """
        known = {n: answers[n] for n in self.names if answers.get(n) is not None}
        unknown = [n for n in self.names if n not in known]
        if not unknown:
            return Outcome(_run(self.tree, self.source, known))
        results = set()
        for combo in _combinations(unknown, self.candidates):
            results.add(_run(self.tree, self.source, {**known, **combo}))
            if len(results) > 1:
                break
        else:
            if len(results) == 1:
                return Outcome(results.pop())
        return Outcome(None, tuple(unknown))


def _combinations(
    names: list[str], candidates: Mapping[str, tuple[Any, ...]]
) -> Iterator[dict[str, Any]]:
    sizes = 1
    for name in names:
        sizes *= len(candidates[name])
    if sizes > _MAX_COMBINATIONS:
        return iter(())  # too many to try: no result, so the condition stays undetermined
    return (dict(zip(names, values, strict=True))
            for values in itertools.product(*(candidates[n] for n in names)))


_local = threading.local()


def _run(tree: ast.Expression, source: str, names: Mapping[str, Any]) -> bool:
    # Building an evaluator costs more than evaluating a condition (simpleeval sets up
    # its operator tables each time), and guidance evaluates dozens per call: reuse one
    # per thread and only swap the names.
    evaluator = getattr(_local, "evaluator", None)
    if evaluator is None:
        evaluator = _local.evaluator = EvalWithCompoundTypes(names={}, functions={})
    evaluator.names = {**CONSTANTS, **names}
    # simpleeval takes the expression node itself, not the ast.Expression wrapper.
    return bool(evaluator.eval(source, previously_parsed=tree.body))


def compile_condition(source: str, questions: Mapping[str, Question]) -> Condition:
    """Parse and check ``source`` against the playbook's questions.

    Args:
        source: The expression, e.g. ``"injured > 0 or trapped"``.
        questions: The playbook's questions by id.

    Returns:
        The compiled condition.

    Raises:
        ConditionError: The text is not an expression, uses something other
            than comparisons, ``and``/``or``/``not``, ``in``, ``+``/``-`` and
            literals, names a question the playbook does not ask, compares a
            choice question with a value that is not one of its choices, or
            fails for some combination of answers (e.g. compares text with a number).
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse condition {source!r}: {exc.msg}") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ConditionError(
                f"{type(node).__name__.lower()} is not allowed in a condition "
                "(use comparisons, and, or, not, in, + and -)"
            )
        if isinstance(node, ast.Name) and node.id not in CONSTANTS:
            if node.id not in questions:
                raise ConditionError(_unknown_name(node.id, questions))
            if node.id not in names:
                names.append(node.id)
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool | int | str):
            raise ConditionError(f"literal {node.value!r} is not allowed (numbers and strings)")
        if isinstance(node, ast.Compare):
            _check_choices(node, questions)
    # In the order written, so "depends on" reads like the condition (ast.walk is breadth-first).
    order: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            place = (node.lineno, node.col_offset)
            order[node.id] = min(order.get(node.id, place), place)
    names.sort(key=lambda n: order[n])
    candidates = {n: _candidates(questions[n], tree) for n in names}
    condition = Condition(source.strip(), tuple(names), tree, candidates)
    _try_all(condition)
    return condition


def _unknown_name(name: str, questions: Mapping[str, Question]) -> str:
    close = difflib.get_close_matches(name, list(questions), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    known = ", ".join(questions) or "none"
    return f"condition names unknown question {name!r}{hint} (questions: {known})"


def _check_choices(node: ast.Compare, questions: Mapping[str, Question]) -> None:
    """In ``fault == "tyer"`` the typo would silently never match: reject it."""
    operands = [node.left, *node.comparators]
    for left, right in itertools.pairwise(operands):
        for name_node, other in ((left, right), (right, left)):
            if not isinstance(name_node, ast.Name) or name_node.id not in questions:
                continue
            question = questions[name_node.id]
            if question.type != "choice":
                continue
            values = other.elts if isinstance(other, ast.List | ast.Tuple) else [other]
            for value in values:
                if isinstance(value, ast.Constant) and value.value not in question.choice_ids():
                    raise ConditionError(
                        f"{value.value!r} is not a choice of {question.id} "
                        f"({', '.join(question.choice_ids())})"
                    )


def _candidates(question: Question, tree: ast.Expression) -> tuple[Any, ...]:
    """Every value worth trying for an unknown answer to ``question``.

    For numbers, the values around each integer literal of the condition (and
    the lowest allowed) cover every region a comparison can distinguish.
    """
    if question.type == "bool":
        return (False, True)
    if question.type == "choice":
        return tuple(question.choice_ids())
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    if question.type == "text":
        return ("", *(v for v in literals if isinstance(v, str)), "\x00other")
    ints = [v for v in literals if isinstance(v, int) and not isinstance(v, bool)]
    values = {question.lowest, question.lowest + 1}
    for v in ints:
        values.update((v - 1, v, v + 1))
    low = question.lowest
    high = question.max
    return tuple(sorted(v for v in values if v >= low and (high is None or v <= high)))


def _try_all(condition: Condition) -> None:
    """Evaluate every combination once, so type errors show at load, not mid-call."""
    try:
        for combo in _combinations(list(condition.names), condition.candidates):
            _run(condition.tree, condition.source, combo)
    except (InvalidExpression, TypeError, ValueError, ArithmeticError) as exc:
        raise ConditionError(
            f"condition {condition.source!r} fails for some answers: {exc}"
        ) from None
