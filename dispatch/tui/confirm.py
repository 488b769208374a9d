"""A yes-or-no question before something that cannot be taken back (quitting with work
open, closing with orders out): ``y`` goes ahead, ``n`` or ``Esc`` stays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class Confirm(ModalScreen[bool]):
    """The question, what it is about (one line each), and the keys.

    Args:
        question: What is asked.
        details: What the operator should know first (callers' text already made safe).
        on_yes: Run once ``y`` is pressed (after the prompt closes).
        hint: The keys line.
    """

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 80; height: auto; border: thick $warning; padding: 0 1;
                         background: $surface; }
    Confirm #confirm-question { text-style: bold; }
    Confirm .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", show=False),
        Binding("n,escape", "no", show=False),
    ]

    def __init__(self, question: str, details: Sequence[str], on_yes: Callable[[], object],
                 *, hint: str) -> None:
        super().__init__()
        self.question = question
        self.details = list(details)
        self.on_yes = on_yes
        self.hint = hint

    def compose(self) -> ComposeResult:
        """The question, the details, the keys."""
        with Vertical():
            yield Label(Text(self.question), id="confirm-question")
            yield Static(Text("\n".join(self.details)), id="confirm-details")
            yield Label(Text(self.hint), classes="hint")

    def action_yes(self) -> None:
        """Go ahead."""
        self.dismiss(True)
        self.on_yes()

    def action_no(self) -> None:
        """Stay: nothing done."""
        self.dismiss(False)
