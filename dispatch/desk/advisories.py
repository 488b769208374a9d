"""Public advisories: a CAP 1.2 alert when peak or outage mode opens, a cancel when it ends.

The advisory is recorded as an ``advisory_published`` event carrying the CAP
XML (so ``dispatch export --format cap`` can write it from the log) and
queued for ``{root}/advisories`` as a signed ``dispatch.advisory/1`` payload,
retained.  An outage advisory waits until the link is back (it goes out
together with its cancellation when the outage ends quickly: wallboards keep
the latest).  Drills publish ``status = Exercise`` on the drill root.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from dispatch.bus.payloads import AdvisoryMessage
from dispatch.desk.roles import SYSTEM
from dispatch.interchange.cap import Advisory, Area, reference, to_xml
from dispatch.model import Event, EventType, format_stake, new_id

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk

log = logging.getLogger(__name__)

#: Road-safety advice read to every caller on the road; the public gets it too.
ROAD_ADVICE = ("leave_lanes", "hazard_lights", "warning_triangle")
#: Extra advice per mode, from the mode's own playbook.
MODE_ADVICE = {"peak": ("peak_load", ("self_service",)), "outage": ("outage", ())}


def publish(desk: Desk, mode: str, incident: str | None, *, over: bool = False) -> Event | None:
    """Record and queue the advisory for ``mode`` opening (or ending, ``over``).

    Returns:
        The ``advisory_published`` event; ``None`` when ending a mode that had none.
    """
    prior = _last_alert(desk, mode)
    if over and prior is None:
        return None
    center, now = desk.log.center, desk.clock.now()
    adv = Advisory(
        identifier=f"{center}.{mode}.{new_id()}", sender=f"dispatch.{center}", sent=now,
        status="Exercise" if desk.log.drill else "Actual",
        msg_type="Cancel" if over else "Alert", mode=mode,
        instruction=instruction(desk, mode), areas=tuple(_areas(desk, mode)),
        references=prior.data.get("reference") if over and prior else None,
        note="Drill: not a real event" if desk.log.drill else None,
        incident=incident, extra={"sender_name": _sender_name(center)})
    xml = to_xml(adv, desk.log.tz)
    message = AdvisoryMessage.model_validate({
        "schema": "dispatch.advisory/1", "id": new_id(), "at": now, "center": center,
        "drill": desk.log.drill, "identifier": adv.identifier, "msg_type": adv.msg_type,
        "incident": incident, "cap": xml})
    event = desk.event(EventType.ADVISORY_PUBLISHED, SYSTEM, incident, mode=mode,
                       identifier=adv.identifier, msg_type=adv.msg_type, status=adv.status,
                       headline=adv.headline(desk.lang), reference=reference(adv, desk.log.tz),
                       references=adv.references, topic=desk.bus.topics.advisories, cap=xml)
    desk.record(event)
    desk.bus.publish_advisory(message)
    return event


def instruction(desk: Desk, mode: str) -> dict[str, str]:
    """The safety advice for the public, in both languages, from the playbooks."""
    playbook, extra = MODE_ADVICE.get(mode, ("", ()))
    texts: dict[str, list[str]] = {"en": [], "zh": []}
    wanted = [(p, a) for p in desk.playbooks.ids for a in ROAD_ADVICE] + \
        [(playbook, a) for a in extra]
    seen: set[str] = set()
    for pid, aid in wanted:
        if aid in seen or pid not in desk.playbooks:
            continue
        spec = desk.playbooks.get(pid)
        found = next((a for a in spec.advice if a.id == aid), None)
        if found is not None:
            seen.add(aid)
            texts["en"].append(found.text.en)
            texts["zh"].append(found.text.zh)
    return {"en": " ".join(texts["en"]), "zh": "".join(texts["zh"])}


def _areas(desk: Desk, mode: str) -> list[Area]:
    radius_km = desk.modes.merge_distance_m / 1000
    by_section: dict[str, tuple[dict[str, str], list[tuple[float, float, float]]]] = {}
    if mode == "peak":
        for inc in desk.board.open_incidents():
            loc = inc.location
            if inc.auto or not loc or not loc.get("road"):
                continue
            key = str(loc.get("section") or loc["road"])
            _, circles = by_section.setdefault(key, (_section_desc(desk, loc), []))
            if loc.get("lat") is not None and loc.get("lon") is not None:
                circles.append((float(loc["lat"]), float(loc["lon"]), radius_km))
    if not by_section:
        center = desk.log.center
        return [Area({"en": f"Roads served by the {center} hotline",
                      "zh": f"{center} 救援热线服务的道路"})]
    return [Area(desc, tuple(circles)) for desc, circles in by_section.values()]


def _section_desc(desk: Desk, loc: dict) -> dict[str, str]:
    stake = format_stake(loc["km"]) if isinstance(loc.get("km"), (int, float)) else ""
    names = {"en": "", "zh": ""}
    try:
        section = desk.roadmap.section(str(loc.get("section")))
        names = {"en": f"{section.road_names.en} {section.names.en}".strip(),
                 "zh": f"{section.road_names.zh}{section.names.zh}"}
    except Exception:  # an unknown section still has its road code
        log.debug("advisory: section %s not on the map", loc.get("section"))
    road = str(loc["road"])
    return {lang: " ".join(p for p in (road, names[lang], stake) if p) for lang in ("en", "zh")}


def _sender_name(center: str) -> str:
    return f"Dispatch centre {center}"


def _last_alert(desk: Desk, mode: str) -> Event | None:
    last = None
    for event in desk.log.events(types=[EventType.ADVISORY_PUBLISHED.value]):
        if event.data.get("mode") == mode:
            last = event
    return last if last is not None and last.data.get("msg_type") != "Cancel" else None
