"""The login screen; on a fresh machine it creates the first account (a supervisor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from dispatch.desk.roles import Operator, Role
from dispatch.errors import DispatchError
from dispatch.operators import Accounts
from dispatch.tui.texts import account_error, t


class LoginScreen(Screen[None]):
    """Operator id and password (Accounts.login); the first run creates a supervisor.

    Args:
        accounts: The accounts of the console's log.
        lang: Language.
        on_login: Called with the operator once logged in.
        operator: Pre-filled operator id (``--operator``).
        console: This console's id (recorded with the login).
    """

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 64; height: auto; border: thick $accent; padding: 1 2; }
    LoginScreen #login-error { color: $error; }
    LoginScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", show=False)]

    def __init__(self, accounts: Accounts, lang: str, on_login: Callable[[Operator], None], *,
                 operator: str | None = None, console: str = "console") -> None:
        super().__init__()
        self.accounts = accounts
        self.lang = lang
        self.on_login = on_login
        self.operator = operator or ""
        self.console = console
        self.first = not accounts.list()

    def compose(self) -> ComposeResult:
        """The fields: id and password, or (first run) id, name, password twice."""
        lang = self.lang
        with Vertical():
            yield Label(Text(t("login.first" if self.first else "login.title", lang),
                             style="bold"))
            yield Input(self.operator, placeholder=t("login.id", lang), id="login-id")
            if self.first:
                yield Input(placeholder=t("login.name", lang), id="login-name")
            yield Input(placeholder=t("login.password", lang), password=True,
                        id="login-password")
            if self.first:
                yield Input(placeholder=t("login.repeat", lang), password=True,
                            id="login-repeat")
            yield Static("", id="login-error")
            yield Label(t("login.hint", lang), classes="hint")

    def on_mount(self) -> None:
        """Start in the first empty field."""
        field = "#login-password" if self.operator and not self.first else "#login-id"
        self.query_one(field, Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#login-{field}", Input).value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on; in the last field it logs in (creating the account first)."""
        event.stop()
        last = "login-repeat" if self.first else "login-password"
        if event.input.id != last:
            self.focus_next()
            return
        error = self.query_one("#login-error", Static)
        try:
            if self.first:
                if self._value("password") != self._value("repeat"):
                    error.update(t("login.mismatch", self.lang))
                    return
                self.accounts.add("setup", self._value("id").strip(), self._value("password"),
                                  Role.SUPERVISOR, self._value("name").strip())
                self.notify(t("login.created", self.lang, operator=self._value("id").strip()))
            who = self.accounts.login(self._value("id").strip(), self._value("password"),
                                      self.console)
        except DispatchError as exc:
            error.update(account_error(str(exc), self.lang))
            self.query_one("#login-password", Input).value = ""
            return
        self.on_login(who)
