"""The SQLite event log: the single source of truth, and the folds over it."""

from dispatch.timeline.fold import Projection, canonical_json, split_incident_id
from dispatch.timeline.group import GroupCommit
from dispatch.timeline.log import Timeline, Transaction, row_to_event

__all__ = [
    "GroupCommit",
    "Projection",
    "Timeline",
    "Transaction",
    "canonical_json",
    "row_to_event",
    "split_incident_id",
]
