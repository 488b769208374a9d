"""The SQLite event log: the single source of truth, and the folds over it."""

from dispatch.timeline.fold import Projection, canonical_json, split_incident_id
from dispatch.timeline.group import GroupCommit
from dispatch.timeline.log import Timeline
from dispatch.timeline.open import open_timeline
from dispatch.timeline.rows import decode_rows, row_to_event
from dispatch.timeline.writes import Guard, Transaction

__all__ = [
    "GroupCommit",
    "Guard",
    "Projection",
    "Timeline",
    "Transaction",
    "canonical_json",
    "decode_rows",
    "open_timeline",
    "row_to_event",
    "split_incident_id",
]
