"""The floor's keys: each one becomes a desk command (or opens a view).

No dispatch logic here: the desk decides, checks the role and records the
event with the operator as actor.  The screen calls the desk through its
typed interface (:class:`~dispatch.desk.port.DeskPort`), one command per
key, through :meth:`FloorActions.act`: a
:class:`~dispatch.errors.DispatchError` it raises becomes a notification,
never a crash.  The keys themselves are in :mod:`dispatch.tui.keymap`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events
from textual.widgets import Input, Static

from dispatch.desk.roles import Operator
from dispatch.errors import (
    AmbiguousPlace,
    Changed,
    DeskError,
    DispatchError,
    Outstanding,
    Taken,
)
from dispatch.model import FINAL_STATES
from dispatch.tui.callers import call_label
from dispatch.tui.closing import ClosingActions
from dispatch.tui.confirm import Confirm
from dispatch.tui.drive import ReplayControl, control_of
from dispatch.tui.keymap import TYPING, keys_line
from dispatch.tui.looking import LookingActions
from dispatch.tui.prompts import CallForm
from dispatch.tui.queue import CallQueue
from dispatch.tui.refusals import refusal
from dispatch.tui.texts import kind_label, t

if TYPE_CHECKING:
    from dispatch.tui.floor import FloorScreen

R = TypeVar("R")


class FloorActions(ClosingActions, LookingActions):
    """Key actions of :class:`~dispatch.tui.floor.FloorScreen` (a mixin)."""

    # -- helpers --------------------------------------------------------------------

    @property
    def control(self: FloorScreen) -> ReplayControl | None:
        """The replay's controls, or ``None`` on a live floor."""
        return control_of(self.desk)

    def keys_text(self: FloorScreen) -> Text:
        """The keys line for the mode the floor is in (commands, replay, typing)."""
        focused = self.focused
        typing = focused.id if isinstance(focused, Input) and focused.id in TYPING else None
        width = self.size.width - 2 if self.size.width > 2 else None
        return keys_line(self.lang, self.operator, replay=self.control is not None,
                         typing=typing, width=width)

    def draw_keys(self: FloorScreen) -> None:
        """Redraw the keys line (focus moved, the screen was resized)."""
        self.query_one("#keys", Static).update(self.keys_text())

    def on_descendant_focus(self: FloorScreen, _event: events.DescendantFocus) -> None:
        """Focus moved: the keys line says which mode the floor is in now."""
        self.draw_keys()

    def on_descendant_blur(self: FloorScreen, _event: events.DescendantBlur) -> None:
        """Focus left a widget: the keys line follows."""
        self.draw_keys()

    def on_resize(self: FloorScreen, _event: events.Resize) -> None:
        """As many keys on the keys line as the width holds."""
        self.draw_keys()

    def act(self: FloorScreen, command: Callable[[Operator], R], *,
            outstanding: Callable[[Outstanding], object] | None = None) -> R | bool | None:
        """Run a desk command as the operator; a refusal becomes a notification.

        ``command`` is called with the operator, e.g.
        ``self.act(lambda by: self.desk.dispatch(by, incident))``.  When the desk
        answers that orders are outstanding (resolving, closing) and ``outstanding``
        is given, that is called with the refusal instead (to ask the operator).

        Another seat may have got there first (:class:`~dispatch.errors.Taken`) or
        changed the incident meanwhile (:class:`~dispatch.errors.Changed`): the
        desk has folded what won, so the floor is redrawn with it at once, and the
        message (one line) says who.

        Returns:
            What the command returned (``True`` for a command that returns nothing),
            or ``None`` when it was refused.
        """
        if self.read_only or self.operator is None:
            self.notify(t("read_only", self.lang), severity="warning")
            return None
        try:
            result = command(self.operator)
        except DispatchError as exc:
            if outstanding is not None and isinstance(exc, Outstanding):
                outstanding(exc)
                return None
            # One line in the console's language, whatever the message held.
            reason = refusal(exc, self.desk, self.lang, pii=self.pii)
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
            self.notify(t("refused", self.lang,
                          reason=refusal(exc, self.desk, self.lang, pii=self.pii)),
                        severity="warning")
            return None

    # -- a call -----------------------------------------------------------------------

    def action_answer(self: FloorScreen) -> None:
        """Answer the call marked in the queue (the most urgent unless the operator moved
        the mark) and open its incident; the board keeps the keys (``l`` corrects the place).

        If another seat took that call meanwhile, the desk refuses and the
        notification says who.
        """
        selected = self.query_one(CallQueue).selected
        if selected is None and not self.desk.board.ringing() and not self.read_only:
            self.notify(t("no_call", self.lang), severity="warning")
            return
        self._take(selected)

    def _take(self: FloorScreen, call_id: str | None) -> None:
        """Answer ``call_id``, open its incident, select it on the board."""
        call = self.act(lambda by: self.desk.answer(by, call_id))
        if not call or call is True:
            return
        opened = call.id
        incident = self.act(lambda by: self.desk.open_incident(by, opened))
        if not isinstance(incident, str):
            return
        self.table.select(incident)
        self.refresh_all()
        self.notify(t("answered", self.lang, incident=incident,
                      call=call_label(call, self.lang, self.pii, incident=False)))
        self.table.focus()

    def action_queue_up(self: FloorScreen) -> None:
        """Move the queue's mark one call up (towards the most urgent)."""
        self._move_mark(-1)

    def action_queue_down(self: FloorScreen) -> None:
        """Move the queue's mark one call down."""
        self._move_mark(1)

    def _move_mark(self: FloorScreen, step: int) -> None:
        queue = self.query_one(CallQueue)
        queue.show(self.desk, self.lang)  # the calls as they ring now
        if queue.move(step) is None:
            self.notify(t("no_call", self.lang), severity="warning")
            return
        queue.show(self.desk, self.lang)

    def action_type_call(self: FloorScreen) -> None:
        """Type in a call (the phone line, while the gateway cannot reach us): that caller
        is on the line, so the call is answered and its incident opened at once."""
        def submit(caller: dict[str, str], says: str, location: str | None) -> bool:
            call_id = self.act(lambda by: self.desk.receive_call(by, caller, says, location))
            if not isinstance(call_id, str):
                return False
            self._take(call_id)
            return True
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
        """Back to commands on the board; what was being typed is dropped, not recorded
        (the inputs serve whichever incident is selected next)."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id in TYPING:
            focused.value = ""
        self.table.focus()

    def action_playbook(self: FloorScreen, playbook: str | None = None) -> None:
        """Apply the suggested playbook (or the one named)."""
        incident = self._incident()
        if not incident:
            return
        kind = self.act(lambda by: self.desk.apply_playbook(by, incident, playbook))
        if isinstance(kind, str):
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

    def action_confirm_suggested(self: FloorScreen) -> None:
        """Record every answer the caller's words suggest (shown next to its question)."""
        incident = self._incident()
        if incident is None or self._guide(incident) is None:
            return
        done = self.act(lambda by: self.desk.confirm_suggested(by, incident))
        if done is None:
            return
        if isinstance(done, list) and done:
            self.notify(t("confirmed_suggested", self.lang, incident=incident, count=len(done)))
        else:
            self.notify(t("nothing_suggested", self.lang, incident=incident))
        self.draw_pane()

    def action_advice(self: FloorScreen) -> None:
        """Mark the highlighted advice item as read to the caller; highlight the next due."""
        incident = self._incident()
        guide = self._guide(incident) if incident else None
        if guide is None or incident is None:
            return
        from dispatch.tui.pane import IncidentPane

        pane = self.query_one(IncidentPane)
        given = self.desk.board.incidents[incident].advice
        if all(a.id in given for a in guide.advice):
            self.notify(t("advice_done", self.lang, incident=incident))
            return
        target = pane.advice_target(incident, guide, given)
        if target is None or target in given:  # moved onto one given already: the next due
            target = pane.advice_move(incident, guide, given, not_given=True)
        if target is not None and self.act(lambda by: self.desk.give_advice(by, incident, target)):
            pane.advice_move(incident, guide, self.desk.board.incidents[incident].advice,
                             not_given=True, start=target)
            self.draw_pane()

    def action_dispatch(self: FloorScreen) -> None:
        """Send every recommended order not yet sent."""
        incident = self._incident()
        if incident is None:
            return
        sent = self.act(lambda by: self.desk.dispatch(by, incident))
        if sent is None:
            return
        if isinstance(sent, list) and sent:
            self.notify(t("sent", self.lang, incident=incident, count=len(sent)))
        else:
            self.notify(t("nothing_to_send", self.lang, incident=incident))

    def action_priority(self: FloorScreen, level: int) -> None:
        """Set the priority (1 highest … 4)."""
        if incident := self._incident():
            self.act(lambda by: self.desk.set_priority(by, incident, int(level), "operator"))

    def action_hold(self: FloorScreen) -> None:
        """Show the hold phrase (again: back to the phrase of the moment)."""
        if incident := self._incident():
            self.hold.symmetric_difference_update({incident})
            self.draw_pane()

    def on_input_submitted(self: FloorScreen, event: Input.Submitted) -> None:
        """Enter in the pane's inputs: place, answer, note.

        What was typed goes to the desk; once it is recorded the keys are the
        board's again.  Enter on nothing records nothing (an empty answer is
        never "unknown": that is typed), and a refusal leaves the text to correct.
        """
        incident = self.current
        if incident is None:
            self.notify(t("no_incident", self.lang), severity="warning")
            self.table.focus()
            return
        value = event.value.strip()
        if not value and event.input.id in TYPING:
            self.notify(t(f"keys.empty.{event.input.id}", self.lang), severity="warning")
            return
        if event.input.id == "stake":
            place = self.act(lambda by: self._place(by, incident, value))
            if place and place is not True:
                self.notify(t("placed", self.lang, incident=incident,
                              place=" ".join(p for p in (place.road, place.stake) if p)))
                event.input.value = ""
                self.table.focus()
        elif event.input.id == "answer":
            self._answer(incident, event.input)
        elif event.input.id == "note":
            hits = self.act(lambda by: self.desk.note(by, incident, value))
            if hits is not None:
                event.input.value = ""
                if isinstance(hits, list) and hits:
                    self.notify(t("flagged", self.lang,
                                  phrases=", ".join(h.phrase for h in hits)), severity="warning")
                self.table.focus()

    def _place(self: FloorScreen, by: Operator, incident: str, value: str) -> Any:
        """Place from the location input; ``#n`` picks candidate n of the ambiguous words
        the pane listed (as typed, and again in the refusal)."""
        from dispatch.tui.pane import PICKS, IncidentPane

        pane = self.query_one(IncidentPane)
        if value.startswith("#"):
            pick = pane.candidate(value)
            if pick is None:
                raise DeskError(f"no candidate {value}").say("no_pick", n=len(pane.candidates))
            value = pick.pick
        try:
            return self.desk.set_location(by, incident, value)
        except AmbiguousPlace as exc:
            pane.candidates = list(exc.candidates[:PICKS])  # what #n picks from
            raise

    def _answer(self: FloorScreen, incident: str, field: Input) -> None:
        guide = self._guide(incident)
        if guide is None or not guide.questions:
            self.table.focus()
            return
        question = guide.questions[0]
        value = field.value.strip()
        if self.act(lambda by: self.desk.record_answer(by, incident, question.id,
                                                        value)) is None:
            return
        field.value = ""
        self.table.focus()  # the next question is the operator's i

    # -- quitting ---------------------------------------------------------------------------

    def open_work(self: FloorScreen) -> dict[str, int]:
        """What quitting would leave: open incidents (and the operator's), calls ringing,
        orders not yet cleared (nor declined nor cancelled)."""
        board = self.desk.board
        me = self.operator.id if self.operator else None
        incidents = board.open_incidents()
        orders = sum(1 for inc in board.incidents.values() for o in inc.orders.values()
                     if o.kind != "cancel" and o.state not in FINAL_STATES)
        return {"open": len(incidents), "mine": sum(1 for i in incidents if i.owner == me),
                "ringing": len(board.ringing()), "orders": orders}

    def action_quit_console(self: FloorScreen) -> None:
        """Quit the console (the app logs the operator out); with work open, ask first."""
        work = self.open_work()
        if self.read_only or not any(work.values()):
            self.app.exit()
            return
        lang = self.lang
        self.app.push_screen(Confirm(
            t("quit.ask", lang),
            [t("quit.open", lang, count=work["open"], mine=work["mine"]),
             t("quit.ringing", lang, count=work["ringing"]),
             t("quit.orders", lang, count=work["orders"])],
            self.app.exit, hint=t("quit.keys", lang)))
