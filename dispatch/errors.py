"""The one exception hierarchy of the package.

Every error a user can cause (a bad configuration file, a broken playbook, an
unknown road) is a :class:`DispatchError` subclass whose ``str()`` is a
readable one-line message.  The command line turns it into that line and an
exit status; it never shows a traceback for these.
"""

from __future__ import annotations

from typing import Any, Self


class DispatchError(Exception):
    """Base class of every error the package raises on purpose.

    Attributes:
        key: A text key a screen shows the error in its language with (``None``: the
            English message is all there is); see :meth:`say`.
        fields: The values that text is filled in with.
    """

    exit_code: int = 1
    key: str | None = None
    fields: dict[str, Any] = {}  # noqa: RUF012 - replaced per instance by say()

    def say(self, key: str, **fields: Any) -> Self:
        """Name the text that says this error to a person (``error.<key>`` of a screen's
        texts), with its fields; the English message stays for logs and the CLI."""
        self.key, self.fields = key, fields
        return self


class ConfigError(DispatchError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


class TimelineError(DispatchError):
    """The event log cannot be opened, is of another kind, or refuses a write."""


class LogUnwritable(TimelineError):
    """The log cannot take a write now: nothing of that write was recorded.

    ``state`` names the condition for the status bar (``full``, ``read_only``).
    The caller keeps what it wanted to write (an inbound message stays
    unacknowledged, a command is refused) and the log recovers by itself.
    """

    state = "unwritable"


class LogFull(LogUnwritable):
    """The file system that holds the log is full."""

    state = "full"


class LogReadOnly(LogUnwritable):
    """The log or its folder is not writable (permissions, a read-only mount)."""

    state = "read_only"


class LogBusy(LogUnwritable):
    """Another writer held the log's lock for longer than the busy timeout."""

    state = "busy"


class LogConflict(TimelineError):
    """A guarded write found the incident changed by someone else since the seat saw it.

    ``changes`` are the events (another operator's) that the seat had not yet
    folded; nothing of the refused write was recorded (DESIGN, "No lost update").
    """

    def __init__(self, message: str, changes: list | None = None) -> None:
        super().__init__(message)
        self.changes = list(changes or [])


class LogUnreachable(LogUnwritable):
    """The log's server cannot be reached (PostgreSQL down or restarting)."""

    state = "unreachable"


class UnknownIncidentError(TimelineError):
    """An incident id that the log does not hold."""


class PlaybookError(DispatchError):
    """A playbook or service-language file is invalid, or a playbook is unknown."""


class GeoError(DispatchError):
    """A map file is invalid, or a place cannot be located."""


class BusError(DispatchError):
    """The MQTT link or a payload failed."""


class DeskError(DispatchError):
    """A desk command was refused (wrong state, role or input)."""


class Refused(DeskError):
    """A command the operator's role does not allow, or the incident's state forbids."""


class Outstanding(DeskError):
    """Resolving or closing an incident whose orders are not cleared: confirm first.

    Attributes:
        incident: The incident.
        orders: The orders not yet cleared, declined or cancelled (board views).
    """

    def __init__(self, message: str, incident: str, orders: list[object]) -> None:
        super().__init__(message)
        self.incident = incident
        self.orders = orders


class AmbiguousPlace(DeskError):
    """The words given as a place fit several places: the operator picks one.

    Attributes:
        candidates: The ranked :class:`~dispatch.geo.Candidate` places (each ``.pick`` is
            a text that places exactly it).
    """

    def __init__(self, message: str, candidates: list | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])


class Taken(DeskError):
    """Another seat got there first: the call was answered, the incident opened."""


class Changed(DeskError):
    """Another operator changed the incident since this seat looked; nothing was recorded.

    The seat has folded the change; ``changes`` are the events, and the
    message says who changed what.
    """

    def __init__(self, message: str, changes: list | None = None) -> None:
        super().__init__(message)
        self.changes = list(changes or [])
