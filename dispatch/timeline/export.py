"""Exporting the log: every event, as JSON lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from dispatch.clock import rfc3339
from dispatch.model import Event
from dispatch.safe import csv_cell

COLUMNS = ("seq", "id", "at", "incident", "type", "actor", "data")
FORMATS = ("jsonl", "csv")


def event_record(event: Event) -> dict[str, Any]:
    """The event as the contract's row, with ``data`` as an object."""
    return {"seq": event.seq, "id": event.id, "at": rfc3339(event.at),
            "incident": event.incident, "type": event.type, "actor": event.actor,
            "data": event.data}


def write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    """Write one JSON object per line; return how many."""
    count = 0
    for event in events:
        out.write(json.dumps(event_record(event), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_csv(events: Iterable[Event], out: TextIO) -> int:
    """Write a CSV with a header and ``data`` as JSON text; return how many rows.

    CSV is for people (a spreadsheet): every cell is made safe to show and
    none can start a formula (:func:`~dispatch.safe.csv_cell`).  JSON lines
    stay faithful data.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for event in events:
        record = event_record(event)
        record["data"] = json.dumps(event.data, ensure_ascii=False, sort_keys=True)
        writer.writerow([csv_cell(record[c]) for c in COLUMNS])
        count += 1
    return count


def write_events(events: Iterable[Event], out: TextIO, fmt: str) -> int:
    """Write events in ``fmt`` (``jsonl`` or ``csv``); return how many."""
    if fmt == "jsonl":
        return write_jsonl(events, out)
    if fmt == "csv":
        return write_csv(events, out)
    raise ValueError(f"unknown export format {fmt!r}")
