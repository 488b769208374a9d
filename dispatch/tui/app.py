"""The operator console: login, then the floor, over a live desk, a drill or a replay.

The app holds no dispatch logic.  It starts what the session needs in its own
event loop (the embedded broker, the desk, the demo floor, or the drill
runner), shows the login screen (skipped in the demo, drills and replays),
then the floor, and stops everything when it quits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Static

from dispatch.desk import Desk
from dispatch.desk.roles import Operator, Role
from dispatch.errors import DispatchError
from dispatch.operators import Accounts
from dispatch.tui.floor import FloorScreen
from dispatch.tui.login import LoginScreen
from dispatch.tui.palette import FloorCommands
from dispatch.tui.texts import t

log = logging.getLogger(__name__)

#: Textual's system commands by their English title → the key of their texts.
SYSTEM_COMMANDS = {"Theme": "system.theme", "Quit": "system.quit", "Keys": "system.keys",
                   "Maximize": "system.maximize", "Minimize": "system.minimize",
                   "Screenshot": "system.screenshot"}


class ConsoleApp(App[int]):
    """The dispatch console.

    Args:
        desk: What the floor draws and drives (``None`` for a drill until it starts).
        lang: ``"en"`` or ``"zh"``.
        tz: Time zone of the times shown.
        centre: The centre's name (status bar, greeting).
        operator: Who works (skips the login screen).
        accounts: Operator accounts for the login screen.
        operator_hint: Pre-filled operator id on the login screen.
        session: A :class:`~dispatch.tui.session.Session` to start and stop with the app.
        read_only: A replay: commands are refused with a notice.
        tag: Shown first on the status bar.
        tick_s: Seconds between clock refreshes (``None``: none, for snapshots).
        pii: Show callers' numbers in full (the operator's callback number); a replay
            masks them unless ``--pii`` was authorised.
    """

    TITLE = "Dispatch console"
    # The bilingual keys line every view ends with, where a Footer would be.
    CSS = ".keys { dock: bottom; height: 1; background: $panel; padding: 0 1; }"
    COMMANDS: ClassVar = App.COMMANDS | {FloorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", show=False)]

    def __init__(self, desk: Any = None, *, lang: str = "en", tz: tzinfo = UTC,
                 centre: str = "", operator: Operator | None = None,
                 accounts: Accounts | None = None, operator_hint: str | None = None,
                 session: Any = None, read_only: bool = False, tag: str = "",
                 tick_s: float | None = 1.0, pii: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self.pii = pii
        self.lang = lang
        self.tz = tz
        self.centre = centre
        self.operator = operator
        self.accounts = accounts
        self.operator_hint = operator_hint
        self.session = session
        self.read_only = read_only
        self.tag = tag
        self.tick_s = tick_s
        self.failure: str | None = None
        self.runner: Any = None
        self.drill_report: dict[str, Any] | None = None
        self.logged_in = False
        self.title = t("title", lang)

    # -- the command palette in the console's language ------------------------------

    def action_command_palette(self) -> None:
        """Open the command palette, its search line in the console's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=t("palette.placeholder", self.lang)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, quit, keys…), named in the console's language."""
        for command in super().get_system_commands(screen):
            key = SYSTEM_COMMANDS.get(command.title)
            if key is None:  # a command Textual added later: better in English than lost
                yield command
                continue
            yield SystemCommand(t(key, self.lang), t(f"{key}.help", self.lang),
                                command.callback, command.discover)

    # -- drills ---------------------------------------------------------------------

    def trainee(self, autopilot: bool = False) -> Any:
        """The drill runner's ``pilot`` factory: the floor opens when the drill starts."""
        from dispatch.tui.drive import TraineeHook

        return lambda desk: TraineeHook(desk, self.show_floor, autopilot=autopilot)

    def drill(self, scenario: Any, config: Any, db: Path, *, speed: float = 1.0,
              autopilot: bool = False, grace_s: float = 900, pii: bool = False) -> Any:
        """Set up a drill to run when the app starts (the trainee is the operator)."""
        from dispatch.drill.runner import DrillRunner

        self.tag = self.tag or t("status.drill", self.lang)
        self.runner = DrillRunner(scenario, config, db, speed=speed, autopilot=False,
                                  pilot=self.trainee(autopilot), grace_s=grace_s, pii=pii)
        return self.runner

    async def _run_drill(self) -> None:
        try:
            result = await self.runner.run()
        except DispatchError as exc:
            self.failure = str(exc)
            self.exit(1)
            return
        self.drill_report = result.report
        floor = self.floor
        if floor is not None:
            floor.read_only = True
            floor.refresh_all()
        from dispatch.timeline.labels import Labels
        from dispatch.tui.views.score import ScoreScreen

        self.notify(t("drill_over", self.lang))
        await self.push_screen(ScoreScreen(result.report, self.lang, Labels.of(self.desk)))

    # -- lifecycle ------------------------------------------------------------------

    async def on_mount(self) -> None:
        """Start the session or drill, then log in or go straight to the floor."""
        if self.session is not None and not self.session.started:
            try:
                await self.session.start()
            except DispatchError as exc:  # e.g. the broker's port was taken meanwhile
                self.failure = str(exc)
                self.exit(1)
                return
        if self.runner is not None:
            await self.push_screen(WaitingScreen(t("drill.waiting", self.lang)))
            self.run_worker(self._run_drill(), name="drill", exit_on_error=True)
        elif self.operator is not None or self.read_only:
            self.show_floor(self.desk)
        elif self.accounts is not None:
            await self.push_screen(LoginScreen(self.accounts, self.lang, self._logged_in,
                                               operator=self.operator_hint))

    def _logged_in(self, operator: Operator) -> None:
        self.operator = operator
        self.logged_in = True
        self.show_floor(self.desk)

    def show_floor(self, desk: Desk | Any = None) -> None:
        """Open the floor over ``desk`` (replacing the login or waiting screen)."""
        self.desk = desk or self.desk
        if self.runner is not None and self.operator is None:
            self.operator = Operator("trainee", Role.OPERATOR)
        self._join()
        floor = FloorScreen(self.desk, self.operator, lang=self.lang, tz=self.tz,
                            centre=self.centre, read_only=self.read_only, tag=self.tag,
                            tick_s=self.tick_s, pii=self.pii)
        if len(self.screen_stack) > 1:
            self.switch_screen(floor)
        else:
            self.push_screen(floor)

    def _join(self) -> None:
        """Say on the floor who sits at this seat (``seat_joined`` with the operator):
        the other seats' floor views and hand-overs need it.  A desk without a seat
        (a drill's, a replay) records nothing; a log that takes no writes now is
        shown on the status bar, never a reason not to open the floor."""
        desk, operator = self.desk, self.operator
        if self.read_only or operator is None or desk is None or not desk.seat:
            return
        try:
            desk.join(operator)
        except DispatchError:
            log.warning("could not record %s at seat %s", operator.id, desk.seat, exc_info=True)

    @property
    def floor(self) -> FloorScreen | None:
        """The floor, if open."""
        return next((s for s in self.screen_stack if isinstance(s, FloorScreen)), None)

    async def on_unmount(self) -> None:
        """Log out and stop what the session started."""
        if self.logged_in and self.accounts is not None and self.operator is not None:
            try:
                self.accounts.logout(self.operator)
            except Exception:  # the log may be gone already; never block quitting
                log.exception("logout failed")
        if self.session is not None:
            await self.session.stop()


class WaitingScreen(Screen[None]):
    """One line while a drill starts (its broker, recipients and first call)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        """The line."""
        yield Static(self.text)
