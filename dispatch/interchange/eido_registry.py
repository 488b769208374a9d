"""The registry values an EIDO document carries, each from the register NENA names.

NENA-STA-021.1b (EIDO JSON, 2022) says which registry every ``...RegistryText``
element draws from; the tables below are the values this console uses, with
the table they come from.  Nothing here is invented: where no registry value
fits (a road-section centre is no responder type), the element is left empty
and our own word goes in the matching ``...Internal...`` element.
"""

from __future__ import annotations

#: The EIDO version this console writes (the schema's ``eidoVersion`` enum).
EIDO_VERSION = "1.0"
#: The schema's one allowed JSON-LD vocabulary (``@context.@vocab`` enum in openapi.yaml).
CONTEXT = {"@vocab": "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld"}

#: Playbook kind → "EIDO-IncidentType-Common" (STA-021 Table 3-2, the APCO ANS
#: 2.103.2-2019 common incident types).  Accidents split on injuries as APCO does.
INCIDENT_TYPES = {
    "accident": "MVA",          # Motor Vehicle Accident, No Injury
    "accident_injured": "MVAINJY",  # Motor Vehicle Accident With Injury
    "breakdown": "DISVEH",      # Disabled Vehicle
    "outage": "ADMIN",          # Administrative: the centre's own link, no public emergency
    "peak_load": "ADMIN",       # Administrative: the centre's call surge
    "complaint": "ADMIN",       # Administrative: a complaint about the service
}
#: When no playbook applies yet ("EIDO-IncidentType-Common", APCO "Information").
INCIDENT_TYPE_UNKNOWN = "INFO"

#: "EIDO-IncidentStatus-Common" (STA-021 Table 3-3).
STATUS_ACTIVE, STATUS_CLOSED = "Active", "Closed"
#: The furthest an order got → the incident status it shows (same table).
STATUS_BY_ORDER = {"sent": "ResourcesAssigned", "delivered": "ResourcesAssigned",
                   "received": "ResourcesAssigned", "accepted": "ResourcesAssigned",
                   "en_route": "ResourcesEnroute", "on_scene": "ResourcesOnscene"}

#: "EIDO-AgencyRole" (STA-021 Table 3-1).
ROLE_CENTRE = ["CallReceiving", "Dispatching"]
ROLE_RECIPIENT = ["Dispatched"]

#: Service → agencyType, from the IANA urn:emergency:service:responder registry
#: without its prefix (STA-021 §2.6; values as listed in NENA-STA-010.3 §10.5–10.7).
#: The centre is "psap", the value NENA's own sample uses for the call-receiving agency.
AGENCY_CENTRE = ["psap"]
AGENCY_TYPES: dict[str, list[str]] = {
    "110": ["police"], "119": ["fire"], "120": ["ems"],
    # The responder registry has no road operator or technical desk: left empty.
    "section": [], "ops": [],
}

#: "Agent Roles" registry of NENA-STA-010.3 (§10.28), which STA-021 §2.5 points to;
#: "Call Taking" is also the value in NENA's sample.
AGENT_CALL_TAKING, AGENT_DISPATCHING = "Call Taking", "Dispatching"

#: Service → "EIDO-EmergencyResourceType-Common" (STA-021 Table 3-11).
RESOURCE_TYPES = {
    "110": "PatrolUnit",                # Law Enforcement Patrol Unit
    "119": "StructureFireEngineType1",  # the frontline engine a 119 station sends first
    "120": "GroundALSAmbulance",        # 120 ambulances carry a doctor: advanced life support
    "section": "MaintenanceandRepairTeam",  # road patrol and repair of the section
    "ops": "CommSupportTeam",           # Communications Support Team: the bus and the links
}

#: "EIDO-PrimaryUnitStatus-Common" (STA-021 Table 3-9): busy while the order runs.
UNIT_FREE, UNIT_BUSY = "Available", "NotAvailable"
#: Order state → "EIDO-SecondaryUnitStatus-Common" (STA-021 Table 3-10).
SECONDARY_STATUS = {
    "sent": "Dispatched", "delivered": "Dispatched",
    "received": "AcknowledgedTransmission", "accepted": "Assigned",
    "declined": "AssignmentCancelled", "en_route": "EnRoute", "on_scene": "OnScene",
    "cleared": "Cleared", "cancelled": "AssignmentCancelled",
}
FREE_STATES = frozenset({"declined", "cleared", "cancelled"})

#: "EIDO-LocationType" (STA-021 Table 3-8) and "EIDO-PersonRole" (Table 3-6).
LOCATION_INCIDENT = "CurrentIncident"
PERSON_CALLER = "Caller"

#: Call elements: "Call States" registry values named in STA-021 §2.10 (callBegin,
#: callAnswered); the LogEvent CallTypes "Primary" value and the direction NENA's
#: sample uses for a call the sender received.
CALL_BEGIN, CALL_ANSWERED = "callBegin", "callAnswered"
CALL_TYPE_PRIMARY = "emergency"
CALL_DIRECTION = "incoming"

#: IncidentMergeDirectionCodeSimpleType (openapi.yaml): the surviving incident replaces
#: the ones merged into it.
MERGE_REPLACING = "REPLACING"
