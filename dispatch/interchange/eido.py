"""Incidents as EIDO documents: one JSON object per incident, after NENA-STA-021 (EIDO).

Another centre's CAD takes an incident through the components NENA's
Emergency Incident Data Object defines: ``incidentComponent``,
``callComponent``, ``personComponent`` (the caller), ``locationComponent``,
``agencyComponent`` (this centre and every recipient desk),
``emergencyResourceComponent`` (one per order, with its dispatch and status
times) and ``notesComponent``.  Components reference each other with
``{"$ref": "#id"}``.  Every time comes from the timeline (RFC 3339 UTC).
The document is a fold over the log through the desk's board, the same fold
the console and replay use.  Callers' names and numbers are masked unless
``pii``.  The shape follows EIDO's naming; it is not validated against NENA's
JSON schema (which is not redistributable here).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dispatch.clock import rfc3339
from dispatch.desk.board import Board, IncidentView, OrderView
from dispatch.model import Event, Service, format_stake, mask_name, mask_phone

SCHEMA = "dispatch.eido/1"
#: EIDO's common registry of incident types, for our playbooks.
INCIDENT_TYPES = {
    "accident": "Traffic Collision", "breakdown": "Disabled Vehicle",
    "outage": "Technical Outage", "peak_load": "Call Surge", "complaint": "Complaint",
}
_STATUS = {"open": "Active", "resolved": "Resolved", "closed": "Closed", "merged": "Merged"}
#: Order states → EIDO-style resource status text.
_RESOURCE_STATUS = {
    "sent": "Dispatched", "delivered": "Delivered", "received": "Acknowledged",
    "accepted": "Accepted", "declined": "Declined", "en_route": "EnRoute",
    "on_scene": "OnScene", "cleared": "Cleared", "cancelled": "Cancelled",
}


def _t(at: datetime | None) -> str | None:
    return None if at is None else rfc3339(at)


def _ref(ids: Iterable[str]) -> list[dict[str, str]]:
    return [{"$ref": f"#{i}"} for i in ids]


def documents(events: Iterable[Event], center: str, *, pii: bool = False,
              incident: str | None = None) -> list[dict[str, Any]]:
    """One EIDO document per incident (merged ones live inside the one they joined).

    Args:
        events: The log's events, in order.
        center: The sending centre's id.
        pii: Keep callers' names and numbers unmasked.
        incident: Only this incident.
    """
    board, last = Board(), None
    for event in events:
        board.apply(event)
        last = event.at
    out = []
    for inc in sorted(board.incidents.values(), key=lambda i: i.id):
        if inc.merged_into or (incident and inc.id != incident):
            continue
        out.append(document(board, inc, center, pii=pii, now=last))
    return out


def document(board: Board, inc: IncidentView, center: str, *, pii: bool = False,
             now: datetime | None = None) -> dict[str, Any]:
    """The EIDO document of one incident of a folded board."""
    tracking = f"urn:emergency:uid:incidentid:{inc.id}:{center}.dispatch"
    centre_agency = f"agency-{center}"
    calls, persons = [], []
    for n, call_id in enumerate(inc.calls, 1):
        call = board.calls.get(call_id)
        if call is None:
            continue
        name, phone = str(call.caller.get("name", "")), str(call.caller.get("phone", ""))
        person = f"person-{n}"
        persons.append({"$id": person, "personRoleText": "Caller",
                        "personFullName": name if pii else mask_name(name)})
        calls.append({
            "$id": f"call-{n}", "callTrackingIdentifier": call.id,
            "callStartTimestamp": _t(call.at), "callAnswerTimestamp": _t(call.answered_at),
            "callTakerIdentifier": call.answered_by,
            "callbackNumber": phone if pii else mask_phone(phone),
            "callerReference": _ref([person]), "callTypeText": "Voice",
            "callerStatementText": call.says, "agencyReference": _ref([centre_agency])})
    agencies = {centre_agency: {"$id": centre_agency,
                                "agencyIdentifier": f"{center}.dispatch",
                                "agencyName": f"Dispatch centre {center}",
                                "agencyRoleText": "Originating"}}
    resources = [_resource(o, n, agencies) for n, o in
                 enumerate(sorted(inc.orders.values(), key=lambda o: o.sent_at), 1)]
    notes = [{"$id": f"note-{n}", "noteDateTimeStamp": _t(at), "noteAuthorIdentifier": who,
              "noteText": text} for n, (at, who, text) in enumerate(inc.notes, 1)]
    location = _location(inc)
    return {
        "schema": SCHEMA,
        "eidoMessageIdentifier": f"{tracking}:{_t(now) or _t(inc.opened_at)}",
        "$id": f"eido-{inc.id}",
        "lastUpdateTimeStamp": _t(now or inc.opened_at),
        "sendingSystemIdentifier": f"{center}.dispatch",
        "incidentComponent": {
            "$id": f"incident-{inc.id}", "incidentTrackingIdentifier": tracking,
            "localIncidentIdentifier": inc.id,
            "incidentTypeCommonRegistryText": INCIDENT_TYPES.get(inc.kind or "", "Other"),
            "incidentTypeInternalText": inc.kind,
            "incidentCommonPriorityNumber": inc.priority,
            "incidentStatusCommonRegistryText": _STATUS.get(inc.status, inc.status),
            "incidentCreationTimestamp": _t(inc.opened_at),
            "incidentResolvedTimestamp": _t(inc.resolved_at),
            "incidentClosedTimestamp": _t(inc.closed_at),
            "automaticModeText": inc.auto,
            "mergeInformation": [{"incidentTrackingIdentifier":
                                  f"urn:emergency:uid:incidentid:{m}:{center}.dispatch",
                                  "incidentMergeDirectionCode": "MergedInto"}
                                 for m in inc.merged],
            "locationReference": _ref([location["$id"]] if location else []),
            "callReference": _ref(c["$id"] for c in calls),
            "emergencyResourceReference": _ref(r["$id"] for r in resources),
            "notesReference": _ref(n["$id"] for n in notes),
            "updatedByAgencyReference": _ref([centre_agency]),
            "safetyAdviceGiven": list(inc.advice),
            "answers": dict(inc.answers),
        },
        "callComponent": calls,
        "personComponent": persons,
        "locationComponent": [location] if location else [],
        "agencyComponent": list(agencies.values()),
        "emergencyResourceComponent": resources,
        "notesComponent": notes,
    }


def _location(inc: IncidentView) -> dict[str, Any] | None:
    loc = inc.location
    if not loc:
        return None
    value: dict[str, Any] = {
        "civicAddressText": " ".join(str(p) for p in (
            loc.get("road"), format_stake(loc["km"]) if loc.get("km") is not None else None,
            loc.get("direction")) if p) or loc.get("text"),
        "road": loc.get("road"), "kilometre": loc.get("km"), "direction": loc.get("direction"),
        "section": loc.get("section"), "jurisdiction": loc.get("jurisdiction"),
        "callerDescriptionText": loc.get("text")}
    if loc.get("lat") is not None and loc.get("lon") is not None:
        value["geometry"] = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    return {"$id": "location-1", "locationTypeDescription": "Incident",
            "locationByValue": value}


def _resource(order: OrderView, n: int, agencies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    agency = f"agency-{order.to.replace('/', '-')}"
    try:
        label = Service(order.service).label["en"]
    except ValueError:
        label = order.service
    agencies.setdefault(agency, {"$id": agency, "agencyIdentifier": order.to,
                                 "agencyName": label, "agencyRoleText": "Responding"})
    return {
        "$id": f"resource-{n}", "emergencyResourceIdentifier": order.id,
        "resourceTypeText": label, "serviceText": order.service, "orderKindText": order.kind,
        "agencyReference": _ref([agency]),
        "dispatchTimestamp": _t(order.sent_at),
        "acknowledgedTimestamp": _t(order.first("received")),
        "enRouteTimestamp": _t(order.first("en_route")),
        "onSceneTimestamp": _t(order.first("on_scene")),
        "clearedTimestamp": _t(order.first("cleared")),
        "currentStatusText": _RESOURCE_STATUS.get(order.state, order.state),
        "statusHistory": [{"statusText": _RESOURCE_STATUS.get(s, s), "timestamp": _t(at)}
                          for at, s in order.history],
    }
