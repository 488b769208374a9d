"""Incidents as EIDO documents: one JSON object per incident, after NENA-STA-021 (EIDO).

Another centre's CAD takes an incident through the components NENA's
Emergency Incident Data Object defines: ``incidentComponent``,
``callComponent`` and ``callbackComponent``, ``personComponent`` (the
callers), ``locationComponent`` (a PIDF-LO point), ``agencyComponent`` (this
centre and every recipient desk), ``agentComponent`` (the operators),
``dispatchComponent`` and ``emergencyResourceComponent`` (one per order, with
its status history), ``notesComponent`` and ``mergeComponent``.  Every
component carries EIDO's prologue (``$id``, ``lastUpdateTimeStamp``,
``updatedByAgencyReference``); components reference each other with
``{"$ref": id}`` as NENA's sample does; registry values come from
:mod:`dispatch.interchange.eido_registry`.  Every time comes from the
timeline (RFC 3339 UTC).  The document is a fold over the log through the
desk's board, the same fold the console and replay use.  Callers' names and
numbers are masked unless ``pii``.  Documents validate against NENA's
published EIDO OpenAPI schema (tests/test_interchange_schemas.py); a few elements of
our own (``statusHistory``, ``dispatchLocation``, …) ride along, which the
schema allows.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dispatch.clock import rfc3339
from dispatch.desk.board import Board, IncidentView, OrderView
from dispatch.interchange import eido_registry as reg
from dispatch.model import Event, Service, format_stake, mask_name, mask_phone

SCHEMA = "dispatch.eido/1"


def _t(at: datetime | None) -> str | None:
    return None if at is None else rfc3339(at)


def _ref(ids: Iterable[str]) -> list[dict[str, str]]:
    return [{"$ref": i} for i in ids]


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values: the schema types every element, and ``null`` is none of them."""
    return {k: v for k, v in obj.items() if v is not None}


def tracking_id(incident: str, center: str) -> str:
    """An incident's globally unique EIDO id (NENA's ``urn:emergency:uid:incidentid`` form)."""
    return f"urn:emergency:uid:incidentid:{incident}:{center}.dispatch"


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


class _Doc:
    """The components of one document as they are built, with their shared prologue."""

    def __init__(self, inc: IncidentView, center: str) -> None:
        self.inc, self.center = inc, center
        self.centre = f"{center}.dispatch"
        self.agencies: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, dict[str, Any]] = {}

    def uid(self, local: str) -> str:
        """A component id unique beyond this document (incident and centre in it)."""
        return f"{local}.{self.inc.id}.{self.centre}"

    def prologue(self, uid: str, at: datetime | None) -> dict[str, Any]:
        return {"$id": uid, "lastUpdateTimeStamp": _t(at or self.inc.opened_at),
                "updatedByAgencyReference": {"$ref": self.centre}}

    def agency(self, address: str | None, at: datetime) -> str:
        """The agency component of this centre (``None``) or of a recipient desk."""
        if address is None:
            uid, body = self.centre, {
                "agencyRoleDescriptionRegistryText": reg.ROLE_CENTRE,
                "agencyType": reg.AGENCY_CENTRE, "incidentOwningAgencyIndicator": True,
                "agencyIdentifier": self.centre,
                "agencyName": f"Dispatch centre {self.center}"}
        else:
            service, _, unit = address.partition("/")
            try:
                label = Service(service).label["en"]
            except ValueError:
                label = service
            uid, body = f"{unit}.{service}.{self.centre}", {
                "agencyRoleDescriptionRegistryText": reg.ROLE_RECIPIENT,
                "agencyType": reg.AGENCY_TYPES.get(service, []),
                "incidentOwningAgencyIndicator": False,
                "agencyIdentifier": address, "agencyName": label}
        if uid not in self.agencies:
            self.agencies[uid] = self.prologue(uid, at) | body
        return uid

    def agent(self, operator: str, role: str, at: datetime) -> str:
        """The agent component of an operator of this centre, gaining ``role``."""
        uid = f"{operator}@{self.centre}"
        agent = self.agents.setdefault(uid, self.prologue(uid, at) | {
            "agentRoleRegistryText": [], "agencyReference": {"$ref": self.agency(None, at)}})
        if role not in agent["agentRoleRegistryText"]:
            agent["agentRoleRegistryText"].append(role)
        return uid


def document(board: Board, inc: IncidentView, center: str, *, pii: bool = False,
             now: datetime | None = None) -> dict[str, Any]:
    """The EIDO document of one incident of a folded board."""
    doc = _Doc(inc, center)
    doc.agency(None, inc.opened_at)
    if inc.owner or inc.opened_by:
        doc.agent(inc.owner or inc.opened_by, reg.AGENT_DISPATCHING, inc.opened_at)
    calls, callbacks, persons = [], [], []
    for n, call_id in enumerate(inc.calls, 1):
        call = board.calls.get(call_id)
        if call is None:
            continue
        name, phone = str(call.caller.get("name", "")), str(call.caller.get("phone", ""))
        cid = f"urn:emergency:uid:callid:{call.id}:{doc.centre}"
        person, callback = doc.uid(f"person-{n}"), doc.uid(f"callback-{n}")
        at = call.answered_at or call.at
        callbacks.append(doc.prologue(callback, call.at) | {
            # A masked number is no URI: the number leaves only with --pii.
            "callBackInformationUri": [f"tel:{phone}"] if pii and phone else []})
        persons.append(doc.prologue(person, call.at) | {
            "personIncidentRoleRegistryText": [reg.PERSON_CALLER], "callIdentifier": [cid],
            "callBackReference": {"$ref": callback},
            "ncPersonComponent": {"name": [{"personFullName": [
                {"value": name if pii else mask_name(name)}]}]}})
        agents = ([doc.agent(call.answered_by, reg.AGENT_CALL_TAKING, at)]
                  if call.answered_by else [])
        calls.append(_clean(doc.prologue(cid, at) | {
            "callStateRegistryText": reg.CALL_ANSWERED if call.answered_at else reg.CALL_BEGIN,
            "standardPrimaryCallType": reg.CALL_TYPE_PRIMARY, "direction": reg.CALL_DIRECTION,
            "callStartTimestamp": _t(call.at), "answerDate": _t(call.answered_at),
            "agentReference": _ref(agents), "callBackReference": {"$ref": callback},
            "personReference": _ref([person]), "agencyReference": _ref([doc.centre]),
            "callTrackingIdentifier": call.id,
            "callbackNumber": phone if pii else mask_phone(phone),
            "callerStatementText": call.says}))
    orders = sorted(inc.orders.values(), key=lambda o: o.sent_at)
    resources = [_resource(doc, o, n) for n, o in enumerate(orders, 1)]
    dispatches = [doc.prologue(doc.uid(f"dispatch-{n}"), o.sent_at) | {
        "agencyReference": {"$ref": doc.agency(o.to, o.sent_at)},
        "emergencyResourceReference": _ref([r["$id"]])}
        for n, (o, r) in enumerate(zip(orders, resources, strict=True), 1)]
    notes = [doc.prologue(doc.uid(f"note-{n}"), at) | {
        "notesActionComments": html.escape(text),  # HTML5, as the schema says
        "agentReference": {"$ref": doc.agent(who, reg.AGENT_DISPATCHING, at)}}
        for n, (at, who, text) in enumerate(inc.notes, 1)]
    location = _location(doc)
    merges = [doc.prologue(doc.uid(f"merge-{n}"), inc.opened_at) | {
        "incidentTrackingIdentifier": tracking_id(m, center),
        "incidentMergeDirectionCode": reg.MERGE_REPLACING} for n, m in enumerate(inc.merged, 1)]
    times = [t for t in (inc.opened_at, inc.resolved_at, inc.closed_at) if t] + \
        [at for o in orders for at, _ in o.history] + [o.sent_at for o in orders] + \
        [at for at, _, _ in inc.notes]
    updated = max(times)
    tracking = tracking_id(inc.id, center)
    return doc.prologue(tracking, now or updated) | {
        "eidoVersion": reg.EIDO_VERSION,
        "issuingElementIdentification": doc.centre,
        "schema": SCHEMA,
        "eidoMessageIdentifier": f"{tracking}:{_t(now) or _t(updated)}",
        "incidentComponent": _clean(doc.prologue(doc.uid("incident"), updated) | {
            "incidentTrackingIdentifier": tracking,
            "internalIncidentId": inc.id,
            "incidentTypeCommonRegistryText": _incident_type(inc),
            "incidentTypeInternalCode": inc.kind,
            "incidentCommonPriorityNumber": inc.priority,
            "incidentStatusCommonRegistryText": _status(inc),
            "incidentStatusInternalText": [inc.status],
            "incidentCreationTimestamp": _t(inc.opened_at),
            "incidentResolvedTimestamp": _t(inc.resolved_at),
            "incidentClosedTimestamp": _t(inc.closed_at),
            "automaticModeText": inc.auto,
            "locationReference": _ref([location["$id"]] if location else []),
            "personReference": _ref(p["$id"] for p in persons),
            "agentReference": _ref(doc.agents),
            "notesReference": _ref(n["$id"] for n in notes),
            "callReference": _ref(c["$id"] for c in calls),
            "emergencyResourceReference": _ref(r["$id"] for r in resources),
            "safetyAdviceGiven": list(inc.advice),
            "answers": dict(inc.answers)}),
        "mergeComponent": merges,
        "callComponent": calls,
        "callbackComponent": callbacks,
        "personComponent": persons,
        "locationComponent": [location] if location else [],
        "agencyComponent": list(doc.agencies.values()),
        "agentComponent": list(doc.agents.values()),
        "dispatchComponent": dispatches,
        "emergencyResourceComponent": resources,
        "notesComponent": notes,
        "@context": reg.CONTEXT,
    }


def _incident_type(inc: IncidentView) -> str:
    kind = inc.kind or ""
    if kind == "accident" and (inc.answers.get("injured") or 0) > 0:
        kind = "accident_injured"
    return reg.INCIDENT_TYPES.get(kind, reg.INCIDENT_TYPE_UNKNOWN)


def _status(inc: IncidentView) -> list[str]:
    if not inc.open:
        return [reg.STATUS_CLOSED]
    reached = {reg.STATUS_BY_ORDER[o.state] for o in inc.orders.values()
               if o.state in reg.STATUS_BY_ORDER}
    return [reg.STATUS_ACTIVE, *sorted(reached)]


def _pidf(doc: _Doc, lat: float, lon: float, at: datetime | None) -> str:
    """A PIDF-LO (RFC 4119) with a GML point (RFC 5491), as ``locationByValue`` wants."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gml="http://www.opengis.net/gml" '
        f'entity="pres:incident-{html.escape(f"{doc.inc.id}@{doc.centre}")}">'
        f'<tuple id="location-1"><status><gp:geopriv><gp:location-info>'
        f'<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>{lat} {lon}</gml:pos>'
        '</gml:Point></gp:location-info><gp:usage-rules/><gp:method>Manual</gp:method>'
        f'</gp:geopriv></status><timestamp>{_t(at)}</timestamp></tuple></presence>')


def _location(doc: _Doc) -> dict[str, Any] | None:
    inc, loc = doc.inc, doc.inc.location
    if not loc:
        return None
    text = " ".join(str(p) for p in (
        loc.get("road"), format_stake(loc["km"]) if loc.get("km") is not None else None,
        loc.get("direction")) if p) or loc.get("text")
    detail: dict[str, Any] = _clean({
        "road": loc.get("road"), "kilometre": loc.get("km"), "direction": loc.get("direction"),
        "section": loc.get("section"), "jurisdiction": loc.get("jurisdiction"),
        "callerDescriptionText": loc.get("text")})
    point = loc.get("lat") is not None and loc.get("lon") is not None
    if point:
        detail["geometry"] = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    return _clean(doc.prologue(doc.uid("location-1"), inc.opened_at) | {
        "locationTypeDescriptionRegistryText": reg.LOCATION_INCIDENT,
        "locationByValue": _pidf(doc, loc["lat"], loc["lon"], inc.opened_at) if point else None,
        "locationDescriptionText": str(text) if text else None,
        "dispatchLocation": detail})


def _resource(doc: _Doc, order: OrderView, n: int) -> dict[str, Any]:
    agency = doc.agency(order.to, order.sent_at)
    label = doc.agencies[agency]["agencyName"]
    last = order.history[-1][0] if order.history else order.sent_at
    return _clean(doc.prologue(doc.uid(f"resource-{n}"), last) | {
        "emergencyResourceTypeCommonRegistryText": reg.RESOURCE_TYPES.get(
            order.service, reg.RESOURCE_TYPES["ops"]),
        "emergencyResourceTypeInternalText": label,
        "emergencyResourceName": order.to,
        # Orders go to a desk, which picks its own crews: no resource attributes known.
        "resourceAttributeRegistryText": [],
        "primaryUnitStatusRegistryText":
            reg.UNIT_FREE if order.state in reg.FREE_STATES else reg.UNIT_BUSY,
        "secondaryUnitStatusRegistryText": [reg.SECONDARY_STATUS.get(order.state, "Dispatched")],
        "unitStatusInternal": [order.state],
        "agentReference": [],  # the desk's own crews are not known to the centre
        "emergencyResourceIdentifier": order.id, "serviceText": order.service,
        "orderKindText": order.kind, "agencyReference": _ref([agency]),
        "dispatchTimestamp": _t(order.sent_at),
        "acknowledgedTimestamp": _t(order.first("received")),
        "enRouteTimestamp": _t(order.first("en_route")),
        "onSceneTimestamp": _t(order.first("on_scene")),
        "clearedTimestamp": _t(order.first("cleared")),
        "statusHistory": [{"statusText": reg.SECONDARY_STATUS.get(s, s), "internalText": s,
                           "timestamp": _t(at)} for at, s in order.history],
    })
