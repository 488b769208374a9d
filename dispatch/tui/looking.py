"""The floor's keys that only look: the views, the board's order and filter, a replay's
controls.  Nothing here is a desk command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.tui.texts import t

if TYPE_CHECKING:
    from dispatch.tui.floor import FloorScreen


class LookingActions:
    """Views, board and replay actions of :class:`~dispatch.tui.floor.FloorScreen`
    (a mixin)."""

    # -- views ------------------------------------------------------------------------------

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

    def action_seats(self: FloorScreen) -> None:
        """The floor: every seat, who sits there, doing what for how long (supervisors)."""
        from dispatch.tui.views.seats import SeatsScreen

        self.app.push_screen(SeatsScreen(self.desk, self.lang, tick_s=self.tick_s))

    # -- the board --------------------------------------------------------------------------

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

    def action_sort(self: FloorScreen) -> None:
        """Sort the board by priority."""
        self.table.flush()
        self.table.sort_by_priority()

    # -- a replay's controls (nothing on a live floor) -------------------------------------

    def action_play(self: FloorScreen) -> None:
        """Replay: play or pause."""
        if (control := self.control) is not None:
            control.play_pause()
            self.refresh_all()

    def action_step(self: FloorScreen) -> None:
        """Replay: apply one event."""
        if (control := self.control) is not None:
            control.playing = False
            control.step()
            self.refresh_all()

    def action_faster(self: FloorScreen) -> None:
        """Replay: twice as fast."""
        if (control := self.control) is not None:
            control.faster()
            self.refresh_all()

    def action_slower(self: FloorScreen) -> None:
        """Replay: half as fast."""
        if (control := self.control) is not None:
            control.slower()
            self.refresh_all()
