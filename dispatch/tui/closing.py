"""The floor's keys that finish or hand on an incident: resolve, close, reopen, merge,
cancel an order, a complaint's investigation and callback, a hand-over.

The desk decides each: these only ask the operator what the command needs
(a finding, a yes or no, who and why, which order) and send it.  Resolving or
closing with orders not cleared is refused by the desk
(:class:`~dispatch.errors.Outstanding`): the operator sees the orders and
confirms, and the desk cancels them (their recipients are told) and goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.errors import Outstanding
from dispatch.model import FINAL_STATES
from dispatch.tui.callers import recipient_label
from dispatch.tui.confirm import Confirm
from dispatch.tui.prompts import Ask, Form
from dispatch.tui.texts import label, t

if TYPE_CHECKING:
    from dispatch.tui.floor import FloorScreen

#: What a callback's "was the caller satisfied?" takes, in both languages.
YES, NO = ("yes", "y", "是"), ("no", "n", "否")


class ClosingActions:
    """Incident lifecycle actions of :class:`~dispatch.tui.floor.FloorScreen` (a mixin)."""

    def action_resolve(self: FloorScreen) -> None:
        """The job is done on the road (orders not cleared: confirm, and they are cancelled)."""
        if incident := self._incident():
            self.settle("resolve", incident)

    def action_close_incident(self: FloorScreen) -> None:
        """Close the incident (orders not cleared: confirm, and they are cancelled)."""
        if incident := self._incident():
            self.settle("close", incident)

    def settle(self: FloorScreen, step: str, incident: str) -> None:
        """Resolve or close (``step``); if the desk says orders are outstanding, list them
        and ask, then do it again cancelling them."""
        def run(cancel: bool) -> Any:
            if step == "resolve":
                return self.act(lambda by: self.desk.resolve(by, incident, cancel_orders=cancel),
                                outstanding=ask)
            return self.act(lambda by: self.desk.close(by, incident, cancel_orders=cancel),
                            outstanding=ask)

        def ask(refusal: Outstanding) -> None:
            orders = list(refusal.orders)
            lang = self.lang
            lines = [t("settle.order", lang, to=recipient_label(self.desk, o.to, lang),
                       state=label("order", o.state, lang)) for o in orders]

            def confirmed() -> None:
                if run(True) is not None:
                    self.notify(t(f"settled.{step}", lang, incident=incident,
                                  count=len(orders)))
            self.app.push_screen(Confirm(
                t(f"settle.ask.{step}", lang, incident=incident, count=len(orders)), lines,
                confirmed, hint=t(f"settle.keys.{step}", lang)))
        run(False)

    def action_cancel_order(self: FloorScreen) -> None:
        """Cancel one of the selected incident's outstanding orders, with a reason
        (supervisors: the desk decides); the recipient gets a ``cancel`` order."""
        incident = self._incident()
        inc = self.desk.board.incidents.get(incident or "")
        if incident is None or inc is None:
            return
        lang = self.lang
        orders = [o for o in inc.orders.values()
                  if o.kind != "cancel" and o.state not in FINAL_STATES]
        if not orders:
            self.notify(t("cancel.none", lang, incident=incident), severity="warning")
            return
        listing = "\n".join(
            t("cancel.line", lang, n=n, to=recipient_label(self.desk, o.to, lang),
              state=label("order", o.state, lang)) for n, o in enumerate(orders, 1))

        def submit(values: dict[str, str]) -> bool:
            chosen, reason = values["order"].strip(), values["reason"]
            order = next((o for n, o in enumerate(orders, 1)
                          if chosen in (str(n), o.to, o.id)), None)
            if order is None:
                self.notify(t("cancel.which", lang, count=len(orders)), severity="warning")
                return False
            if not reason:
                self.notify(t("cancel.why", lang), severity="warning")
                return False
            if self.act(lambda by: self.desk.cancel_order(by, incident, order.id,
                                                          reason)) is None:
                return False
            self.notify(t("cancelled", lang, incident=incident,
                          to=recipient_label(self.desk, order.to, lang)))
            return True

        self.app.push_screen(Form(
            t("cancel.title", lang, incident=incident) + "\n" + listing,
            [("order", t("cancel.order", lang, count=len(orders))),
             ("reason", t("cancel.reason", lang))],
            submit, hint=t("ask.keys", lang)))

    def action_reopen(self: FloorScreen) -> None:
        """Reopen a resolved or closed incident (supervisors)."""
        if incident := self._incident():
            self.act(lambda by: self.desk.reopen(by, incident))

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
        marked = self.marked
        if not marked:
            self.notify(t("merge_none", self.lang), severity="warning")
            return
        if self.act(lambda by: self.desk.merge(by, incident, [marked], "operator")):
            self.marked = None

    def action_investigation(self: FloorScreen) -> None:
        """Record what the unit complained about found (complaints)."""
        incident = self._incident()
        if incident is None:
            return

        def submit(text: str) -> bool:
            finding = text.strip()
            return bool(finding) and self.act(
                lambda by: self.desk.record_investigation(by, incident, finding)) is not None
        self.app.push_screen(Ask(t("ask.investigation", self.lang, incident=incident), submit,
                                 hint=t("ask.keys", self.lang)))

    def action_callback(self: FloorScreen) -> None:
        """Record the complainant's callback and satisfaction (complaints)."""
        incident = self._incident()
        if incident is None:
            return

        def submit(text: str) -> bool:
            answer = text.strip().lower()
            if answer not in YES + NO:  # "maybe": say what the desk can take
                self.notify(t("callback.expected", self.lang, answer=answer or "-"),
                            severity="warning")
                return False
            return self.act(lambda by: self.desk.record_callback(
                by, incident, answer in YES)) is not None
        self.app.push_screen(Ask(t("ask.callback", self.lang, incident=incident), submit,
                                 hint=t("ask.keys", self.lang)))

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
        present = sorted(f"{s.operator}@{s.seat}" for s in board.seats.values()
                         if s.present and s.operator and s.operator != me)

        def submit(values: dict[str, str]) -> bool:
            to, reason = values["to"], values["reason"]
            if not to or not reason:
                return False
            to = to.partition("@")[0]  # "bob@b" as the placeholder lists them
            if self.act(lambda by: self.desk.transfer(by, incident, to, reason)) is None:
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
