"""The field unit's screen: a recipient desk's or crew's view of its orders.

It holds no logic of its own.  It draws what :class:`~dispatch.unit.client.UnitClient`
and its :class:`~dispatch.unit.store.UnitStore` hold, and turns keys into
:meth:`UnitClient.report` calls; whatever the client refuses is shown as a
notification.  The client's listeners run in the loop the App runs in, so they
update the widgets directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from dispatch.clock import parse_rfc3339
from dispatch.errors import DispatchError
from dispatch.model import format_stake
from dispatch.safe import safe_data, safe_text
from dispatch.timeline.labels import Labels
from dispatch.tui.prompts import Ask
from dispatch.unit.client import ReportRefused, UnitClient
from dispatch.unit.codes import status_from_code
from dispatch.unit.store import HeldOrder
from dispatch.unit.texts import kind_label, status_label, unit_text

#: The longest ETA the contract accepts (``eta_s`` ≤ 7 days), in minutes.
MAX_ETA_MIN = 7 * 24 * 60

COLUMNS = ("received", "incident", "kind", "priority", "place", "status")


class UnitApp(App[None]):
    """The field-unit screen.

    Args:
        client: The unit's client (its store is the unit's state).
        lang: ``"en"`` or ``"zh"``.
        unit_name: The unit's name from the map, if known.
        tz: Time zone for the times shown (default UTC).
        run_client: Start the client on mount and stop it on unmount.
        labels: Names for the order's ids (places, questions, advice) from the map and
            playbooks; without them the ids show.
        codes: The radio status-code scheme the crew may key in as digits (``fms``,
            ``tetra``; ``maps/status-codes.toml``), or ``None`` for letters only.
    """

    CSS = """
    #status { height: auto; background: $panel; padding: 0 1; }
    #orders { height: 45%; }
    #detail { height: 1fr; border-top: solid $primary; padding: 0 1; }
    #keys { dock: bottom; height: 1; background: $panel; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", show=False),
        Binding("d", "decline", show=False),
        Binding("e", "en_route", show=False),
        Binding("o", "on_scene", show=False),
        Binding("c", "cleared", show=False),
        Binding("q", "quit", show=False),
        *(Binding(str(n), f"code({n})", show=False) for n in range(10)),
    ]

    def __init__(self, client: UnitClient, lang: str = "en", *, unit_name: str | None = None,
                 tz: tzinfo | None = None, run_client: bool = True,
                 labels: Labels | None = None, codes: str | None = "fms") -> None:
        super().__init__()
        self.labels = labels
        self.codes = codes
        self.client = client
        self.lang = lang
        self.unit_name = unit_name
        self.tz = tz or UTC
        self.run_client = run_client
        self._closing = False
        self._status_shown: Text | None = None
        self.title = unit_text("title", lang, address=client.address)

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Status bar, orders table, detail pane, keys line."""
        yield Static(id="status")
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="detail"):
            yield Static(unit_text("detail.empty", self.lang), id="detail-text")
        yield Static(unit_text("keys", self.lang), id="keys")

    async def on_mount(self) -> None:
        """Show every held order once, listen to the client, then start it."""
        table = self.query_one("#orders", DataTable)
        for column in COLUMNS:
            table.add_column(unit_text(f"col.{column}", self.lang), key=column)
        for held in self.client.store.orders():
            self._show_row(held)
        self.client.listeners.append(self._on_order)
        self.client.link.listen(self._on_link)
        self._refresh_status()
        self._show_detail()
        table.focus()
        self.set_interval(0.5, self._refresh_status)
        if self.run_client:
            await self.client.start()

    async def on_unmount(self) -> None:
        """Stop listening and stop the client (unsent reports stay in the store)."""
        self._closing = True
        if self._on_order in self.client.listeners:
            self.client.listeners.remove(self._on_order)
        self.client.link.unlisten(self._on_link)
        if self.run_client:
            await self.client.stop()

    # -- drawing ------------------------------------------------------------------

    def t(self, key: str, **fields: Any) -> str:
        """A screen text in this screen's language."""
        return unit_text(key, self.lang, **fields)

    def _time(self, at: str | None, fmt: str = "%H:%M:%S") -> str:
        if not at:
            return self.t("none")
        return parse_rfc3339(at).astimezone(self.tz).strftime(fmt)

    @staticmethod
    def _place(payload: dict[str, Any]) -> str:
        loc = payload.get("location") or {}
        parts = [loc.get("road") or ""]
        if loc.get("km") is not None:
            parts.append(format_stake(loc["km"]))
        place = " ".join(p for p in parts if p)
        return place or (loc.get("text") or "")

    def _cells(self, held: HeldOrder) -> dict[str, Text]:
        payload = safe_data(held.payload)  # the console's text is the caller's: made safe
        return {
            "received": Text(self._time(held.received_at)),
            "incident": Text(safe_text(held.incident)),
            "kind": Text(kind_label(str(payload.get("kind", "")), self.lang)),
            "priority": Text(f"P{payload.get('priority', '?')}"),
            "place": Text(self._place(payload)),
            "status": Text(status_label(held.status, self.lang)),
        }

    def _show_row(self, held: HeldOrder) -> None:
        """Add the order's row, or update its cells if it is there already."""
        table = self.query_one("#orders", DataTable)
        cells = self._cells(held)
        if held.id in table.rows:
            for column, value in cells.items():
                table.update_cell(held.id, column, value, update_width=True)
        else:
            table.add_row(*(cells[c] for c in COLUMNS), key=held.id)

    def _update_row(self, held: HeldOrder) -> None:
        """Update an existing row's cells (never adds one)."""
        if held.id in self.query_one("#orders", DataTable).rows:
            self._show_row(held)
        if self.current_id() == held.id:
            self._show_detail()

    def status_text(self) -> Text:
        """The status bar: who we are, the broker link, reports still to go out."""
        link = self.client.link
        bar = Text(str(self.client.address), style="bold")
        if self.unit_name:
            bar.append(f"  {self.unit_name}")
        bar.append("  │  ")
        if link.up:
            bar.append(self.t("link.up"), style="bold green")
        else:
            since = link.since.astimezone(self.tz).strftime("%H:%M:%S")
            bar.append(self.t("link.down", since=since), style="bold red")
        bar.append("  │  ")
        waiting = len(self.client.store.unsent())
        bar.append(self.t("waiting", count=waiting), style="bold yellow" if waiting else "")
        return bar

    def _refresh_status(self) -> None:
        if self._closing:
            return
        bar = self.status_text()
        if bar != self._status_shown:  # the timer looks often; repaint only on change
            self._status_shown = bar
            self.query_one("#status", Static).update(bar)

    def detail_text(self, held: HeldOrder | None) -> Text:
        """Everything the crew needs about one order, the place and the caller first."""
        if held is None:
            return Text(self.t("detail.empty"))
        p = safe_data(held.payload)
        loc = p.get("location") or {}
        caller = p.get("caller") or {}
        none = self.t("none")
        out = Text()

        def line(*fields: tuple[str, object, str]) -> None:
            for n, (key, value, style) in enumerate(fields):
                out.append(("   " if n else "") + self.t(key) + self.t("colon"), style="bold")
                out.append(none if value in (None, "") else str(value), style=style)
            out.append("\n")

        stake = format_stake(loc["km"]) if loc.get("km") is not None else None
        position = None
        if loc.get("lat") is not None and loc.get("lon") is not None:
            position = f"{loc['lat']:.5f}, {loc['lon']:.5f}"
        status = status_label(held.status, self.lang)
        if held.status:
            status += f" ({self._time(held.status_at)})"
        names = self.labels
        if names is None:  # no playbooks at hand: the ids, as the order carries them
            answers = " · ".join(f"{q} = {self._value(v)}"
                                 for q, v in (p.get("answers") or {}).items())
        else:
            answers = " · ".join(names.question(q, self.lang) + self.t("colon")
                                 + names.answer(q, v, self.lang)
                                 for q, v in (p.get("answers") or {}).items())
        names = names or Labels()
        line(("detail.incident", safe_text(held.incident), "bold"),
             ("detail.kind", f"{kind_label(str(p.get('kind', '')), self.lang)} · "
                             f"P{p.get('priority', '?')}", ""),
             ("detail.status", status, ""))
        out.append(f"{self.t('detail.location')}\n", style="bold underline")
        line(("detail.road", loc.get("road"), "bold"), ("detail.stake", stake, "bold"),
             ("detail.direction", loc.get("direction"), ""))
        line(("detail.section", loc.get("section") and names.place(loc["section"], self.lang), ""),
             ("detail.jurisdiction", loc.get("jurisdiction")
              and names.place(loc["jurisdiction"], self.lang), ""))
        line(("detail.position", position, ""), ("detail.place_text", loc.get("text"), ""))
        line(("detail.summary", p.get("summary"), ""))
        line(("detail.caller", caller.get("name"), ""),
             ("detail.callback", caller.get("phone"), "bold"))
        line(("detail.answers", answers, ""))
        advice = p.get("advice_given") or []
        line(("detail.advice", ", ".join(advice) if self.labels is None else
              "; ".join(names.advice(a, self.lang, chars=24) for a in advice), ""))
        line(("detail.order", held.id, ""), ("detail.operator", p.get("operator"), ""))
        line(("detail.received_at", self._time(held.received_at, "%Y-%m-%d %H:%M:%S"), ""))
        out.rstrip()
        return out

    def _value(self, value: object) -> str:
        if isinstance(value, bool):
            return self.t("yes" if value else "no")
        return str(value)

    def current_id(self) -> str | None:
        """The highlighted order's id, if any."""
        table = self.query_one("#orders", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _current(self) -> HeldOrder | None:
        oid = self.current_id()
        held = self.client.store.order(oid) if oid else None
        if held is None:
            self.notify(self.t("notify.no_order"), severity="warning")
        return held

    def _show_detail(self) -> None:
        oid = self.current_id()
        held = self.client.store.order(oid) if oid else None
        self.query_one("#detail-text", Static).update(self.detail_text(held))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        """Show the highlighted order's detail."""
        self._show_detail()

    # -- what the client tells us -------------------------------------------------

    def _on_order(self, held: HeldOrder, new: bool) -> None:
        """An order arrived: a new one gets a row and a notification; a repeat only updates."""
        if self._closing:
            return
        if new:
            self._show_row(held)
            payload = safe_data(held.payload)
            self.notify(self.t("notify.new", incident=safe_text(held.incident),
                               kind=kind_label(str(payload.get("kind", "")), self.lang),
                               priority=payload.get("priority", "?"),
                               place=self._place(payload)),
                        severity="warning" if payload.get("priority") == 1 else "information",
                        timeout=10)
            if self.current_id() == held.id:
                self._show_detail()
        else:
            self._update_row(held)
        self._refresh_status()

    def _on_link(self, _up: bool, _at: datetime) -> None:
        self._refresh_status()

    # -- keys ---------------------------------------------------------------------

    def report(self, order_id: str, status: str, *, eta_s: int | None = None,
               note: str | None = None) -> bool:
        """Ask the client to report; show a refusal. Returns whether it was taken."""
        try:
            self.client.report(order_id, status, eta_s=eta_s, note=note)
        except (ReportRefused, ValueError) as exc:
            self.notify(self.t("notify.refused", reason=str(exc)), severity="error")
            return False
        held = self.client.store.order(order_id)
        if held is not None:
            self._update_row(held)
            self.notify(self.t("notify.sent", incident=held.incident,
                               status=status_label(status, self.lang)))
        self._refresh_status()
        return True

    def _step(self, status: str) -> None:
        held = self._current()
        if held is not None:
            self.report(held.id, status)

    def action_code(self, code: int) -> None:
        """A radio status code keyed in as a digit (FMS 3 en route, 4 on scene, …)."""
        if self.codes is None:
            return
        try:
            status = status_from_code(self.codes, int(code))
        except DispatchError as exc:
            self.notify(self.t("notify.refused", reason=str(exc)), severity="error")
            return
        if status is None:  # a code that moves no order (FMS 5: asks to speak)
            self.notify(self.t("code.noted", scheme=self.codes.upper(), code=code))
            return
        self._step(status)

    def action_accept(self) -> None:
        """Accept the highlighted order."""
        self._step("accepted")

    def action_on_scene(self) -> None:
        """Report arrival on scene."""
        self._step("on_scene")

    def action_cleared(self) -> None:
        """Report the job done."""
        self._step("cleared")

    def _may(self, held: HeldOrder, status: str) -> bool:
        """Whether the client's rules let ``status`` follow; if not, let it say why."""
        if status in self.client.allowed(held.id):
            return True
        self.report(held.id, status)  # refused without sending: shows the client's reason
        return False

    def action_decline(self) -> None:
        """Decline the highlighted order, asking for the reason."""
        held = self._current()
        if held is None or not self._may(held, "declined"):
            return
        self.push_screen(Ask(
            self.t("ask.decline", incident=held.incident),
            lambda reason: self.report(held.id, "declined", note=reason.strip()),
            hint=self.t("ask.keys"), placeholder=self.t("ask.decline_hint")))

    def action_en_route(self) -> None:
        """Report leaving for the scene, with an optional ETA in minutes."""
        held = self._current()
        if held is None or not self._may(held, "en_route"):
            return

        def submit(answer: str) -> bool:
            eta_s = None
            if answer.strip():
                try:
                    minutes = int(answer.strip())
                except ValueError:
                    minutes = -1
                if not 0 <= minutes <= MAX_ETA_MIN:
                    self.notify(self.t("eta.bad", max=MAX_ETA_MIN), severity="error")
                    return False
                eta_s = minutes * 60
            return self.report(held.id, "en_route", eta_s=eta_s)

        self.push_screen(Ask(self.t("ask.eta", incident=held.incident), submit,
                             hint=self.t("ask.keys"), placeholder=self.t("ask.eta_hint")))
