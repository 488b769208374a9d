"""A desk's refusal as the operator reads it, in the console's language.

The desk's errors carry an English message (for logs and the command line)
and, where a person at the console meets them, a text key and its fields
(:meth:`~dispatch.errors.DispatchError.say`).  This turns the key into the
console's text: the call by its caller and place, the change by who made it and
what it was, the answer expected in words.  An error without a key shows its
message.
"""

from __future__ import annotations

from typing import Any

from dispatch.errors import DispatchError
from dispatch.model import Event
from dispatch.timeline.describe import describe
from dispatch.tui.callers import call_label, desk_labels
from dispatch.tui.texts import TEXTS, label, t


def _expected(fields: dict[str, Any], lang: str) -> str:
    kind = fields.get("type")
    if kind == "bool":
        return t("expect.bool", lang)
    if kind == "int":
        high = fields.get("high")
        if high != "":
            return t("expect.int_range", lang, low=fields.get("low", 0), high=high)
        return t("expect.int", lang, low=fields.get("low", 0))
    if kind == "choice":
        return t("expect.choice", lang, choices=fields.get("choices", ""))
    return t("expect.text", lang)


def refusal(exc: DispatchError, desk: Any, lang: str, *, pii: bool = True) -> str:
    """One line saying why the desk did not do what was asked, in ``lang``."""
    key = f"error.{exc.key}" if exc.key else ""
    if key not in TEXTS:
        return " ".join(str(exc).split())
    fields = dict(exc.fields)
    labels = desk_labels(desk)
    if "call" in fields:
        fields["call"] = call_label(desk.board.calls.get(fields["call"]), lang, pii,
                                    incident=False)
    if isinstance(fields.get("event"), Event):
        fields["event"] = describe(fields["event"], lang, pii=pii, labels=labels)
    if "seat" in fields:
        fields["seat"] = t("error.at_seat", lang, seat=fields["seat"]) if fields["seat"] else ""
    if "status" in fields:
        fields["status"] = label("state", fields["status"], lang)
    if "question" in fields:
        fields["expected"] = _expected(fields, lang)
        fields["question"] = labels.question(fields["question"], lang)
    if "step" in fields:
        fields["step"] = t(f"error.step.{fields['step']}", lang)
    if lang == "zh" and "choices_zh" in fields:
        fields["choices"] = fields["choices_zh"]  # the candidates named in Chinese
    if "role" in fields:
        fields["role"] = t(f"role.{fields['role']}", lang)
    return " ".join(t(key, lang, **fields).split())
