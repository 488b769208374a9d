"""Small modal prompts: one question, a few fields (a hand-over), a call typed in, a yes/no."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from dispatch.tui.texts import t


class Ask(ModalScreen[None]):
    """A one-line question; stays open until ``submit`` takes the answer, or Esc.

    The console and the field-unit screen share it.

    Args:
        prompt: The question.
        submit: Called with the answer; returns ``True`` when it was taken.
        hint: The keys line under the input.
        placeholder: Shown in the empty input.
    """

    DEFAULT_CSS = """
    Ask, CallForm { align: center middle; }
    Ask > Vertical, CallForm > Vertical { width: 76; height: auto; border: thick $accent;
                                          padding: 0 1; background: $surface; }
    Ask .hint, CallForm .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, prompt: str, submit: Callable[[str], bool], *, hint: str,
                 placeholder: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.submit = submit
        self.hint = hint
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        """The prompt, the input, the keys."""
        with Vertical():
            yield Label(self.prompt)
            yield Input(placeholder=self.placeholder, id="ask")
            yield Label(self.hint, classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Hand the answer over; close only if it was taken."""
        event.stop()
        if self.submit(event.value):
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)


#: A callback number as typed: an optional ``+``, then digits with spaces or dashes between.
_PHONE = re.compile(r"\+?\d(?:[ -]?\d)*")
PHONE_DIGITS = (3, 20)  # 110 or an extension is fine; E.164 allows 15, trunk prefixes more


def normal_phone(phone: str) -> str:
    """The number as typed, with full-width digits, ``＋`` and ``－`` (a Chinese input
    method's) made ASCII."""
    return unicodedata.normalize("NFKC", phone).strip()


def phone_ok(phone: str) -> bool:
    """Whether ``phone`` (normalised) is a callback number: digits (3 to 20), optional
    leading ``+``, spaces or dashes between the digits.  Empty is fine: a withheld number."""
    phone = normal_phone(phone)
    if not phone:
        return True
    digits = sum(ch.isdigit() for ch in phone)
    return (_PHONE.fullmatch(phone) is not None and phone.isascii()
            and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1])


class Confirm(ModalScreen[bool]):
    """A yes/no question: ``y`` answers yes; ``n`` or Esc answers no."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Label { width: 60; border: thick $warning; padding: 0 1; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", show=False),
        Binding("n,escape", "answer(False)", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question (it says which keys answer it)."""
        yield Label(self.question, id="confirm")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(bool(yes))


class CallForm(ModalScreen[None]):
    """A call typed in: caller, number, words, place (Enter in the last field sends).

    The number is checked as it is left (Enter) and before sending; a wrong one shows
    a one-line error in the form and keeps the focus there.  Esc on a form with text
    asks before discarding it.

    Args:
        submit: Called with ``(caller, says, location)``; returns ``True`` when taken.
        lang: Language.
    """

    DEFAULT_CSS = """
    CallForm #call-error { color: $error; text-style: bold; display: none; }
    CallForm #call-error.shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]
    FIELDS = ("name", "phone", "says", "location")

    def __init__(self, submit: Callable[[dict[str, str], str, str | None], bool],
                 lang: str = "en") -> None:
        super().__init__()
        self.submit = submit
        self.lang = lang

    def compose(self) -> ComposeResult:
        """Four inputs under a title, the error line, the keys."""
        with Vertical():
            yield Label(t("ask.call", self.lang))
            for name in self.FIELDS:
                yield Input(placeholder=t(f"ask.call.{name}", self.lang), id=f"call-{name}")
            yield Label("", id="call-error")
            yield Label(t("ask.keys", self.lang), classes="hint")

    def values(self) -> dict[str, Any]:
        """What has been typed, by field."""
        return {n: self.query_one(f"#call-{n}", Input).value.strip() for n in self.FIELDS}

    def error(self, message: str) -> None:
        """Show ``message`` under the fields (empty: hide the line)."""
        line = self.query_one("#call-error", Label)
        line.update(message)
        line.set_class(bool(message), "shown")

    def _phone_checked(self) -> bool:
        if phone_ok(self.values()["phone"]):
            self.error("")
            return True
        self.error(t("ask.call.bad_phone", self.lang))
        self.query_one("#call-phone", Input).focus()
        return False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; in the last one it sends the call."""
        event.stop()
        if event.input.id == "call-phone" and not self._phone_checked():
            return
        if event.input.id != f"call-{self.FIELDS[-1]}":
            self.focus_next()
            return
        if not self._phone_checked():
            return
        v = self.values()
        if self.submit({"name": v["name"], "phone": normal_phone(v["phone"])}, v["says"],
                       v["location"] or None):
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without recording a call; with anything typed, ask first."""
        if not any(self.values().values()):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm(t("ask.call.discard", self.lang)), answered)


class Form(ModalScreen[None]):
    """A few one-line fields under a title; Enter moves on, and in the last field
    hands every value over.  Stays open until ``submit`` takes them, or Esc.

    Args:
        title: What is asked.
        fields: ``(name, placeholder)`` of each field, in order.
        submit: Called with the values by name (stripped); returns ``True`` when taken.
        hint: The keys line under the fields.
    """

    DEFAULT_CSS = """
    Form { align: center middle; }
    Form > Vertical { width: 76; height: auto; border: thick $accent; padding: 0 1;
                      background: $surface; }
    Form .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, fields: list[tuple[str, str]],
                 submit: Callable[[dict[str, str]], bool], *, hint: str) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.hint = hint

    def compose(self) -> ComposeResult:
        """The title, one input per field, the keys."""
        with Vertical():
            yield Label(self.title_text)
            for name, placeholder in self.fields:
                yield Input(placeholder=placeholder, id=f"form-{name}")
            yield Label(self.hint, classes="hint")

    def values(self) -> dict[str, str]:
        """What has been typed, by field."""
        return {n: self.query_one(f"#form-{n}", Input).value.strip() for n, _ in self.fields}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; in the last one it hands the values over."""
        event.stop()
        if event.input.id != f"form-{self.fields[-1][0]}":
            self.focus_next()
            return
        if self.submit(self.values()):
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)
