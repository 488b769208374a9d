"""Masking caller data in copies of events: exports, reports, replays, drill reports.

The log keeps the truth; what leaves it is masked unless an authorised
operator asked for ``--pii``.  Caller data sits in three places: a
``call_received`` event's ``data.caller``, an order's ``caller`` inside an
``order_sent`` event's ``data.payload`` (the signed bytes as sent; the masked
copy is no longer verifiable, which is right for a copy), and a drill
scenario's callers.  Phone numbers read ``138****0001``, names ``李*``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from dispatch.model import Event, EventType, mask_name, mask_phone


def mask_caller(caller: Any) -> Any:
    """A copy of ``{name, phone}`` with both masked (anything else unchanged)."""
    if not isinstance(caller, dict):
        return caller
    masked = dict(caller)
    if isinstance(masked.get("phone"), str):
        masked["phone"] = mask_phone(masked["phone"])
    if isinstance(masked.get("name"), str):
        masked["name"] = mask_name(masked["name"])
    return masked


def mask_event(event: Event) -> Event:
    """A copy of ``event`` with the caller's name and phone masked (the event is untouched)."""
    if event.type == EventType.CALL_RECEIVED and "caller" in event.data:
        data = {**event.data, "caller": mask_caller(event.data["caller"])}
    elif event.type == EventType.ORDER_SENT and isinstance(event.data.get("payload"), str):
        data = {**event.data, "payload": _mask_payload(event.data["payload"])}
    else:
        return event
    masked = copy.copy(event)
    masked.data = data
    return masked


def _mask_payload(payload: str) -> str:
    try:
        obj = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(obj, dict) or "caller" not in obj:
        return payload
    obj["caller"] = mask_caller(obj["caller"])
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def masked(events: Any, pii: bool) -> Any:
    """``events`` as they are (``pii``) or masked one by one, lazily."""
    return events if pii else (mask_event(e) for e in events)
