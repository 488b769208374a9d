"""The call typed in: the callback number is checked, with a one-line error in the form,
and Esc asks before throwing away what was typed (issue 13, item 12)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Label, Static

from dispatch.tui.prompts import CallForm, Confirm, phone_ok
from dispatch.tui.texts import t

from .consolelib import until

SIZE = (120, 40)


class Host(App[None]):
    """An empty screen that opens the call form and keeps what it sends."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.sent: list[tuple[dict[str, str], str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Static("floor")

    def on_mount(self) -> None:
        self.open_form()

    def open_form(self) -> None:
        def submit(caller: dict[str, str], says: str, location: str | None) -> bool:
            self.sent.append((caller, says, location))
            return True
        self.push_screen(CallForm(submit, self.lang))


def _error(app: App[Any]) -> str:
    line = app.screen.query_one("#call-error", Label)
    return str(line.content) if line.display else ""


@pytest.mark.parametrize("phone", ["110", "13800000001", "+86 27-8888-0000", "0712 1234",
                                   "1234567890123456789", "１３８０００００００１", ""])
def test_good_numbers(phone: str) -> None:
    assert phone_ok(phone)


@pytest.mark.parametrize("phone", ["12", "abc", "138-", "+", "1380000000a", "(027) 8888",
                                   "1" * 21, "++86 138", "138--0000", "13 8/00"])
def test_bad_numbers(phone: str) -> None:
    assert not phone_ok(phone)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_bad_number_shows_an_error_and_keeps_the_form(lang: str) -> None:
    app = Host(lang)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, CallForm))
        await pilot.press(*"Li", "enter", *"13x8", "enter")
        assert _error(app) == t("ask.call.bad_phone", lang)
        assert "\n" not in _error(app)
        assert app.focused is not None and app.focused.id == "call-phone"
        # Sending from the last field checks it again.
        app.screen.query_one("#call-location", Input).focus()
        await pilot.press("enter")
        assert app.sent == [] and isinstance(app.screen, CallForm)
        phone = app.screen.query_one("#call-phone", Input)
        phone.value = "+86 138-0000-0001"
        phone.focus()
        await pilot.press("enter")
        assert _error(app) == ""
        assert app.focused is not None and app.focused.id == "call-says"
        await pilot.press(*"tyre", "enter", *"G4 K1024+300", "enter")
        await until(lambda: not isinstance(app.screen, CallForm))
        assert app.sent == [({"name": "Li", "phone": "+86 138-0000-0001"}, "tyre",
                              "G4 K1024+300")]


async def test_full_width_digits_are_taken_as_digits() -> None:
    app = Host("zh")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, CallForm))
        app.screen.query_one("#call-phone", Input).value = "１３８０００００００１"
        app.screen.query_one("#call-location", Input).focus()
        await pilot.press("enter")
        await until(lambda: bool(app.sent))
        assert app.sent[0][0]["phone"] == "13800000001"


async def test_esc_on_an_empty_form_closes_at_once() -> None:
    app = Host("en")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, CallForm))
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, (CallForm, Confirm)))
        assert app.sent == []


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_esc_on_a_filled_form_asks_first(lang: str) -> None:
    app = Host(lang)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, CallForm))
        await pilot.press(*"Wang")
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, Confirm))
        assert str(app.screen.query_one("#confirm", Label).content) == \
            t("ask.call.discard", lang)
        await pilot.press("n")  # keep typing: the form is back, as it was
        await until(lambda: isinstance(app.screen, CallForm))
        assert app.screen.query_one("#call-name", Input).value == "Wang"
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, Confirm))
        await pilot.press("escape")  # Esc on the question is "no" too
        await until(lambda: isinstance(app.screen, CallForm))
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(lambda: not isinstance(app.screen, (CallForm, Confirm)))
        assert app.sent == []
