"""Decoding ``events`` rows into :class:`~dispatch.model.Event` values.

Every reader of the log goes through here; a replay decodes a whole log at
once (:func:`decode_rows`), which is why the per-row work is kept lean.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from dispatch.clock import parse_log_time, parse_rfc3339
from dispatch.model import Event
from dispatch.timeline.fold import READS_DATA, Projection


def row_to_event(row: Sequence[Any]) -> Event:
    """Turn an ``events`` row ``(seq, id, at, incident, type, actor, data)`` into an Event."""
    seq, event_id, at, incident, kind, actor, data = row
    return Event(kind, actor, parse_rfc3339(at), incident, _loads(data), event_id, seq)


def decode_rows(rows: Iterable[Sequence[Any]]) -> tuple[list[Event], list[str]]:
    """Decode ``events`` rows in bulk, keeping each event's time as the log writes it.

    Returns:
        The events, and for each its ``rfc3339(at)``; a fold given that text
        (``Projection.apply(event, at)``) need not format the time again.
    """
    events: list[Event] = []
    times: list[str] = []
    add_event, add_time = events.append, times.append
    with bulk_allocation():
        for seq, event_id, at_text, incident, kind, actor, data in rows:
            at, text = parse_log_time(at_text)
            add_event(Event(kind, actor, at, incident, _loads(data), event_id, seq))
            add_time(text)
    return events, times


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built.

    Decoding or folding a whole log allocates millions of objects that all
    stay alive, and every few hundred allocations the collector traverses
    them again, for nothing: events, their data and the folds' views hold no
    reference cycles.  That was a third of a replay's time.  The collector
    is switched back on (if it was on) when the block ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: The C scanner behind json.loads, called directly: json.loads and
#: JSONDecoder.decode add two regex whitespace matches per call.
_scan = json.JSONDecoder().scan_once


def _loads(data: str) -> Any:
    """``json.loads(data)``, minus the wrapper's cost on text the log wrote itself.

    Anything the bare scanner does not read whole in one go (bytes, leading or
    trailing whitespace, a BOM, an error) goes through ``json.loads``, so the
    result and any exception are exactly its own.
    """
    if type(data) is str:
        try:
            value, end = _scan(data, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(data):
                return value
    return json.loads(data)


def project_rows(rows: Iterable[Sequence[Any]]) -> tuple[Projection, int]:
    """Fold ``events`` rows into a fresh projection, streaming (no event is kept).

    This is how incidents are rebuilt from the log alone (``dispatch timeline
    --rebuild``); a replay that also draws the desk's board keeps the events.

    Returns:
        The projection and the number of events folded.
    """
    projection = Projection()
    apply = projection.apply
    count = 0
    with bulk_allocation():
        for seq, event_id, at_text, incident, kind, actor, data in rows:
            # The fold is given the stored time text, so the event's datetime is
            # never read here: skip parsing it. Data is decoded only where the
            # fold reads it. The event never leaves this loop.
            event = Event(kind, actor, _EPOCH, incident,
                          _loads(data) if kind in READS_DATA else {}, event_id, seq)
            apply(event, at_text)
            count += 1
    return projection, count


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
