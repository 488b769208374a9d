"""The floor's keys: each one becomes a desk command (or opens a view).

No dispatch logic here: the desk decides, checks the role and records the
event with the operator as actor.  A :class:`~dispatch.errors.DispatchError`
it raises becomes a notification, never a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from dispatch.errors import Changed, DispatchError, Taken
from dispatch.tui.callers import call_label
from dispatch.tui.prompts import Ask, CallForm, Form
from dispatch.tui.queue import CallQueue
from dispatch.tui.texts import kind_label, t

if TYPE_CHECKING:
    from dispatch.tui.floor import FloorScreen

#: (action, key, help text key or English) for the command palette: every action of the floor.
ACTIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("answer", "a", {"en": "Answer the oldest call", "zh": "接听最早来电"}),
    ("type_call", "c", {"en": "Type in a call", "zh": "人工录入来电"}),
    ("focus_location", "l", {"en": "Set the location", "zh": "输入位置"}),
    ("playbook", "p", {"en": "Apply the suggested playbook", "zh": "采用建议预案"}),
    ("ask", "i", {"en": "Ask the next question", "zh": "询问下一项"}),
    ("advice", "g", {"en": "Mark the safety advice given", "zh": "标记安全提示已告知"}),
    ("dispatch", "d", {"en": "Send the recommended orders", "zh": "派出建议派单"}),
    ("priority(1)", "1", {"en": "Priority 1", "zh": "优先级 1"}),
    ("priority(2)", "2", {"en": "Priority 2", "zh": "优先级 2"}),
    ("priority(3)", "3", {"en": "Priority 3", "zh": "优先级 3"}),
    ("priority(4)", "4", {"en": "Priority 4", "zh": "优先级 4"}),
    ("focus_note", "n", {"en": "Write a note", "zh": "写备注"}),
    ("hold", "h", {"en": "Hold phrase", "zh": "请稍候话术"}),
    ("resolve", "r", {"en": "Resolve the incident", "zh": "处置完毕"}),
    ("close_incident", "x", {"en": "Close the incident", "zh": "关闭事件"}),
    ("reopen", "o", {"en": "Reopen the incident", "zh": "重新打开事件"}),
    ("mark", "u", {"en": "Mark for merging", "zh": "标记待合并"}),
    ("merge", "M", {"en": "Merge the marked incident into this one",
                    "zh": "将标记事件并入当前事件"}),
    ("investigation", "v", {"en": "Record the complaint's investigation", "zh": "记录投诉调查"}),
    ("callback", "b", {"en": "Record the complaint's callback", "zh": "记录投诉回访"}),
    ("timeline", "t", {"en": "Timeline", "zh": "时间线"}),
    ("map", "m", {"en": "Map", "zh": "地图"}),
    ("kpi", "k", {"en": "Key figures", "zh": "关键指标"}),
    ("sort", "s", {"en": "Sort the board by priority", "zh": "按优先级排序"}),
    ("mine", "w", {"en": "Board: only my incidents / every incident",
                   "zh": "事件列表：仅我负责的 / 全部"}),
    ("transfer", "T", {"en": "Hand the incident to another operator", "zh": "移交事件"}),
    ("seats", "f", {"en": "The floor: every seat (supervisors)", "zh": "席位总览（值班长）"}),
    ("help", "F1", {"en": "Help: every key", "zh": "帮助：全部按键"}),
    ("play", "space", {"en": "Replay: play or pause", "zh": "回放：播放或暂停"}),
    ("step", ".", {"en": "Replay: one step", "zh": "回放：单步"}),
    ("faster", "+", {"en": "Replay: faster", "zh": "回放：加速"}),
    ("slower", "-", {"en": "Replay: slower", "zh": "回放：减速"}),
    ("quit_console", "q", {"en": "Quit", "zh": "退出"}),
)


class FloorActions:
    """Key actions of :class:`~dispatch.tui.floor.FloorScreen` (a mixin)."""

    # -- helpers --------------------------------------------------------------------

    def act(self: FloorScreen, command: str, *args: Any, **kwargs: Any) -> Any:
        """Run a desk command as the operator; a refusal becomes a notification.

        Another seat may have got there first (:class:`~dispatch.errors.Taken`) or
        changed the incident meanwhile (:class:`~dispatch.errors.Changed`): the
        desk has folded what won, so the floor is redrawn with it at once, and the
        message (one line) says who.

        Returns:
            What the command returned, or ``None`` when it was refused.
        """
        if self.read_only or self.operator is None:
            self.notify(t("read_only", self.lang), severity="warning")
            return None
        try:
            result = getattr(self.desk, command)(self.operator, *args, **kwargs)
        except DispatchError as exc:
            reason = " ".join(str(exc).split())  # one line, whatever the message held
            self.notify(t("refused", self.lang, reason=reason), severity="error")
            if isinstance(exc, Taken | Changed):
                self.refresh_all()
            return None
        self.refresh_all()
        return result if result is not None else True

    def _incident(self: FloorScreen) -> str | None:
        current = self.current
        if current is None:
            self.notify(t("no_incident", self.lang), severity="warning")
        return current

    def _guide(self: FloorScreen, incident: str) -> Any:
        try:
            return self.desk.guidance(incident, self.lang)
        except DispatchError as exc:
            self.notify(t("refused", self.lang, reason=str(exc)), severity="warning")
            return None

    # -- a call -----------------------------------------------------------------------

    def action_answer(self: FloorScreen) -> None:
        """Answer the oldest ringing call, open its incident, go to its location.

        The call meant is the oldest the queue shows: if another seat took it
        meanwhile, the desk refuses and the notification says who.
        """
        shown = self.query_one(CallQueue).first
        if shown is None and not self.desk.board.ringing() and not self.read_only:
            self.notify(t("no_call", self.lang), severity="warning")
            return
        call = self.act("answer", shown)
        if call is None:
            return
        incident = self.act("open_incident", call.id)
        if incident is None:
            return
        self.table.select(incident)
        self.refresh_all()
        self.notify(t("answered", self.lang, incident=incident,
                      call=call_label(call, self.lang, self.pii, incident=False)))
        self.query_one("#stake", Input).focus()

    def action_type_call(self: FloorScreen) -> None:
        """Type in a call (the phone line, while the gateway cannot reach us)."""
        def submit(caller: dict[str, str], says: str, location: str | None) -> bool:
            return self.act("receive_call", caller, says, location) is not None
        self.app.push_screen(CallForm(submit, self.lang))

    def action_focus_location(self: FloorScreen) -> None:
        """Type the location of the selected incident."""
        if self._incident():
            self.query_one("#stake", Input).focus()

    def action_focus_note(self: FloorScreen) -> None:
        """Write a note on the selected incident."""
        if self._incident():
            self.query_one("#note", Input).focus()

    def action_to_board(self: FloorScreen) -> None:
        """Back to the board."""
        self.table.focus()

    def action_playbook(self: FloorScreen, playbook: str | None = None) -> None:
        """Apply the suggested playbook (or the one named)."""
        incident = self._incident()
        if incident and (kind := self.act("apply_playbook", incident, playbook)):
            self.notify(t("playbook_applied", self.lang, incident=incident,
                          playbook=kind_label(kind, self.lang)))

    def action_ask(self: FloorScreen) -> None:
        """Ask the next question: it shows what the caller says (drills), focus the answer."""
        incident = self._incident()
        guide = self._guide(incident) if incident else None
        if guide is None or incident is None:
            return
        if not guide.questions:
            self.notify(t("no_question", self.lang, incident=incident))
            return
        self.asked.setdefault(incident, set()).add(guide.questions[0].id)
        self.draw_pane()
        self.query_one("#answer", Input).focus()

    def action_advice(self: FloorScreen) -> None:
        """Mark the advice on the banner as read to the caller."""
        incident = self._incident()
        guide = self._guide(incident) if incident else None
        if guide is None or incident is None:
            return
        given = self.desk.board.incidents[incident].advice
        due = [a for a in guide.advice if a.id not in given]
        if not due:
            self.notify(t("advice_done", self.lang, incident=incident))
            return
        self.act("give_advice", incident, due[0].id)

    def action_dispatch(self: FloorScreen) -> None:
        """Send every recommended order not yet sent."""
        incident = self._incident()
        if incident is None:
            return
        sent = self.act("dispatch", incident)
        if sent is True or sent == []:
            self.notify(t("nothing_to_send", self.lang, incident=incident))
        elif sent:
            self.notify(t("sent", self.lang, incident=incident, count=len(sent)))

    def action_priority(self: FloorScreen, level: int) -> None:
        """Set the priority (1 highest … 4)."""
        if incident := self._incident():
            self.act("set_priority", incident, int(level), "operator")

    def action_hold(self: FloorScreen) -> None:
        """Show the hold phrase (again: back to the phrase of the moment)."""
        if incident := self._incident():
            self.hold.symmetric_difference_update({incident})
            self.draw_pane()

    def action_resolve(self: FloorScreen) -> None:
        """The job is done on the road."""
        if incident := self._incident():
            self.act("resolve", incident)

    def action_close_incident(self: FloorScreen) -> None:
        """Close the incident."""
        if incident := self._incident():
            self.act("close", incident)

    def action_reopen(self: FloorScreen) -> None:
        """Reopen a resolved or closed incident (supervisors)."""
        if incident := self._incident():
            self.act("reopen", incident)

    def action_mark(self: FloorScreen) -> None:
        """Mark the incident to merge it into another."""
        if incident := self._incident():
            self.marked = incident
            self.notify(t("merge_marked", self.lang, incident=incident))

    def action_merge(self: FloorScreen) -> None:
        """Merge the marked incident into the selected one."""
        incident = self._incident()
        if incident is None:
            return
        if not self.marked:
            self.notify(t("merge_none", self.lang), severity="warning")
            return
        if self.act("merge", incident, [self.marked], "operator"):
            self.marked = None

    def action_investigation(self: FloorScreen) -> None:
        """Record what the unit complained about found (complaints)."""
        if incident := self._incident():
            self.app.push_screen(Ask(
                t("ask.investigation", self.lang, incident=incident),
                lambda text: bool(text.strip()) and self.act(
                    "record_investigation", incident, text.strip()) is not None,
                hint=t("ask.keys", self.lang)))

    def action_callback(self: FloorScreen) -> None:
        """Record the complainant's callback and satisfaction (complaints)."""
        incident = self._incident()
        if incident is None:
            return

        def submit(text: str) -> bool:
            answer = text.strip().lower()
            if answer not in ("yes", "y", "no", "n", "是", "否"):
                return False
            return self.act("record_callback", incident, answer in ("yes", "y", "是")) \
                is not None
        self.app.push_screen(Ask(t("ask.callback", self.lang, incident=incident), submit,
                                 hint=t("ask.keys", self.lang)))

    def on_input_submitted(self: FloorScreen, event: Input.Submitted) -> None:
        """Enter in the pane's inputs: place, answer, note."""
        incident = self.current
        if incident is None:
            self.notify(t("no_incident", self.lang), severity="warning")
            return
        value = event.value.strip()
        if event.input.id == "stake" and value:
            place = self.act("set_location", incident, value)
            if place:
                self.notify(t("placed", self.lang, incident=incident,
                              place=" ".join(p for p in (place.road, place.stake) if p)))
                event.input.value = ""
                self.table.focus()
        elif event.input.id == "answer":
            self._answer(incident, event.input)
        elif event.input.id == "note" and value:
            hits = self.act("note", incident, value)
            if hits is not None:
                event.input.value = ""
                if isinstance(hits, list) and hits:
                    self.notify(t("flagged", self.lang,
                                  phrases=", ".join(h.phrase for h in hits)), severity="warning")
                self.table.focus()

    def _answer(self: FloorScreen, incident: str, field: Input) -> None:
        guide = self._guide(incident)
        if guide is None or not guide.questions:
            self.table.focus()
            return
        question = guide.questions[0]
        if self.act("record_answer", incident, question.id, field.value.strip()) is None:
            return
        field.value = ""
        following = self._guide(incident)
        if following is not None and following.questions:
            # The operator goes on asking: the next question is asked as the field clears.
            self.asked.setdefault(incident, set()).add(following.questions[0].id)
            self.draw_pane()
        else:
            self.table.focus()

    # -- views and the rest ----------------------------------------------------------------

    def action_timeline(self: FloorScreen) -> None:
        """The incident's timeline."""
        from dispatch.tui.views.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.desk, self.current, self.lang, self.tz,
                                            pii=self.pii))

    def action_map(self: FloorScreen) -> None:
        """The map, centred on the incident."""
        from dispatch.tui.views.map import MapScreen

        self.app.push_screen(MapScreen(self.desk, self.current, self.lang))

    def action_kpi(self: FloorScreen) -> None:
        """Key figures."""
        from dispatch.tui.views.kpi import KpiScreen

        self.app.push_screen(KpiScreen(self.desk, self.lang))

    def action_help(self: FloorScreen) -> None:
        """Every key."""
        from dispatch.tui.views.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

    def action_mine(self: FloorScreen) -> None:
        """The board: only the logged-in operator's incidents, or every incident."""
        if self.operator is None:
            self.notify(t("no_operator", self.lang), severity="warning")
            return
        only = None if self.table.only is not None else self.operator.id
        self.table.only_owned_by(only)
        self.refresh_all()
        self.notify(t("board.mine", self.lang, operator=self.operator.id) if only
                    else t("board.all", self.lang))

    def action_transfer(self: FloorScreen) -> None:
        """Hand the selected incident to another operator on the floor (who, and why).

        The desk decides: the owner may hand it on, a supervisor may take it over
        (their own id as the operator).
        """
        incident = self._incident()
        if incident is None:
            return
        board = self.desk.board
        inc = board.incidents.get(incident)
        me = self.operator.id if self.operator else None
        present = sorted(f"{s.operator}@{s.seat}" for s in getattr(board, "seats", {}).values()
                         if s.present and s.operator and s.operator != me)

        def submit(values: dict[str, str]) -> bool:
            to, reason = values["to"], values["reason"]
            if not to or not reason:
                return False
            to = to.partition("@")[0]  # "bob@b" as the placeholder lists them
            if self.act("transfer", incident, to, reason) is None:
                return False
            if to != me:  # taking it over: the alert says so
                self.notify(t("transferred", self.lang, incident=incident, to=to))
            return True

        self.app.push_screen(Form(
            t("ask.transfer", self.lang, incident=incident,
              owner=(inc.owner if inc else None) or "-"),
            [("to", t("ask.transfer.to", self.lang, present=", ".join(present[:8]) or "-")),
             ("reason", t("ask.transfer.reason", self.lang))],
            submit, hint=t("ask.keys", self.lang)))

    def action_seats(self: FloorScreen) -> None:
        """The floor: every seat, who sits there, doing what for how long (supervisors)."""
        from dispatch.tui.views.seats import SeatsScreen

        self.app.push_screen(SeatsScreen(self.desk, self.lang, tick_s=self.tick_s))

    def action_sort(self: FloorScreen) -> None:
        """Sort the board by priority."""
        self.table.flush()
        self.table.sort_by_priority()

    def action_play(self: FloorScreen) -> None:
        """Replay: play or pause."""
        if hasattr(self.desk, "advance"):
            self.desk.playing = not self.desk.playing and not self.desk.replay.done
            self.refresh_all()

    def action_step(self: FloorScreen) -> None:
        """Replay: apply one event."""
        if hasattr(self.desk, "step"):
            self.desk.playing = False
            self.desk.step()
            self.refresh_all()

    def action_faster(self: FloorScreen) -> None:
        """Replay: twice as fast."""
        if hasattr(self.desk, "advance"):
            self.desk.speed = min(self.desk.speed * 2, 1024)
            self.refresh_all()

    def action_slower(self: FloorScreen) -> None:
        """Replay: half as fast."""
        if hasattr(self.desk, "advance"):
            self.desk.speed = max(self.desk.speed / 2, 0.25)
            self.refresh_all()

    def action_quit_console(self: FloorScreen) -> None:
        """Quit the console (the app logs the operator out)."""
        self.app.exit()
