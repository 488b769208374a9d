"""The call queue: calls ringing, oldest first, amber then red against ``sla.answer_s``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from dispatch.desk.board import CallView
from dispatch.model import mask_phone
from dispatch.tui.callers import caller_name
from dispatch.tui.texts import clock_left, t

SHOWN = 6  # the queue stays small on screen; the count says how many more


def wait_style(waited_s: float, answer_s: float) -> str:
    """Green while young, amber past half the answer deadline, red past it."""
    if waited_s >= answer_s:
        return "bold white on red"
    if waited_s >= answer_s / 2:
        return "bold black on dark_orange"
    return "green"


def where(location: Any) -> str:
    """What the caller gave as a place, short."""
    if isinstance(location, dict) and "lat" in location:
        return f"{location.get('lat')},{location.get('lon')}"
    return str(location or "")


def queue_text(queue: list[tuple[CallView, float]], answer_s: float, lang: str,
               pii: bool = False) -> Text:
    """The queue as text: a title, then one line per ringing call."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(t("queue.title", lang, count=len(queue)), style="bold")
    if not queue:
        out.append("   " + t("queue.empty", lang), style="dim")
        return out
    out.append("   " + t("queue.hint", lang), style="dim")
    for call, waited in queue[:SHOWN]:
        out.append("\n")
        out.append(f" {clock_left(waited)} ", style=wait_style(waited, answer_s))
        name = caller_name(call.caller, pii)
        phone = mask_phone(str(call.caller.get("phone") or ""))
        out.append(f"  {name} {phone}  ")
        out.append(where(call.location), style="bold")
        out.append(f"  “{call.says[:80]}”", style="italic")
    if len(queue) > SHOWN:
        out.append(f"\n  +{len(queue) - SHOWN}", style="bold")
    return out


class CallQueue(Static):
    """The ringing calls; repainted only when the text changes.

    ``first`` is the id of the oldest call shown: the one the operator means
    by "answer" (if another seat took it meanwhile, the desk says who).
    """

    DEFAULT_CSS = "CallQueue { height: auto; max-height: 8; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Text | None = None
        self.first: str | None = None

    def show(self, desk: Any, lang: str) -> None:
        """Redraw from the desk's queue."""
        queue = desk.queue()
        self.first = queue[0][0].id if queue else None
        text = queue_text(queue, desk.sla.answer_s, lang, getattr(self.screen, "pii", False))
        if text != self._shown:
            self._shown = text
            self.update(text)
