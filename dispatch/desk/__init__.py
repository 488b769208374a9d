"""The dispatch desk: commands in, events out, timers, modes, roles, autopilot."""

from dispatch.desk.board import Alert, Board, CallView, IncidentView, OrderView
from dispatch.desk.desk import Desk, Refused
from dispatch.desk.roles import PERMISSIONS, SYSTEM, Operator, Role
from dispatch.errors import Changed, Taken

__all__ = [
    "PERMISSIONS",
    "SYSTEM",
    "Alert",
    "Board",
    "CallView",
    "Changed",
    "Desk",
    "IncidentView",
    "Operator",
    "OrderView",
    "Refused",
    "Role",
    "Taken",
]
