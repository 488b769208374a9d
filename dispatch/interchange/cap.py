"""Public advisories as OASIS CAP 1.2 alerts (``urn:oasis:names:tc:emergency:cap:1.2``).

The peak and outage modes publish an advisory when they open (``msgType``
``Alert``) and a cancellation when they end (``msgType`` ``Cancel``, with
``references`` naming the alert).  Drills say ``status = Exercise``.  There is
one ``info`` block per language (``en-US``, ``zh-CN``); ``info.instruction``
carries the safety advice read to callers; ``area`` names the roads and
sections concerned, with a circle around each located incident.

Element order follows the CAP 1.2 schema, which is a ``sequence``: consumers
that validate against the XSD refuse elements out of order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
MSG_TYPES = ("Alert", "Update", "Cancel")

#: Per mode: what the public is told (English and Chinese).
_TEXT: dict[str, dict[str, dict[str, str]]] = {
    "peak": {
        "event": {"en": "Traffic incident drawing many calls",
                  "zh": "道路突发事件（来电激增）"},
        "headline": {"en": "Incident on the expressway: expect delays",
                     "zh": "高速公路发生突发事件，请注意绕行"},
        "description": {"en": "The hotline is receiving many calls about an incident on {area}. "
                              "Rescue units have been sent; traffic control may follow.",
                        "zh": "热线正在接到大量关于{area}突发事件的来电。救援力量已出动，"
                              "可能实施交通管制。"},
        "over": {"en": "The incident on {area} no longer draws many calls; the advisory ends.",
                 "zh": "{area}的事件来电已恢复正常，本提示解除。"},
    },
    "outage": {
        "event": {"en": "Hotline service disruption", "zh": "救援热线系统故障"},
        "headline": {"en": "Hotline systems under repair: calls are handled by hand",
                     "zh": "救援热线系统抢修中，来电改为人工处理"},
        "description": {"en": "The dispatch system of the hotline for {area} has a technical "
                              "fault. Calls are still answered and handled by hand; for a life "
                              "in danger also call 110, 119 or 120 directly.",
                        "zh": "{area}救援热线调度系统出现技术故障，来电仍有人工接听处理；"
                              "如有人员生命危险，请同时直接拨打110、119或120。"},
        "over": {"en": "The hotline's dispatch system for {area} works again; the advisory ends.",
                 "zh": "{area}救援热线调度系统已恢复，本提示解除。"},
    },
}


@dataclass(frozen=True)
class Area:
    """An ``area`` block: its description and optional circles (``lat,lon radius_km``)."""

    desc: dict[str, str]
    circles: tuple[tuple[float, float, float], ...] = ()


@dataclass(frozen=True)
class Advisory:
    """One CAP alert, ready to be written as XML."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    mode: str
    instruction: dict[str, str]
    areas: tuple[Area, ...]
    references: str | None = None
    note: str | None = None
    incident: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def over(self) -> bool:
        """A cancellation: the advisory ends."""
        return self.msg_type == "Cancel"

    def headline(self, lang: str) -> str:
        """The headline in ``lang``."""
        text = _TEXT[self.mode]["headline"][lang]
        return f"{'解除：' if lang == 'zh' else 'Ended: '}{text}" if self.over else text

    def description(self, lang: str) -> str:
        """The description in ``lang``."""
        area = ("、" if lang == "zh" else ", ").join(a.desc.get(lang, "") for a in self.areas)
        return _TEXT[self.mode]["over" if self.over else "description"][lang].format(area=area)


def cap_time(at: datetime, tz: tzinfo | None = None) -> str:
    """CAP's dateTime: seconds, a numeric offset, never ``Z`` (UTC is written ``-00:00``)."""
    local = at.astimezone(tz or UTC).replace(microsecond=0)
    text = local.isoformat()
    return text.replace("+00:00", "-00:00") if text.endswith("+00:00") else text


def reference(adv: Advisory, tz: tzinfo | None = None) -> str:
    """``sender,identifier,sent``: how a later message names this one."""
    return f"{adv.sender},{adv.identifier},{cap_time(adv.sent, tz)}"


def to_xml(adv: Advisory, tz: tzinfo | None = None) -> str:
    """The alert as a CAP 1.2 XML document (UTF-8 text with its declaration)."""
    if adv.msg_type not in MSG_TYPES or adv.mode not in _TEXT:
        raise ValueError(f"cannot write a {adv.msg_type} advisory for mode {adv.mode!r}")
    ET.register_namespace("", CAP_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        child = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        if text is not None:
            child.text = text
        return child

    alert = ET.Element(f"{{{CAP_NS}}}alert")
    sub(alert, "identifier", adv.identifier)
    sub(alert, "sender", adv.sender)
    sub(alert, "sent", cap_time(adv.sent, tz))
    sub(alert, "status", adv.status)
    sub(alert, "msgType", adv.msg_type)
    sub(alert, "source", "dispatch console")
    sub(alert, "scope", "Public")
    if adv.note:
        sub(alert, "note", adv.note)
    if adv.references:
        sub(alert, "references", adv.references)
    if adv.incident:
        sub(alert, "incidents", adv.incident)
    texts = _TEXT[adv.mode]
    for lang, code in LANGUAGES.items():
        info = sub(alert, "info")
        sub(info, "language", code)
        sub(info, "category", "Transport")
        sub(info, "event", texts["event"][lang])
        sub(info, "responseType", "AllClear" if adv.over else "Monitor")
        sub(info, "urgency", "Past" if adv.over else "Immediate")
        sub(info, "severity", "Minor" if adv.over or adv.mode == "outage" else "Moderate")
        sub(info, "certainty", "Observed")
        sub(info, "senderName", adv.extra.get("sender_name", adv.sender))
        sub(info, "headline", adv.headline(lang))
        sub(info, "description", adv.description(lang))
        sub(info, "instruction", adv.instruction.get(lang, ""))
        for key in ("mode", "incident"):
            value = adv.mode if key == "mode" else adv.incident
            if value:
                param = sub(info, "parameter")
                sub(param, "valueName", f"dispatch:{key}")
                sub(param, "value", value)
        for area in adv.areas:
            block = sub(info, "area")
            sub(block, "areaDesc", area.desc.get(lang) or area.desc.get("en", ""))
            for lat, lon, radius in area.circles:
                sub(block, "circle", f"{lat:.5f},{lon:.5f} {radius:g}")
    ET.indent(alert)
    return "<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(alert, encoding="unicode")
