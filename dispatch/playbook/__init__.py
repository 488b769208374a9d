"""Playbooks: declarative, validated, bilingual guidance for each kind of call.

Load once, then classify narratives and turn answers into guidance::

    from dispatch.playbook import load_playbooks

    playbooks = load_playbooks()                 # the shipped playbooks/ folder
    best = playbooks.classify("三辆车追尾，有人受伤")[0]   # Match(playbook="accident", ...)
    advice = playbooks.guide("accident", {"injured": 2, "trapped": False}, lang="zh")
    advice.services      # 110, 120, section … each with its reason
    advice.to_json()     # the stable JSON shape

Everything here is pure apart from reading the files.
"""

from dispatch.playbook.answers import coerce_answer, coerce_answers, parse_assignment
from dispatch.playbook.catalog import PlaybookSet, load_playbooks
from dispatch.playbook.classify import Match
from dispatch.playbook.conditions import Condition, ConditionError, Outcome, compile_condition
from dispatch.playbook.engine import (
    AdviceView,
    DeadlineView,
    Dependency,
    Guidance,
    QuestionView,
    Recommendation,
    guide,
)
from dispatch.playbook.load import (
    CANONICAL,
    PlaybookValidationError,
    Problem,
    check_folder,
    check_playbook_file,
    check_service_file,
    shipped_folder,
)
from dispatch.playbook.schema import LANGS, PlaybookSpec, ServiceSpec, Text
from dispatch.playbook.service import (
    PhraseHit,
    ServiceLanguage,
    check_phrases,
    load_service_language,
)

__all__ = [
    "CANONICAL",
    "LANGS",
    "AdviceView",
    "Condition",
    "ConditionError",
    "DeadlineView",
    "Dependency",
    "Guidance",
    "Match",
    "Outcome",
    "PhraseHit",
    "PlaybookSet",
    "PlaybookSpec",
    "PlaybookValidationError",
    "Problem",
    "QuestionView",
    "Recommendation",
    "ServiceLanguage",
    "ServiceSpec",
    "Text",
    "check_folder",
    "check_phrases",
    "check_playbook_file",
    "check_service_file",
    "coerce_answer",
    "coerce_answers",
    "compile_condition",
    "guide",
    "load_playbooks",
    "load_service_language",
    "parse_assignment",
    "shipped_folder",
]
