"""Help: every key of the console, in the operator's language."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dispatch.tui.texts import KEYS, t


def help_table(lang: str) -> Table:
    """The keys as a two-column table."""
    table = Table(title=t("help.title", lang), show_header=False, expand=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in KEYS:
        table.add_row(key, text.get(lang) or text["en"])
    return table


class HelpScreen(Screen[None]):
    """Every key; Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "app.pop_screen", "Back")]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        """The keys and the order marks."""
        with VerticalScroll():
            yield Static(help_table(self.lang))
            yield Static(t("help.marks", self.lang))
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.back", self.lang), classes="keys")
