"""The required structure of NENA's EIDO JSON schema, restated in code for the tests.

NENA's schema (public repository NENA911/EIDO-JSON, ``Schema/openapi.yaml`` with
its ``NIEMComponents``) carries no licence, so it is not shipped here.  This
module restates, as a JSON Schema of our own, what that schema requires of the
components the console writes: the prologue on every component, each
component's required elements, their types and enums, ``date-time`` formats.
It is stricter in one way: every ``...RegistryText`` must hold a value of the
registry NENA-STA-021 names (the values the console uses, from
:mod:`dispatch.interchange.eido_registry`, each checked against the standard's
tables there).  With a local copy of NENA's repository, ``EIDO_SCHEMA_DIR``
makes the tests validate against NENA's own files too (:func:`nena_validator`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from dispatch.interchange import eido_registry as reg

_REF = {"type": "object", "required": ["$ref"], "properties": {"$ref": {"type": "string"}}}
_REFS = {"type": "array", "items": _REF}
_TIME = {"type": "string", "format": "date-time"}
_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}


def _enum(values: Any) -> dict[str, Any]:
    return {"enum": sorted(set(values))}


def _component(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    """A component: the prologue (PrologueType) and its own elements."""
    return {"type": "object",
            "required": ["$id", "lastUpdateTimeStamp", "updatedByAgencyReference", *required],
            "properties": {"$id": _STR, "lastUpdateTimeStamp": _TIME,
                           "updatedByAgencyReference": _REF, "updatedByAgentReference": _REF,
                           **props}}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


_INCIDENT_STATUS = {reg.STATUS_ACTIVE, reg.STATUS_CLOSED, *reg.STATUS_BY_ORDER.values()}
_AGENCY_TYPES = {v for vs in reg.AGENCY_TYPES.values() for v in vs} | set(reg.AGENCY_CENTRE)

#: EmergencyIncidentDataObjectType and the components it holds (openapi.yaml).
SCHEMA: dict[str, Any] = _component(["eidoVersion", "issuingElementIdentification",
                                     "agencyComponent"], {
    "eidoVersion": {"enum": ["1.0"]},
    "issuingElementIdentification": _STR,
    "@context": {"type": "object", "properties": {"@vocab": {"enum": [reg.CONTEXT["@vocab"]]}}},
    "incidentComponent": _component(["incidentTypeCommonRegistryText"], {
        "incidentTypeCommonRegistryText": _enum(
            [*reg.INCIDENT_TYPES.values(), reg.INCIDENT_TYPE_UNKNOWN]),
        "incidentStatusCommonRegistryText": _array(_enum(_INCIDENT_STATUS)),
        "incidentStatusInternalText": _STRS, "internalIncidentId": _STR,
        "incidentTypeInternalCode": _STR, "incidentCommonPriorityNumber": {"type": "integer"},
        "locationReference": _REFS, "personReference": _REFS, "agentReference": _REFS,
        "notesReference": _REFS}),
    "mergeComponent": _array(_component(
        ["incidentMergeDirectionCode", "incidentTrackingIdentifier"],
        {"incidentMergeDirectionCode": {"enum": ["REPLACING", "REPLACED", "SPLIT"]},
         "incidentTrackingIdentifier": _STR})),
    "callComponent": _array(_component(
        ["callStateRegistryText", "standardPrimaryCallType", "direction", "callStartTimestamp"],
        {"callStateRegistryText": _STR, "standardPrimaryCallType": _STR,
         "direction": {"enum": ["incoming", "outgoing", "internal"]},
         "callStartTimestamp": _TIME, "answerDate": _TIME, "agentReference": _REFS,
         "callBackReference": _REF, "personReference": _REFS, "agencyReference": _REFS})),
    "callbackComponent": _array(_component([], {"callBackInformationUri": _STRS})),
    "personComponent": _array(_component(["personIncidentRoleRegistryText"], {
        "personIncidentRoleRegistryText": _array(_enum([reg.PERSON_CALLER])),
        "callIdentifier": _STRS, "callBackReference": _REF,
        "ncPersonComponent": {"type": "object"}})),
    "locationComponent": _array(_component(["locationTypeDescriptionRegistryText"], {
        "locationTypeDescriptionRegistryText": _enum([reg.LOCATION_INCIDENT]),
        "locationByValue": _STR, "locationDescriptionText": _STR})),
    "agencyComponent": _array(_component(["agencyRoleDescriptionRegistryText", "agencyType"], {
        "agencyRoleDescriptionRegistryText": _array(_enum(
            [*reg.ROLE_CENTRE, *reg.ROLE_RECIPIENT])),
        "agencyType": _array(_enum(_AGENCY_TYPES)),
        "incidentOwningAgencyIndicator": {"type": "boolean"}})),
    "agentComponent": _array(_component(["agentRoleRegistryText", "agencyReference"], {
        "agentRoleRegistryText": _array(_enum([reg.AGENT_CALL_TAKING, reg.AGENT_DISPATCHING])),
        "agencyReference": _REF})),
    "dispatchComponent": _array(_component([], {"agencyReference": _REF,
                                                "emergencyResourceReference": _REFS})),
    "emergencyResourceComponent": _array(_component(
        ["agentReference", "emergencyResourceTypeCommonRegistryText",
         "primaryUnitStatusRegistryText", "resourceAttributeRegistryText",
         "secondaryUnitStatusRegistryText"],
        {"agentReference": _REFS,
         "emergencyResourceTypeCommonRegistryText": _enum(reg.RESOURCE_TYPES.values()),
         "primaryUnitStatusRegistryText": _enum([reg.UNIT_FREE, reg.UNIT_BUSY]),
         "resourceAttributeRegistryText": _STRS,
         "secondaryUnitStatusRegistryText": _array(_enum(reg.SECONDARY_STATUS.values())),
         "unitStatusInternal": _STRS, "emergencyResourceName": _STR})),
    "notesComponent": _array(_component(["notesActionComments"], {
        "notesActionComments": _STR, "agentReference": _REF})),
})

VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(doc: dict[str, Any]) -> list[str]:
    """Every way ``doc`` departs from the restated structure, as ``path: message``."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(doc)]


def nena_dir() -> Path | None:
    """A local copy of NENA911/EIDO-JSON, if ``EIDO_SCHEMA_DIR`` names one."""
    raw = os.environ.get("EIDO_SCHEMA_DIR")
    return Path(raw) if raw and (Path(raw) / "Schema" / "openapi.yaml").is_file() else None


def nena_validator(root: Path):  # type: ignore[no-untyped-def]
    """A validator of NENA's own EmergencyIncidentDataObjectType (OpenAPI 3.0 semantics).

    ``openapi.yaml`` writes one ``minItems`` as the string ``"1,"`` (AgentType); that
    typo is read as ``1``, the only repair made to NENA's files.
    """
    import yaml
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    def repair(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: int(v.rstrip(",")) if k == "minItems" and isinstance(v, str)
                    else repair(v) for k, v in obj.items()}
        return [repair(v) for v in obj] if isinstance(obj, list) else obj

    def retrieve(uri: str) -> Resource:
        # Normalises NENA's one doubled slash ("NIEMComponents//j.yaml").
        path = Path(uri.removeprefix("file://")).resolve()
        return Resource.from_contents(repair(yaml.safe_load(path.read_text(encoding="utf-8"))),
                                      default_specification=DRAFT4)

    base = (root / "Schema" / "openapi.yaml").resolve().as_uri()
    return OAS30Validator({"$ref": f"{base}#/components/schemas/EmergencyIncidentDataObjectType"},
                          registry=Registry(retrieve=retrieve),  # type: ignore[call-arg]
                          format_checker=OAS30Validator.FORMAT_CHECKER)
