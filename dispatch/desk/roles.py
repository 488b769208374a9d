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
    "close", "record_investigation", "record_callback", "transfer",
})

#: Taking over another operator's incident or call (the supervisor's floor).
TAKE_OVER = "take_over"

#: Creating, disabling and changing accounts (``dispatch operators``).
MANAGE_ACCOUNTS = "manage_accounts"
#: Showing or exporting callers' names and phone numbers unmasked (``--pii``).
EXPORT_PII = "export_pii"

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OPERATOR: CALL_WORK,
    # Reopening a closed incident, cancelling a sent order and seeing caller data
    # unmasked are a supervisor's call; supervisors also manage accounts.
    Role.SUPERVISOR: CALL_WORK | {"reopen", "cancel_order", TAKE_OVER, EXPORT_PII,
                                  MANAGE_ACCOUNTS},
    # Trainers work calls in drills and may reopen to replay a step; they neither
    # cancel orders nor see caller data unmasked.
    Role.TRAINER: CALL_WORK | {"reopen"},
    # Administrators manage accounts, not incidents (and see no caller data).
    Role.ADMIN: frozenset({MANAGE_ACCOUNTS}),
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
