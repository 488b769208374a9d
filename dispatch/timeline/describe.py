"""One readable line per event, in English or Chinese (timelines, replay, screens)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from dispatch.i18n import TEXTS, show_value, text, word
from dispatch.model import Event, EventType, Location, mask_name, mask_phone
from dispatch.safe import safe_text
from dispatch.timeline.labels import Labels

#: Event fields naming a recipient (an address): shown by the station's name in Chinese.
_RECIPIENT_TYPES = frozenset({
    EventType.ORDER_SENT, EventType.ORDER_DELIVERED, EventType.ORDER_STATUS,
    EventType.ORDER_TIMEOUT, EventType.ORDER_RESENT, EventType.ORDER_ESCALATED,
    EventType.ORDER_CANCELLED})
_PLAIN = Labels()


def describe(event: Event, lang: str = "en", *, pii: bool = False,
             labels: Labels | None = None, tz: tzinfo | None = None) -> str:
    """Say what an event means in one line.

    Ids become names (playbooks, questions, answers, advice, places, recipients)
    when ``labels`` knows them; Python values never show (``True`` reads *yes*).

    Args:
        event: The event.
        lang: ``en`` or ``zh``.
        pii: Show callers' names and phone numbers in full (otherwise ``李*``,
            ``138****0001``).
        labels: Names from the playbooks and the map (default: built-in words only).
        tz: Time zone of the times inside a line (a deadline's due time; default UTC).
    """
    # Callers' and partners' words are hostile until made safe: this line is
    # printed by the timeline, the headless replay and the screens.
    return safe_text(_describe(event, lang, pii, labels or _PLAIN, tz or UTC))


def type_label(event_type: str, lang: str) -> str:
    """An event type as a column shows it: the contract's name in English, words in Chinese."""
    return word("type", event_type, lang) if lang == "zh" else str(event_type)


def actor_label(actor: str, lang: str, labels: Labels | None = None) -> str:
    """Who acted: an operator's id as it is; in Chinese the system's own actors in words
    and a recipient (``120/xianning``) by its station's name."""
    if lang != "zh":
        return actor
    if "/" in actor and labels is not None:
        return labels.recipient(actor, lang)
    return word("actor", actor, lang)


def local_time(value: Any, tz: tzinfo) -> str:
    """An RFC 3339 time as ``HH:MM:SS`` in ``tz`` (anything else as it is)."""
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(tz).strftime("%H:%M:%S")


def _describe(event: Event, lang: str, pii: bool, labels: Labels, tz: tzinfo) -> str:
    data = event.data
    key = f"event.{event.type}"
    if key not in TEXTS:
        return text("event.other", lang, type=event.type, data=_compact(data, lang))
    fields: dict[str, Any] = {k: show_value(v, lang) for k, v in data.items()}
    if event.type in _RECIPIENT_TYPES and "to" in data:
        fields["to"] = labels.recipient(data["to"], lang)
    if event.type == EventType.CALL_RECEIVED:
        caller = data.get("caller") or {}
        phone = str(caller.get("phone", ""))
        name = str(caller.get("name") or "")
        fields.update(name=(safe_text(name) if pii else mask_name(name)) or "?",
                      phone=safe_text(phone) if pii else mask_phone(phone))
    elif event.type == EventType.LOCATION_SET:
        fields["place"] = _place(data.get("location") or {}, lang, labels)
    elif event.type == EventType.INCIDENT_OPENED:
        if not data.get("kind"):
            return text("event.incident_opened_bare", lang)
        fields["kind"] = labels.playbook(data["kind"], lang)
    elif event.type == EventType.PLAYBOOK_APPLIED:
        fields["playbook"] = labels.playbook(data.get("playbook"), lang)
    elif event.type == EventType.ANSWER_RECORDED:
        fields["question"] = labels.question(data.get("question"), lang)
        fields["value"] = labels.answer(data.get("question"), data.get("value"), lang)
    elif event.type == EventType.ADVICE_GIVEN:
        fields["advice"] = labels.advice(data.get("advice"), lang)
    elif event.type == EventType.ORDER_STATUS:
        fields["status"] = word("order", data.get("status"), lang)
    elif event.type == EventType.MODE_CHANGED:
        fields["mode"] = word("mode", data.get("mode"), lang)
    elif event.type == EventType.DEADLINE_BREACHED:
        fields["deadline"] = labels.deadline(data.get("deadline"), lang)
        fields["due_at"] = local_time(data.get("due_at"), tz)
    elif event.type == EventType.LOG_RECOVERED and data.get("since"):
        fields["since"] = local_time(data["since"], tz)
    elif event.type == EventType.COMMAND_REFUSED:
        fields["role"] = word("role", data.get("role"), lang)
    elif event.type == EventType.LOGIN_FAILED:
        fields["reason"] = word("reason", data.get("reason"), lang)
    return text(key, lang, **fields)


def _place(raw: dict[str, Any], lang: str, labels: Labels) -> str:
    loc = Location.from_dict(raw)
    area = labels.place(loc.jurisdiction, lang) if loc.jurisdiction else None
    parts = [p for p in (loc.road, loc.stake, loc.direction, area) if p]
    if not parts and loc.lat is not None and loc.lon is not None:
        parts.append(f"{loc.lat:.5f},{loc.lon:.5f}")
    if loc.text and not parts:
        parts.append(loc.text)
    return " ".join(parts) or "?"


def _compact(data: dict[str, Any], lang: str) -> str:
    return " ".join(f"{k}={show_value(v, lang)}" for k, v in data.items())


def offset(at: datetime, start: datetime) -> str:
    """A time relative to ``start``: ``+0:42``, ``+12:05``, ``+1:02:03``."""
    seconds = int((at - start).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"
