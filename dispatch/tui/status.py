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


def status_text(desk: Any, operator: Operator | None, lang: str, tz: tzinfo, *,
                centre: str = "", breached: int = 0, tag: str = "",
                log_state: str | None = None, mine: tuple[int, int] | None = None) -> Text:
    """The status bar's line.

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
    """
    board = desk.board
    bar = Text(no_wrap=True, overflow="ellipsis")
    sep = "  "
    if tag:
        bar.append(f" {tag} ", style="bold black on cyan")
        bar.append(sep)
    if log_state:
        bar.append(f" {t(f'status.log.{log_state}', lang)} ", style="bold white on red")
        bar.append(sep)
    if centre:
        bar.append(centre, style="bold")
        bar.append(sep)
    if operator is not None:
        bar.append(t("status.operator", lang, operator=operator.id,
                            role=t(f"role.{operator.role.value}", lang)))
        bar.append(sep)
    bar.append(desk.clock.now().astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), style="bold")
    bar.append(sep)
    mode = board.mode if board.mode in MODE_STYLE else "normal"
    bar.append(f" {t(f'status.mode.{mode}', lang)} ", style=MODE_STYLE[mode])
    bar.append(sep)
    if board.link_up is None:
        bar.append(t("status.link.none", lang), style="dim")
    elif board.link_up:
        bar.append("● " + t("status.link.up", lang), style="green")
    else:
        bar.append("● " + t("status.link.down", lang), style="bold red")
    bar.append(sep)
    waiting = len(board.waiting_orders())
    bar.append(t("status.outbox", lang, count=waiting), style="bold yellow" if waiting else "")
    bar.append(sep)
    bar.append(t("status.open", lang, count=len(board.open_incidents())))
    if mine is not None:
        bar.append(sep)
        bar.append(f" {t('status.mine', lang, shown=mine[0], total=mine[1])} ",
                   style="bold black on cyan")
    bar.append(sep)
    bar.append(t("status.breached", lang, count=breached),
               style="bold white on red" if breached else "")
    return bar


class StatusBar(Static):
    """One line at the top; repainted only when its text changes."""

    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Text | None = None

    def show(self, bar: Text) -> None:
        """Show ``bar`` if it differs from what is shown."""
        if bar != self._shown:
            self._shown = bar
            self.update(bar)


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
