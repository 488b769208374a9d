"""How the console names a caller and a call: what a person knows, masked unless ``pii``.

A call's id is a UUID nobody on the floor has seen; the operator knows the
caller's name and number, the place they gave and, once opened, the incident.
Replays mask names and numbers unless ``--pii`` was authorised (the live
console shows them: the operator calls back).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dispatch.model import mask_name, mask_phone
from dispatch.safe import safe_text
from dispatch.timeline.labels import Labels
from dispatch.tui.texts import t


@lru_cache(maxsize=8)  # one per desk's playbooks and map: alerts are drawn often
def _labels(playbooks: Any, roadmap: Any) -> Labels:
    return Labels(playbooks, roadmap)


def desk_labels(desk: Any) -> Labels:
    """The names of a desk's ids (its playbooks and map), built once per desk."""
    try:
        return _labels(desk.playbooks, desk.roadmap)
    except TypeError:  # unhashable stand-ins (tests): build them now
        return Labels.of(desk)


def recipient_label(desk: Any, address: object, lang: str) -> str:
    """A recipient as the operator knows it: the address in English, the station in Chinese."""
    return desk_labels(desk).recipient(address, lang)


def caller_name(caller: dict[str, Any] | None, pii: bool) -> str:
    """The caller's name, in full with ``pii``, else ``王**``-style; ``?`` when not given."""
    name = str((caller or {}).get("name") or "")
    shown = safe_text(name).strip() if pii else mask_name(name)
    return shown or "?"


def caller_phone(caller: dict[str, Any] | None, pii: bool) -> str:
    """The callback number, in full with ``pii``, else ``138****0001``; ``""`` when none."""
    phone = str((caller or {}).get("phone") or "")
    return safe_text(phone).strip() if pii else mask_phone(phone)


def place_given(location: Any) -> str:
    """What the caller gave as a place, short (a stake text, or ``lat,lon``)."""
    if isinstance(location, dict):
        if location.get("lat") is not None and location.get("lon") is not None:
            return f"{location['lat']},{location['lon']}"
        return safe_text(str(location.get("text") or ""))
    return safe_text(str(location or ""))


def call_label(call: Any, lang: str, pii: bool, *, where: bool = True,
               incident: bool = True) -> str:
    """A call as a person knows it: caller and number, the place given, the incident.

    Args:
        call: A :class:`~dispatch.desk.views.CallView` (``None``: a call no longer on
            the board).
        lang: ``"en"`` or ``"zh"``.
        pii: Names and numbers in full (the live console) or masked (a replay).
        where: Add the place the caller gave.
        incident: Add the incident, once the call has one.
    """
    if call is None:
        return t("call.unknown", lang)
    parts = [caller_name(call.caller, pii)]
    phone = caller_phone(call.caller, pii)
    if phone:
        parts.append(phone)
    if where and (place := place_given(call.location)):
        parts.append(place)
    if incident and call.incident:
        parts.append(t("call.incident", lang, incident=call.incident))
    return " ".join(parts)
