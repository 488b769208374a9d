"""Who may do what at the desk.  The desk enforces it; screens only hide buttons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Operator roles."""

    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"


#: The everyday work of a call, from answering it to closing it.
CALL_WORK = frozenset({
    "receive_call", "answer", "open_incident", "set_location", "apply_playbook",
    "record_answer", "give_advice", "set_priority", "dispatch", "note", "merge", "resolve",
    "close", "record_investigation", "record_callback",
})

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OPERATOR: CALL_WORK,
    # Reopening a closed incident is a supervisor's call.
    Role.SUPERVISOR: CALL_WORK | {"reopen"},
    # Trainers work calls in drills and may reopen to replay a step.
    Role.TRAINER: CALL_WORK | {"reopen"},
    # Administrators manage accounts, not incidents.
    Role.ADMIN: frozenset(),
}


@dataclass(frozen=True)
class Operator:
    """Someone logged in at a console (``autopilot`` in drills)."""

    id: str
    role: Role = Role.OPERATOR

    def may(self, command: str) -> bool:
        """Whether this operator's role allows ``command``."""
        return command in PERMISSIONS[self.role]


SYSTEM = Operator("system", Role.SUPERVISOR)
