"""What a screen may ask of a desk: the typed interface the console calls.

The live :class:`~dispatch.desk.Desk` and the console's replay
(:class:`dispatch.tui.drive.ReplayDesk`) both satisfy :class:`DeskPort`: the
floor reads the board and the rest through it and sends its commands
through it, by name and with their arguments checked, never by a string.
A replay refuses every command (:class:`~dispatch.errors.Refused`), so read
only is the desk's answer.  Nothing here runs: these are
:class:`~typing.Protocol` classes, for readers and type checkers (and a
test compares every member's signature with both desks').
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dispatch.clock import Clock
    from dispatch.config.schema import SlaConfig
    from dispatch.desk.board import Board, CallView
    from dispatch.desk.roles import Operator
    from dispatch.errors import LogUnwritable
    from dispatch.geo import Place, RoadMap
    from dispatch.model import Event, Service
    from dispatch.playbook import Guidance, PhraseHit, PlaybookSet, ServiceLanguage
    from dispatch.playbook.preanswer import PreAnswer


class LogReader(Protocol):
    """The part of the event log the views read (timelines, key figures)."""

    def events(self) -> Iterator[Event]:
        """Every event, in log order."""
        ...

    def incident_events(self, incident_id: str) -> list[Event]:
        """An incident's events and the ``call_received`` of its calls, in order."""
        ...


class DeskPort(Protocol):
    """A desk as the console sees it: what it shows, and the commands it sends.

    Every command takes the operator first (the actor of what is recorded) and
    raises a :class:`~dispatch.errors.DispatchError` when refused.
    """

    board: Board
    clock: Clock
    playbooks: PlaybookSet
    roadmap: RoadMap
    sla: SlaConfig
    service: ServiceLanguage | None
    listeners: list[Callable[[Event], None]]
    log: LogReader  # the live desk's Timeline, the replay's events so far
    seat: str | None

    # -- what the screen reads ------------------------------------------------------------

    @property
    def log_fault(self) -> LogUnwritable | None:
        """Why the log takes no writes now, or ``None``."""
        ...

    def on_log_health(self, listener: Callable[[LogUnwritable | None], None]) -> None:
        """Be told when the log stops (and starts again) taking writes."""
        ...

    def guidance(self, incident: str, lang: str | None = None, *,
                 complete: bool = False) -> Guidance:
        """What the playbook says now for the incident's answers."""
        ...

    def queue(self) -> list[tuple[CallView, float]]:
        """The ringing calls in the order to answer them, with seconds waited."""
        ...

    def join(self, operator: Operator | None) -> None:
        """Say who sits at this seat now."""
        ...

    # -- commands -------------------------------------------------------------------------

    def receive_call(self, by: Operator, caller: dict[str, str], says: str,
                     location: Any = None, answers: dict[str, Any] | None = None,
                     call_id: str | None = None) -> str:
        """Log a call typed in; returns its id."""
        ...

    def answer(self, by: Operator, call_id: str | None = None) -> CallView:
        """Answer a ringing call (this seat claims it)."""
        ...

    def open_incident(self, by: Operator, call_id: str | None = None, *,
                      key: tuple[Any, ...] | None = None, **data: Any) -> str:
        """Open an incident for a call; returns its id."""
        ...

    def set_location(self, by: Operator, incident: str, where: str, *,
                     from_call: bool = False, says: str = "") -> Place:
        """Place an incident from stake text or ``lat,lon`` (``from_call``: the caller's
        place, for the operator to confirm)."""
        ...

    def apply_playbook(self, by: Operator, incident: str, playbook: str | None = None) -> str:
        """Apply a playbook (the suggested one when none is named); returns its id."""
        ...

    def record_answer(self, by: Operator, incident: str, question: str, value: Any) -> None:
        """Record the caller's answer to a question."""
        ...

    def suggested(self, incident: str) -> list[PreAnswer]:
        """Answers the caller's words already give, not yet answered, to confirm."""
        ...

    def confirm_suggested(self, by: Operator, incident: str) -> list[PreAnswer]:
        """Record every suggested answer (``source = "words"``, with its evidence)."""
        ...

    def give_advice(self, by: Operator, incident: str, advice: str) -> None:
        """Mark a safety advice as read to the caller."""
        ...

    def set_priority(self, by: Operator, incident: str, priority: int, reason: str = "") -> None:
        """Set the priority (1 highest … 4)."""
        ...

    def dispatch(self, by: Operator, incident: str,
                 services: Iterable[Service | str] | None = None, *, kind: str | None = None,
                 reason: str = "", key: tuple[Any, ...] | None = None) -> list[str]:
        """Send orders (default: the recommended ones not yet sent); returns their ids."""
        ...

    def cancel_order(self, by: Operator, incident: str, order: str, reason: str) -> str:
        """Cancel a sent order (supervisors); returns the cancellation's id."""
        ...

    def note(self, by: Operator, incident: str, text: str) -> list[PhraseHit]:
        """Add a note; returns the forbidden phrases it holds."""
        ...

    def merge(self, by: Operator, into: str, others: Iterable[str], reason: str = "") -> None:
        """Merge duplicate incidents into ``into``."""
        ...

    def resolve(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """The job is done on the road.

        Raises:
            Outstanding: Orders are not cleared (``cancel_orders`` cancels them first).
        """
        ...

    def close(self, by: Operator, incident: str, *, cancel_orders: bool = False) -> None:
        """Close the incident.

        Raises:
            Outstanding: Orders are not cleared (``cancel_orders`` cancels them first).
        """
        ...

    def reopen(self, by: Operator, incident: str) -> None:
        """Reopen a resolved or closed incident."""
        ...

    def record_investigation(self, by: Operator, incident: str, finding: str) -> None:
        """A complaint's investigation finding."""
        ...

    def record_callback(self, by: Operator, incident: str, satisfied: bool,
                        note: str = "") -> None:
        """A complaint's callback and whether the caller was satisfied."""
        ...

    def transfer(self, by: Operator, incident: str, to: str, reason: str) -> None:
        """Hand an incident to another operator."""
        ...
