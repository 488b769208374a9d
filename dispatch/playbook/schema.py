"""The shape of a playbook file and of the service-language file.

Validation is strict (``extra="forbid"``, ``strict=True``): an unknown key, a
string where a number belongs or a text in one language only is an error
that names the key, never silently ignored.  Rules that need more than one
field (conditions naming questions, duplicate ids, services that exist) are
checked in :mod:`dispatch.playbook.load`, which compiles the conditions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from dispatch.playbook.conditions import Condition

LANGS = ("en", "zh")
Lang = Literal["en", "zh"]

#: Deadlines a playbook may set, in seconds; the desk knows what each one times.
DEADLINE_IDS = ("dispatch", "on_scene", "resolve", "investigate", "callback")

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Level = Annotated[int, Field(ge=1, le=4)]
IfUnknown = Literal["wait", "assume"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Text(_Model):
    """A text in both languages: ``{ en = "...", zh = "..." }``."""

    en: str
    zh: str

    @model_validator(mode="before")
    @classmethod
    def _both(cls, data: Any) -> Any:
        # One readable message instead of pydantic's "Field required" per language.
        if isinstance(data, dict):
            missing = [lang for lang in LANGS if lang not in data]
            if missing:
                raise ValueError(
                    f"needs the text in both en and zh; {' and '.join(missing)} missing"
                )
        return data

    @field_validator("en", "zh")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en


class Words(_Model):
    """Words and phrases, per language, that point to a playbook or a choice."""

    en: list[str] = []
    zh: list[str] = []

    @field_validator("en", "zh")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not phrase.strip():
                raise ValueError("a phrase must not be empty")
        return [phrase.strip() for phrase in value]

    def all(self) -> list[tuple[str, str]]:
        """Every phrase with its language: ``[("en", "crash"), ("zh", "追尾"), ...]``."""
        return [("en", p) for p in self.en] + [("zh", p) for p in self.zh]


class WordGroup(Words):
    """More phrases of a playbook, with their own weight (``[[words.groups]]``)."""

    weight: Annotated[int, Field(ge=1, le=9)]
    #: What the group is for, for the reader of the file (not shown to anyone).
    note: str = ""


class Negators(_Model):
    """Words that deny what follows them: ``not`` an accident, ``没有``起火.

    A listed phrase counts for nothing when one of these stands before it, at most
    ``reach`` words (Latin) or characters (Chinese) earlier, in the same clause.
    """

    en: list[str] = []
    zh: list[str] = []
    reach: Annotated[int, Field(ge=0, le=6)] = 3

    @field_validator("en", "zh")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not phrase.strip():
                raise ValueError("a negator must not be empty")
        return [phrase.strip() for phrase in value]

    def all(self) -> list[tuple[str, str]]:
        """Every negator with its language."""
        return [("en", p) for p in self.en] + [("zh", p) for p in self.zh]


class PlaybookWords(Words):
    """A playbook's ``[words]``: phrases of weight 1, weighted groups, and negators."""

    groups: list[WordGroup] = []
    negators: Negators = Negators()


class Choice(_Model):
    """One answer of a choice question; its words suggest it from the narrative."""

    id: Id
    label: Text
    words: Words = Words()


class Question(_Model):
    """A key question the operator asks the caller."""

    id: Id
    type: Literal["bool", "int", "choice", "text"]
    text: Text
    choices: list[Choice] = []
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _by_type(self) -> Question:
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice question needs choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"choices belong to choice questions, not {self.type}")
        if self.type != "int" and (self.min is not None or self.max is not None):
            raise ValueError("min and max belong to int questions")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    @property
    def lowest(self) -> int:
        """The smallest answer an int question accepts (counts start at 0)."""
        return 0 if self.min is None else self.min

    def choice_ids(self) -> list[str]:
        """The ids of the choices, in order."""
        return [c.id for c in self.choices]


class _Rule(_Model):
    """Something that applies when its condition holds."""

    when: str | None = None
    if_unknown: IfUnknown = "wait"
    unknown_reason: Text | None = None

    _condition: Condition | None = PrivateAttr(default=None)

    @property
    def condition(self) -> Condition | None:
        """The compiled condition (``None``: always applies)."""
        return self._condition

    @model_validator(mode="after")
    def _unknown(self) -> _Rule:
        if self.unknown_reason is not None and self.if_unknown != "assume":
            raise ValueError('unknown_reason is only shown with if_unknown = "assume"')
        return self


class Advice(_Rule):
    """A safety sentence the operator reads to the caller."""

    id: Id
    text: Text
    required: bool = False


class DispatchRule(_Rule):
    """A service to hand the incident to, and why."""

    service: str
    reason: Text


class PriorityRule(_Rule):
    """A priority (1 highest … 4) that applies when its condition holds."""

    level: Level
    reason: Text


class Priority(_Model):
    """The priority: the highest level among the rules that apply, else the default."""

    default: Level
    reason: Text
    rules: list[PriorityRule] = []


class Deadline(_Model):
    """A time limit, in seconds from the call."""

    id: Literal["dispatch", "on_scene", "resolve", "investigate", "callback"]
    seconds: Annotated[int, Field(gt=0)]
    label: Text


class PlaybookSpec(_Model):
    """One playbook file, as written."""

    id: Id
    version: Annotated[int, Field(ge=1)]
    title: Text
    summary: Text
    words: PlaybookWords
    strong_words: Words = Words()
    questions: list[Question] = []
    priority: Priority
    advice: list[Advice] = []
    dispatch: list[DispatchRule] = Field(min_length=1)
    deadlines: list[Deadline] = []
    steps: list[Text] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _bilingual(cls, value: PlaybookWords) -> PlaybookWords:
        missing = [lang for lang in LANGS if not getattr(value, lang)]
        if missing:
            raise ValueError(f"needs phrases in both en and zh; {' and '.join(missing)} missing")
        return value

    def question(self, qid: str) -> Question | None:
        """The question with id ``qid``, if the playbook asks it."""
        return next((q for q in self.questions if q.id == qid), None)


class ForbiddenPhrase(_Model):
    """Phrases an operator must not use, with what to say instead."""

    id: Id
    en: list[str] = []
    zh: list[str] = []
    instead: Text
    #: ``speech``: only wrong when said to the caller ("不知道" is fine in a note
    #: that the caller does not know the stake); ``any``: wrong in notes too.
    scope: Literal["speech", "any"] = "speech"

    @model_validator(mode="after")
    def _some(self) -> ForbiddenPhrase:
        if not self.en or not self.zh:
            raise ValueError("needs phrases in both en and zh")
        for phrase in (*self.en, *self.zh):
            if not phrase.strip():
                raise ValueError("a phrase must not be empty")
        return self


#: Phrases every service-language file provides (more may be added).
REQUIRED_PHRASES = ("greeting", "hold", "resume", "apology", "closing")
#: Placeholders a phrase may use, filled in by the console.
PLACEHOLDERS = ("operator", "centre", "minutes")


class ServiceSpec(_Model):
    """The service-language file (``service.toml``), as written."""

    version: Annotated[int, Field(ge=1)]
    phrases: dict[str, Text]
    forbidden: list[ForbiddenPhrase] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _required(cls, value: dict[str, Text]) -> dict[str, Text]:
        missing = [key for key in REQUIRED_PHRASES if key not in value]
        if missing:
            raise ValueError(f"missing phrase(s): {', '.join(missing)}")
        return value
