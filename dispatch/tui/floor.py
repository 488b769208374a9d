"""The floor: status bar, mode banner, call queue, incident board, incident pane, alerts.

The floor listens to the desk: every event it folds is *queued* (the incident
ids it touches, and whether the queue, status or alerts changed) and applied
on a 100 ms timer in one batch, so a burst of reports costs one repaint.  A
one-second tick refreshes what time alone changes: the clock, waiting times,
ages and deadlines of the rows on screen.  Keys become desk commands in
:mod:`dispatch.tui.actions`.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from dispatch.desk import timers
from dispatch.desk.port import DeskPort
from dispatch.desk.roles import Operator
from dispatch.desk.timers import Deadline
from dispatch.model import Event, EventType
from dispatch.tui.actions import FloorActions
from dispatch.tui.board import IncidentBoard
from dispatch.tui.callers import call_label, recipient_label
from dispatch.tui.keymap import bindings
from dispatch.tui.pane import IncidentPane
from dispatch.tui.pane_parts import required_done
from dispatch.tui.queue import CallQueue
from dispatch.tui.status import StatusBar, banner_text, status_parts
from dispatch.tui.texts import label, t

#: Events that change the call queue, the status bar (a hand-over changes the count of
#: "mine") or the banner.  They come from every seat of the floor alike: the desk folds
#: the others' events (``follow``) and tells its listeners, so a call answered
#: elsewhere leaves this queue at the next flush.
QUEUE_EVENTS = {EventType.CALL_RECEIVED, EventType.CALL_ANSWERED, EventType.INCIDENT_OPENED,
                EventType.INCIDENT_TRANSFERRED}
ALERTS_SHOWN = 12
#: Seconds an alert stays highlighted in the alerts column.
ALERT_FRESH_S = 60


class FloorScreen(FloorActions, Screen[None]):
    """The operator's main screen.

    Args:
        desk: The desk (or a :class:`~dispatch.tui.drive.ReplayDesk`) to draw and drive.
        operator: Who is logged in (actor of every command).
        lang: ``"en"`` or ``"zh"``.
        tz: Time zone of the times shown.
        centre: The centre's name.
        read_only: Commands refused with a notice (replay).
        tag: Shown first on the status bar (``DRILL``).
        flush_s: Seconds between batched board updates.
        tick_s: Seconds between clock refreshes (``None``: only on demand, as in snapshots).
    """

    CSS = """
    FloorScreen { layout: vertical; }
    #banner { height: auto; padding: 0 1; display: none; }
    #log-fault { height: auto; padding: 0 1; display: none; background: $error;
                 color: $text; text-style: bold; }
    #log-fault.on { display: block; }
    #banner.outage { background: $error; color: $text; display: block; }
    #banner.peak { background: $warning; color: $background; display: block; }
    CallQueue { border-bottom: solid $primary; }
    #board { height: 1fr; min-height: 6; }
    #lower { height: 58%; min-height: 20; border-top: solid $primary; }
    #pane { width: 1fr; }
    #alerts { width: 26%; border-left: solid $primary; padding: 0 1; overflow: hidden; }
    #alerts .title { text-style: bold; }
    #keys { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap;
            text-overflow: ellipsis; overflow: hidden; }
    /* Notifications (command feedback only: alerts go to their column) stack over the
       alerts column, above the keys line, never over the pane's advice and orders. */
    ToastRack { max-height: 50%; scrollbar-size-vertical: 0; }
    Toast { width: 24%; max-width: 24%; padding: 0 1; margin-top: 1; }
    """

    #: Every key of the floor, from the one action table (:mod:`dispatch.tui.keymap`).
    BINDINGS: ClassVar[list[BindingType]] = list(bindings())

    def __init__(self, desk: DeskPort, operator: Operator | None, *, lang: str = "en",
                 tz: tzinfo = UTC, centre: str = "", read_only: bool = False, tag: str = "",
                 flush_s: float = 0.1, tick_s: float | None = 1.0, pii: bool = True) -> None:
        super().__init__()
        self.pii = pii
        self.desk = desk
        self.operator = operator
        self.lang = lang
        self.tz = tz
        self.centre = centre
        self.read_only = read_only
        self.tag = tag
        self.flush_s = flush_s
        self.tick_s = tick_s
        self.asked: dict[str, set[str]] = {}
        self.hold: set[str] = set()
        self.marked: str | None = None
        self.deadlines: list[Deadline] = []
        self.waiting: list[dict[str, Any]] = []
        self._dirty = True
        self._last_alert: Any = desk.board.alerts[-1] if desk.board.alerts else None
        self._pane_dirty = True
        names = {j.id: (j.names.zh if lang == "zh" else j.names.en) or j.id
                 for j in desk.roadmap.jurisdictions}
        self.table = IncidentBoard.load(desk.board, lang=lang, now=desk.clock.now, names=names,
                                        owner=True, me=operator.id if operator else None,
                                        id="board")

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Status, banner, queue, board, then the pane beside the alerts."""
        yield StatusBar(id="status")
        yield Static("", id="log-fault")
        yield Static("", id="banner")
        yield CallQueue(id="queue")
        yield self.table
        with Horizontal(id="lower"):
            yield IncidentPane(self.lang, pii=self.pii, id="pane")
            with Vertical(id="alerts"):
                yield Static(t("alerts.title", self.lang), id="alerts-title", classes="title")
                yield Static("", id="alert-lines")
        yield Static(self.keys_text(), id="keys")

    def on_mount(self) -> None:
        """Listen to the desk, draw everything once, start the timers."""
        self.desk.listeners.append(self._heard)
        self.desk.on_log_health(self._log_health)
        self.draw_alerts(announce=False)
        self.refresh_all()
        self.table.focus()
        self.set_interval(self.flush_s, self.flush)
        if self.tick_s:
            self.set_interval(self.tick_s, self.tick)
        if (control := self.control) is not None:
            self.set_interval(0.1, lambda: control.advance(0.1))

    def on_unmount(self) -> None:
        """Stop listening."""
        if self._heard in self.desk.listeners:
            self.desk.listeners.remove(self._heard)

    # -- what the desk tells us -----------------------------------------------------

    def _heard(self, event: Event) -> None:
        """Queue what an event touches; the next flush draws it (cheap: called per event)."""
        if event.incident:
            self.table.queue(event.incident)
            if event.incident == self.current:
                self._pane_dirty = True
        for other in event.data.get("merged") or ():
            self.table.queue(other)
        if event.type == EventType.MODE_CHANGED:
            self.waiting = list(event.data.get("waiting") or [])
        if event.type in QUEUE_EVENTS or event.type in (
                EventType.MODE_CHANGED, EventType.LINK_UP, EventType.LINK_DOWN,
                EventType.ORDER_SENT, EventType.ORDER_DELIVERED, EventType.DEADLINE_BREACHED):
            self._dirty = True
        if event.type == EventType.ORDER_STATUS and event.incident == self.current:
            self._pane_dirty = True

    def _log_health(self, _fault: Any) -> None:
        """The log stopped (or started again) taking writes: redraw on the next flush."""
        self._dirty = True

    def flush(self) -> None:
        """Apply everything queued since the last flush (the 100 ms timer)."""
        self.table.flush()
        if self._dirty:
            self._dirty = False
            self.draw_status()
            self.query_one(CallQueue).show(self.desk, self.lang)
        alerts = self.desk.board.alerts
        if (alerts[-1] if alerts else None) is not self._last_alert:
            self.draw_alerts()
        if self._pane_dirty:
            self.draw_pane()

    def tick(self) -> None:
        """What time alone changes: deadlines, the clock, waiting times, visible rows."""
        self._deadlines()
        self.table.set_deadlines(self.deadlines)
        self.table.queue_many(self.table.visible_ids())
        self._dirty = True
        self._pane_dirty = True
        self.flush()
        self.draw_alerts(announce=False)  # fresh alerts fade

    def _deadlines(self) -> None:
        self.deadlines = timers.running(self.desk)

    def refresh_all(self) -> None:
        """Draw every part now (after a command, and at mount)."""
        self._deadlines()
        self.table.set_deadlines(self.deadlines)
        self._dirty = True
        self._pane_dirty = True
        self.flush()

    # -- drawing ------------------------------------------------------------------

    @property
    def current(self) -> str | None:
        """The incident under the board's cursor."""
        return self.table.current()

    def draw_status(self) -> None:
        """The status bar and the mode banner."""
        breached = sum(1 for d in self.deadlines if d.breached)
        tag = self.tag
        if (control := self.control) is not None:
            tag = t("status.replay", self.lang,
                    state=t("replay.playing" if control.playing else "replay.paused",
                            self.lang),
                    speed=control.speed, position=control.position, total=control.total)
        fault = self.desk.log_fault
        state = fault.state if fault is not None else None
        mine = None
        if self.table.only is not None:
            mine = (self.table.row_count, len(self.desk.board.incidents))
        self.query_one(StatusBar).show(status_parts(
            self.desk, self.operator, self.lang, self.tz, centre=self.centre,
            breached=breached, tag=tag, log_state=state, mine=mine))
        alarm = self.query_one("#log-fault", Static)
        alarm.set_class(fault is not None, "on")
        alarm.update(t("log.fault", self.lang, state=t(f"status.log.{state}", self.lang),
                       detail=str(fault)) if fault is not None else "")
        banner = self.query_one("#banner", Static)
        text = banner_text(self.desk, self.lang, self.waiting)
        banner.set_classes(self.desk.board.mode if text is not None else "")
        banner.update(text or "")

    def alert_line(self, alert: Any) -> Text:
        """One alert as the operator reads it."""
        fields = dict(alert.text)
        if fields.get("to"):  # a recipient by its station's name (Chinese), not its address
            fields["to"] = recipient_label(self.desk, fields["to"], self.lang)
        if "deadline" in fields:
            fields["deadline"] = label("deadline", fields["deadline"], self.lang)
        if "mode" in fields:
            fields["mode"] = t(f"status.mode.{fields['mode']}", self.lang) \
                if fields["mode"] in ("normal", "peak", "outage") else fields["mode"]
        who = alert.incident or call_label(  # the caller, the place: never a call's uuid
            self.desk.board.calls.get(fields.get("call") or ""), self.lang, self.pii)
        key = f"alert.{alert.kind}"
        mine = self.is_mine(alert)
        if mine:
            key = "alert.yours"
        line = t(key, self.lang, incident=who, **fields) if key in TEXTS_KEYS else alert.kind
        style = "bold red" if mine or alert.kind in ("escalated", "breach", "declined") \
            else "yellow"
        return Text(f"{alert.at.astimezone(self.tz).strftime('%H:%M:%S')} {line}", style=style)

    def is_mine(self, alert: Any) -> bool:
        """An incident handed to the logged-in operator (from another owner)."""
        return (alert.kind == "transferred" and self.operator is not None
                and alert.text.get("to") == self.operator.id
                and alert.text.get("owner") != self.operator.id)

    def draw_alerts(self, *, announce: bool = True) -> None:
        """The latest alerts, newest first, the fresh ones highlighted (never modal).

        Alerts are not notifications: they stay in their column, so a burst of them
        never covers the pane.  Only an incident handed to this operator also pops up.
        """
        alerts = self.desk.board.alerts
        new = []
        for alert in reversed(alerts):  # the board keeps only the latest 200: walk back
            if alert is self._last_alert:
                break
            new.append(alert)
        new.reverse()
        self._last_alert = alerts[-1] if alerts else None
        now = self.desk.clock.now()
        out = Text()
        fresh = 0
        for alert in alerts[-ALERTS_SHOWN:][::-1]:
            line = self.alert_line(alert)
            if (now - alert.at).total_seconds() < ALERT_FRESH_S:
                fresh += 1
                line.stylize("reverse")
            out.append_text(line)
            out.append("\n")
        self.query_one("#alerts-title", Static).update(
            t("alerts.new", self.lang, count=fresh) if fresh else t("alerts.title", self.lang))
        self.query_one("#alert-lines", Static).update(out)
        if not announce:
            return
        for alert in new:
            if self.is_mine(alert):
                self.notify(self.alert_line(alert).plain, severity="warning", timeout=30)

    def phrase(self, incident: str | None) -> str:
        """The service phrase for the moment: greeting, hold, closing (apology in outage)."""
        service = self.desk.service
        inc = self.desk.board.incidents.get(incident or "")
        if service is None or inc is None:
            return ""
        if self.desk.board.mode == "outage":
            return service.phrase("apology", self.lang)
        if inc.id in self.hold:
            return service.phrase("hold", self.lang)
        wanted: set[str] = set()
        advised = True
        if inc.kind:
            try:
                guide = self.desk.guidance(inc.id, self.lang)
            except Exception:  # no guidance (a replay before the playbook): greet
                guide = None
            if guide is not None:
                wanted = {r.service.value for r in guide.services}
                advised = required_done(guide, inc.advice)
        if not inc.open or (inc.orders and wanted <= inc.services_sent() and advised):
            return service.phrase("closing", self.lang)
        return service.phrase("greeting", self.lang, centre=self.centre or "",
                              operator=self.operator.id if self.operator else "")

    def draw_pane(self) -> None:
        """The incident pane for the incident under the cursor."""
        self._pane_dirty = False
        current = self.current
        self.query_one(IncidentPane).show(
            self.desk, current, tz=self.tz, asked=self.asked.get(current or "", set()),
            phrase=self.phrase(current), deadlines=tuple(self.deadlines))

    def action_advice_next(self) -> None:
        """Move the advice banner's highlight to the next item (given or not)."""
        incident = self._incident()
        guide = self._guide(incident) if incident else None
        if guide is None or incident is None:
            return
        given = self.desk.board.incidents[incident].advice
        self.query_one(IncidentPane).advice_move(incident, guide, given, not_given=False)
        self.draw_pane()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Another incident selected: show it."""
        self.draw_pane()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Live feedback while typing: the parsed place, forbidden phrases."""
        pane = self.query_one(IncidentPane)
        if event.input.id == "stake":
            pane.parsed(self.desk, event.value)
        elif event.input.id == "note":
            pane.check_note(self.desk, event.value)


TEXTS_KEYS = {f"alert.{k}" for k in ("breach", "order_timeout", "escalated", "declined", "mode",
                                     "refused", "transferred", "yours")}
