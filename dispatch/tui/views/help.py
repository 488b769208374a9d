"""Help: every key of the console, in the operator's language (from the action table)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dispatch.tui.keymap import help_rows
from dispatch.tui.texts import t


def help_table(lang: str) -> Table:
    """The keys as a two-column table, a heading above each group of actions."""
    table = Table(title=t("help.title", lang), show_header=False, expand=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for heading, keys, text in help_rows(lang):
        # Text, not markup: a key such as "[" must show as itself.
        if heading:
            table.add_row(Text(""), Text(heading, style="bold underline"))
        table.add_row(Text(keys), Text(text))
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
