"""One readable line per event, in English or Chinese (timelines, replay, screens)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dispatch.i18n import TEXTS, text
from dispatch.model import Event, EventType, Location, mask_name, mask_phone
from dispatch.safe import safe_text


def describe(event: Event, lang: str = "en", *, pii: bool = False) -> str:
    """Say what an event means in one line.

    Args:
        event: The event.
        lang: ``en`` or ``zh``.
        pii: Show callers' names and phone numbers in full (otherwise ``李*``,
            ``138****0001``).
    """
    # Callers' and partners' words are hostile until made safe: this line is
    # printed by the timeline, the headless replay and the screens.
    return safe_text(_describe(event, lang, pii))


def _describe(event: Event, lang: str, pii: bool) -> str:
    data = event.data
    key = f"event.{event.type}"
    if key not in TEXTS:
        return text("event.other", lang, type=event.type, data=_compact(data))
    fields: dict[str, Any] = {k: _show(v) for k, v in data.items()}
    if event.type == EventType.CALL_RECEIVED:
        caller = data.get("caller") or {}
        phone = str(caller.get("phone", ""))
        name = str(caller.get("name") or "")
        fields.update(name=(safe_text(name) if pii else mask_name(name)) or "?",
                      phone=safe_text(phone) if pii else mask_phone(phone))
    elif event.type == EventType.LOCATION_SET:
        fields["place"] = _place(data.get("location") or {})
    elif event.type == EventType.INCIDENT_OPENED:
        fields.setdefault("kind", text("unknown", lang))
    return text(key, lang, **fields)


def _place(raw: dict[str, Any]) -> str:
    loc = Location.from_dict(raw)
    parts = [p for p in (loc.road, loc.stake, loc.direction, loc.jurisdiction) if p]
    if not parts and loc.lat is not None and loc.lon is not None:
        parts.append(f"{loc.lat:.5f},{loc.lon:.5f}")
    if loc.text and not parts:
        parts.append(loc.text)
    return " ".join(parts) or "?"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return _compact(value)
    return str(value)


def _compact(data: dict[str, Any]) -> str:
    return " ".join(f"{k}={_show(v)}" for k, v in data.items())


def offset(at: datetime, start: datetime) -> str:
    """A time relative to ``start``: ``+0:42``, ``+12:05``, ``+1:02:03``."""
    seconds = int((at - start).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"
