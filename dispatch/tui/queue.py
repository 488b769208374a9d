"""The call queue: calls ringing, most urgent first, then the oldest; amber then red against
``sla.answer_s``.

Each line shows what the caller's words suggest (the kind of incident and the
dangers they name: fire, smoke, trapped, hurt, hazardous goods, a vehicle in a
live lane) so the operator sees why a call is first.  A cursor selects the
call ``a`` answers: the top one unless the operator moved it with ``[`` / ``]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.widgets import Static

from dispatch.desk.board import CallView
from dispatch.model import mask_phone
from dispatch.tui.callers import caller_name, place_given
from dispatch.tui.texts import clock_left, kind_label, t

#: Calls shown at once: the queue stays small on screen (title, five calls, the count of
#: the others: eight lines with its border); the cursor scrolls through the rest.
SHOWN = 5
DANGER_STYLE = "bold white on red"
Triager = Callable[[str], Any]


def wait_style(waited_s: float, answer_s: float) -> str:
    """Green while young, amber past half the answer deadline, red past it."""
    if waited_s >= answer_s:
        return "bold white on red"
    if waited_s >= answer_s / 2:
        return "bold black on dark_orange"
    return "green"


def danger_label(danger: str, lang: str, labels: Mapping[str, Any] | None = None) -> str:
    """A danger's short mark (``HAZMAT``, ``危化品``), as ``urgency.toml`` labels it."""
    label = (labels or {}).get(danger)
    return label.get(lang) if label is not None else danger


def window(count: int, selected: int) -> range:
    """Which of ``count`` calls show, so that the ``selected`` one is among them."""
    start = min(max(0, selected - SHOWN + 1), max(0, count - SHOWN))
    return range(start, min(count, start + SHOWN))


def queue_text(queue: list[tuple[CallView, float]], answer_s: float, lang: str,
               pii: bool = False, *, triage: Triager | None = None,
               dangers: Mapping[str, Any] | None = None,
               selected: str | None = None) -> Text:
    """The queue as text: a title, then one line per ringing call shown.

    Args:
        queue: The ringing calls in the order to answer them, with seconds waited.
        answer_s: The answer deadline (colours the waiting time).
        lang: Language.
        pii: Callers' names in full (else masked).
        triage: What a call's words say (``PlaybookSet.triage``): kind and dangers.
        dangers: Each danger's label (``PlaybookSet.urgency.labels``).
        selected: The call under the cursor (marked ``>``).
    """
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(t("queue.title", lang, count=len(queue)), style="bold")
    if not queue:
        out.append("   " + t("queue.empty", lang), style="dim")
        return out
    out.append("   " + t("queue.hint", lang), style="dim")
    ids = [c.id for c, _ in queue]
    at = ids.index(selected) if selected in ids else 0
    shown = window(len(queue), at)
    for n in shown:
        call, waited = queue[n]
        out.append("\n")
        out.append(">" if n == at else " ", style="bold reverse" if n == at else "")
        out.append(f" {clock_left(waited)} ", style=wait_style(waited, answer_s))
        if triage is not None:
            found = triage(call.says)
            for danger in found.dangers:
                out.append(" ")
                out.append(f" {danger_label(danger, lang, dangers)} ", style=DANGER_STYLE)
            out.append(f"  {kind_label(found.suggested, lang)}", style="bold cyan")
        name = caller_name(call.caller, pii)
        phone = mask_phone(str(call.caller.get("phone") or ""))
        out.append(f"  {name} {phone}  ", style="bold" if n == at else "")
        out.append(place_given(call.location), style="bold")
        out.append(f"  “{call.says[:80]}”", style="italic")
    hidden = len(queue) - len(shown)
    if hidden:
        out.append("\n  " + t("queue.more", lang, count=hidden), style="bold")
    return out


class CallQueue(Static):
    """The ringing calls and the cursor; repainted only when the text changes.

    :attr:`selected` is the call the operator means by "answer": the one they
    moved the cursor to while it rings, else the top (most urgent).  If another
    seat took it meanwhile, the desk says who.
    """

    DEFAULT_CSS = "CallQueue { height: auto; max-height: 8; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Text | None = None
        self.ids: list[str] = []
        #: The call the operator moved the cursor to (``None``: follow the top).
        self.chosen: str | None = None

    @property
    def selected(self) -> str | None:
        """The call under the cursor (the top one unless the operator chose another)."""
        if self.chosen in self.ids:
            return self.chosen
        return self.ids[0] if self.ids else None

    @property
    def first(self) -> str | None:
        """The top of the queue (the most urgent call)."""
        return self.ids[0] if self.ids else None

    def move(self, step: int) -> str | None:
        """Move the cursor ``step`` calls down (up if negative), stopping at the ends.

        Back at the top the cursor follows the top again (a more urgent call
        that rings takes it); anywhere else it stays on its call while that rings.
        """
        if not self.ids:
            return None
        at = self.ids.index(self.selected) if self.selected in self.ids else 0
        at = max(0, min(len(self.ids) - 1, at + step))
        self.chosen = self.ids[at] if at else None
        return self.ids[at]

    def show(self, desk: Any, lang: str) -> None:
        """Redraw from the desk's queue."""
        queue = desk.queue()
        self.ids = [c.id for c, _ in queue]
        text = queue_text(queue, desk.sla.answer_s, lang, getattr(self.screen, "pii", False),
                          triage=desk.playbooks.triage, dangers=desk.playbooks.urgency.labels,
                          selected=self.selected)
        if text != self._shown:
            self._shown = text
            self.update(text)
