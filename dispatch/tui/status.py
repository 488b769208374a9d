"""The status bar and the mode banner: what the whole floor must see at a glance."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text
from textual.widgets import Static

from dispatch.desk.roles import Operator
from dispatch.tui.texts import t

MODE_STYLE = {"normal": "bold white on dark_green", "peak": "bold black on yellow",
              "outage": "bold white on red"}


#: A part of the status bar: its renderings, fullest first, each with the value of
#: keeping it (the bar steps the part of lowest value down, or drops it, until it fits).
Part = list[tuple[int, Text]]
SEP = "  "


def status_parts(desk: Any, operator: Operator | None, lang: str, tz: tzinfo, *,
                 centre: str = "", breached: int = 0, tag: str = "",
                 log_state: str | None = None, mine: tuple[int, int] | None = None
                 ) -> list[Part]:
    """The status bar's parts, in display order (see :func:`status_text` for the args)."""
    board = desk.board
    parts: list[Part] = []
    if tag:
        parts.append([(100, Text(f" {tag} ", style="bold black on cyan"))])
    if log_state:
        parts.append([(100, Text(f" {t(f'status.log.{log_state}', lang)} ",
                                 style="bold white on red"))])
    if centre:
        parts.append([(20, Text(centre, style="bold"))])
    if operator is not None:
        parts.append([(25, Text(t("status.operator", lang, operator=operator.id,
                                  role=t(f"role.{operator.role.value}", lang)))),
                      (45, Text(operator.id))])
    now = desk.clock.now().astimezone(tz)
    parts.append([(15, Text(now.strftime("%Y-%m-%d %H:%M:%S"), style="bold")),
                  (65, Text(now.strftime("%H:%M:%S"), style="bold"))])
    mode = board.mode if board.mode in MODE_STYLE else "normal"
    parts.append([(95, Text(f" {t(f'status.mode.{mode}', lang)} ", style=MODE_STYLE[mode]))])
    if board.link_up is None:
        parts.append([(10, Text(t("status.link.none", lang), style="dim"))])
    elif board.link_up:
        parts.append([(50, Text("● " + t("status.link.up", lang), style="green"))])
    else:
        parts.append([(90, Text("● " + t("status.link.down", lang), style="bold red"))])
    waiting = len(board.waiting_orders())
    parts.append([(80 if waiting else 30, Text(t("status.outbox", lang, count=waiting),
                                               style="bold yellow" if waiting else ""))])
    parts.append([(60, Text(t("status.open", lang, count=len(board.open_incidents()))))])
    if mine is not None:
        parts.append([(70, Text(f" {t('status.mine', lang, shown=mine[0], total=mine[1])} ",
                                style="bold black on cyan"))])
    parts.append([(85 if breached else 35, Text(t("status.breached", lang, count=breached),
                                                style="bold white on red" if breached else ""))])
    return parts


def fit_parts(parts: list[Part], width: int | None = None) -> Text:
    """The parts joined; the least valuable shortened or dropped first until ``width`` fits."""
    level = [0] * len(parts)

    def line() -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        shown = [part[n][1] for part, n in zip(parts, level, strict=True) if n < len(part)]
        for i, text in enumerate(shown):
            if i:
                bar.append(SEP)
            bar.append_text(text)
        return bar

    bar = line()
    while width is not None and bar.cell_len > width:
        steps = [(part[n][0], i) for i, (part, n) in enumerate(zip(parts, level, strict=True))
                 if n < len(part)]
        if len(steps) <= 1:
            break
        _, cheapest = min(steps)
        level[cheapest] += 1
        bar = line()
    return bar


def status_text(desk: Any, operator: Operator | None, lang: str, tz: tzinfo, *,
                centre: str = "", breached: int = 0, tag: str = "",
                log_state: str | None = None, mine: tuple[int, int] | None = None,
                width: int | None = None) -> Text:
    """The status bar's line, fitted to ``width`` cells (``None``: everything).

    Args:
        desk: The desk (or replay) whose board is shown.
        operator: Who is logged in.
        lang: Language.
        tz: Time zone of the clock shown.
        centre: The centre's name.
        breached: Deadlines breached now.
        tag: Drill or replay state, shown first.
        log_state: Why the log takes no writes (``full``, ``read_only``…), if it does not.
        mine: The board shows only the operator's incidents: (shown, of all).
        width: The cells the line has; the least useful parts go first (the centre's
            name, the date, the operator's role…), the mode, alarms and counts last.
    """
    return fit_parts(status_parts(desk, operator, lang, tz, centre=centre, breached=breached,
                                  tag=tag, log_state=log_state, mine=mine), width)


class StatusBar(Static):
    """One line at the top, fitted to its width; repainted only when its text changes."""

    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Text | None = None
        self._parts: list[Part] | Text | None = None

    def show(self, bar: list[Part] | Text) -> None:
        """Show ``bar`` (parts: fitted to the width; a line: as it is) if it changed."""
        self._parts = bar
        text = bar if isinstance(bar, Text) else fit_parts(bar, self.content_size.width or None)
        if text != self._shown:
            self._shown = text
            self.update(text)

    def on_resize(self) -> None:
        """Fit the parts again to the new width."""
        if self._parts is not None:
            self.show(self._parts)


def banner_text(desk: Any, lang: str, waiting: list[dict[str, Any]] | None = None) -> Text | None:
    """The mode banner (outage or peak), or ``None`` in normal mode.

    Args:
        desk: The desk.
        lang: Language.
        waiting: The recipients to phone (``mode_changed`` data's ``waiting``).
    """
    board = desk.board
    service = desk.service
    if board.mode == "outage":
        out = Text(t("banner.outage", lang) + " ", style="bold")
        if service is not None:
            out.append(service.phrase("apology", lang), style="italic")
        phones = [(w.get("to"), w.get("phone")) for w in (waiting or [])]
        seen = {to for to, _ in phones}
        for order in board.waiting_orders():
            if order.to not in seen:
                seen.add(order.to)
                try:
                    phones.append((order.to, desk.roadmap.station(order.to).phone))
                except Exception:  # an address the map does not know: nothing to phone
                    phones.append((order.to, "?"))
        if phones:
            out.append("\n" + "   ".join(t("banner.phone", lang, to=to, phone=phone or "?")
                                         for to, phone in phones[:8]))
        return out
    if board.mode == "peak":
        out = Text(t("banner.peak", lang) + " ", style="bold")
        if service is not None:
            out.append(service.phrase("busy", lang), style="italic")
        return out
    return None
