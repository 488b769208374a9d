"""The floor at a glance (the supervisor's view): every seat, what it is doing and for
how long, what it holds, the calls ringing and the seats free.

Everything shown is the desk's board, a fold of the shared log: a seat that
joins mid-shift sees the whole floor at once.  The view listens to the desk
(every seat's events come through it) and redraws at most ten times a second;
a clock tick refreshes the durations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dispatch.model import Event
from dispatch.tui.callers import call_label, place_given
from dispatch.tui.queue import wait_style
from dispatch.tui.texts import clock_left, duration, t

#: Columns of the seat table: (text key, width in terminal cells).  Chinese
#: characters take two cells; every cell is padded or cut to its width.
SEAT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("seats.seat", 16), ("seats.operator", 12), ("seats.state", 10), ("seats.for", 6),
    ("seats.calls", 6), ("seats.incidents", 44))
STATE_STYLE = {"free": "bold green", "call": "bold yellow", "wrap_up": "cyan", "away": "dim"}
#: Busy seats first, then free ones, then those away.
STATE_ORDER = {"call": 0, "wrap_up": 1, "free": 2, "away": 3}
RINGING_SHOWN = 10


def cell(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` terminal cells."""
    return set_cell_size(text, width)


def seat_rows(board: Any, now: datetime) -> list[tuple[Any, str, datetime]]:
    """Every seat with its state and since when: busy first, then by seat id."""
    rows = [(view, *board.seat_state(seat, now)) for seat, view in board.seats.items()]
    rows.sort(key=lambda r: (STATE_ORDER.get(r[1], 9), r[0].seat))
    return rows


def seats_text(desk: Any, lang: str, now: datetime | None = None) -> Text:
    """The view: a title, one line per seat, the calls ringing, the free seats."""
    board = desk.board
    now = now or desk.clock.now()
    seats = board.seats
    free = board.free_seats(now) if seats else []
    queue = desk.queue()
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(t("seats.title", lang, seats=len(seats), free=len(free), ringing=len(queue)),
               style="bold underline")
    out.append("\n\n")
    if not seats:
        out.append(t("seats.none", lang), style="dim")
    else:
        out.append("  ".join(cell(t(key, lang), width) for key, width in SEAT_COLUMNS),
                   style="bold")
    widths = [w for _, w in SEAT_COLUMNS]
    for view, state, since in seat_rows(board, now):
        owned = board.owned(view.operator) if view.operator else []
        out.append("\n")
        out.append(cell(view.seat, widths[0]) + "  ", style="bold")
        out.append(cell(view.operator or "-", widths[1]) + "  ")
        out.append(cell(t(f"seat.{state}", lang), widths[2]), style=STATE_STYLE.get(state, ""))
        out.append("  " + cell(duration((now - since).total_seconds()), widths[3]) + "  ")
        out.append(cell(str(view.answered), widths[4]) + "  ")
        incidents = " ".join(i.id for i in owned)
        out.append(cell(f"{len(owned)}  {incidents}" if owned else "-", widths[5]).rstrip(),
                   style="" if owned else "dim")
    out.append("\n\n")
    out.append(t("seats.ringing", lang, count=len(queue)), style="bold")
    if not queue:
        out.append("   " + t("seats.no_call", lang), style="dim")
    for call, waited in queue[:RINGING_SHOWN]:
        out.append("\n")
        out.append(f" {clock_left(waited)} ", style=wait_style(waited, desk.sla.answer_s))
        out.append(f"  {call_label(call, lang, False, where=False)}  ")  # an overview: masked
        out.append(place_given(call.location), style="bold")
    if len(queue) > RINGING_SHOWN:
        out.append(f"\n  +{len(queue) - RINGING_SHOWN}", style="bold")
    out.append("\n\n")
    out.append(t("seats.free", lang, count=len(free), seats=" ".join(free)),
               style="bold green" if free else "bold red")
    return out


class SeatsScreen(Screen[None]):
    """The floor view; Esc (or f) goes back.

    Args:
        desk: The desk whose board is shown.
        lang: ``"en"`` or ``"zh"``.
        flush_s: Seconds between redraws after the desk folded something.
        tick_s: Seconds between redraws for the durations (``None``: none).
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f,q", "app.pop_screen", "Back")]

    def __init__(self, desk: Any, lang: str, *, flush_s: float = 0.1,
                 tick_s: float | None = 1.0) -> None:
        super().__init__()
        self.desk = desk
        self.lang = lang
        self.flush_s = flush_s
        self.tick_s = tick_s
        self._dirty = False

    def compose(self) -> ComposeResult:
        """The floor, scrollable, and the keys."""
        with VerticalScroll():
            yield Static(seats_text(self.desk, self.lang), id="seats")
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.seats", self.lang), classes="keys")

    def on_mount(self) -> None:
        """Listen to the desk; redraw when it folded something, and on the clock."""
        self.desk.listeners.append(self._heard)
        self.set_interval(self.flush_s, self.flush)
        if self.tick_s:
            self.set_interval(self.tick_s, self.redraw)

    def on_unmount(self) -> None:
        """Stop listening."""
        if self._heard in self.desk.listeners:
            self.desk.listeners.remove(self._heard)

    def _heard(self, _event: Event) -> None:
        self._dirty = True

    def flush(self) -> None:
        """Redraw if the desk folded something since the last redraw."""
        if self._dirty:
            self.redraw()

    def redraw(self) -> None:
        """Draw the floor as the board holds it now."""
        self._dirty = False
        self.query_one("#seats", Static).update(seats_text(self.desk, self.lang))
