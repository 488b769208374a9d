"""The floor's keys that finish or hand on an incident: resolve, close, reopen, merge, a
complaint's investigation and callback, a hand-over.

The desk decides each: these only ask the operator what the command needs
(a finding, a yes or no, who and why) and send it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.tui.prompts import Ask, Form
from dispatch.tui.texts import t

if TYPE_CHECKING:
    from dispatch.tui.floor import FloorScreen

#: What a callback's "was the caller satisfied?" takes, in both languages.
YES, NO = ("yes", "y", "是"), ("no", "n", "否")


class ClosingActions:
    """Incident lifecycle actions of :class:`~dispatch.tui.floor.FloorScreen` (a mixin)."""

    def action_resolve(self: FloorScreen) -> None:
        """The job is done on the road."""
        if incident := self._incident():
            self.act(lambda by: self.desk.resolve(by, incident))

    def action_close_incident(self: FloorScreen) -> None:
        """Close the incident."""
        if incident := self._incident():
            self.act(lambda by: self.desk.close(by, incident))

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
            if answer not in YES + NO:
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
