"""Interchange against the standards' own schemas: EIDO (NENA) and CAP 1.2 (OASIS).

Every shipped drill is run headless once (as tests/test_drills.py does); each
incident it leaves is exported as EIDO and every advisory it publishes is
checked against OASIS's CAP-v1.2.xsd with xmlschema.  NENA's EIDO schema is not
redistributable (its repository has no licence): the tests check the structure
restated in tests/eidolib.py, and NENA's own files too when ``EIDO_SCHEMA_DIR``
names a local copy of NENA911/EIDO-JSON.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from dispatch.config import Config
from dispatch.drill import load_scenario
from dispatch.drill.runner import DrillRunner
from dispatch.interchange import eido_registry as reg
from dispatch.interchange.cap import CAP_NS, Advisory, Area, to_xml
from dispatch.interchange.eido import documents
from dispatch.timeline import Timeline

from . import eidolib

ROOT = Path(__file__).resolve().parents[1]
DRILLS = sorted((ROOT / "playbooks" / "drills").glob("*.toml"))
CAP_XSD = ROOT / "tests" / "fixtures" / "cap" / "CAP-v1.2.xsd"
STA = "NENA-STA-021"


@pytest.fixture(scope="module")
def drilled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Per drill: its EIDO documents and the CAP XML of its advisories."""
    out: dict[str, dict[str, Any]] = {}
    folder = tmp_path_factory.mktemp("drills")
    for drill in DRILLS:
        runner = DrillRunner(load_scenario(drill), Config(), folder / f"{drill.stem}.db",
                             speed=120, grace_s=600)
        result = asyncio.run(runner.run())
        with Timeline(result.db, center=None, drill=None, create=False) as log:
            out[drill.stem] = {
                "eido": documents(log.events(), log.center or "hubei"),
                "cap": [e.data for e in log.events(types=["advisory_published"])]}
    return out


def test_every_drill_incident_has_the_eido_structure(drilled: dict[str, Any]) -> None:
    kinds = set()
    for name, got in drilled.items():
        assert got["eido"], name
        for doc in got["eido"]:
            assert eidolib.errors(doc) == [], (name, doc["$id"])
            kinds.add(doc["incidentComponent"]["incidentTypeInternalCode"])
            ids = {c["$id"] for key, value in doc.items() if key.endswith("Component")
                   for c in (value if isinstance(value, list) else [value])}
            assert all(r in ids for r in _refs(doc)), name  # every reference resolves
            json.dumps(doc)
    assert kinds >= {"accident", "breakdown", "outage", "peak_load", "complaint"}


def _refs(obj: object) -> list[str]:
    if isinstance(obj, dict):
        own = [obj["$ref"]] if "$ref" in obj else []
        return own + [r for v in obj.values() for r in _refs(v)]
    return [r for v in obj for r in _refs(v)] if isinstance(obj, list) else []


def test_the_structure_check_catches_what_nena_requires(drilled: dict[str, Any]) -> None:
    doc = drilled["accident-injuries"]["eido"][0]
    broken = copy.deepcopy(doc)
    del broken["eidoVersion"]
    del broken["callComponent"][0]["lastUpdateTimeStamp"]
    del broken["agencyComponent"][0]["agencyType"]
    broken["emergencyResourceComponent"][0]["primaryUnitStatusRegistryText"] = "Busy"
    broken["incidentComponent"]["incidentStatusCommonRegistryText"] = "Active"
    found = "\n".join(eidolib.errors(broken))
    for wanted in ("'eidoVersion' is a required property",
                   "callComponent/0: 'lastUpdateTimeStamp' is a required property",
                   "agencyComponent/0: 'agencyType' is a required property",
                   "'Busy' is not one of", "'Active' is not of type 'array'"):
        assert wanted in found


def test_registry_values_come_from_the_standard() -> None:
    # The values the console uses, against the tables of NENA-STA-021.1b (spot checks
    # of each table's spelling, which the registries define case-sensitively).
    assert reg.INCIDENT_TYPES["accident"] == "MVA" and reg.INCIDENT_TYPES["breakdown"] == "DISVEH"
    assert set(reg.ROLE_CENTRE) <= {"Assisting", "CallReceiving", "Dispatched", "Dispatching",
                                    "Informational", "TransferredTo"}
    assert {reg.UNIT_FREE, reg.UNIT_BUSY} <= {"Available", "ConditionallyAvailable",
                                              "NotAvailable"}
    assert reg.LOCATION_INCIDENT == "CurrentIncident" and reg.PERSON_CALLER == "Caller"


nena = pytest.mark.skipif(eidolib.nena_dir() is None,
                          reason="EIDO_SCHEMA_DIR: no local copy of NENA911/EIDO-JSON")


@nena
def test_nenas_own_sample_validates_against_nenas_schema() -> None:
    root = eidolib.nena_dir()
    assert root is not None
    samples = sorted((root / "Samples").glob("*.json"))
    assert samples
    validator = eidolib.nena_validator(root)
    for sample in samples:
        doc = json.loads(sample.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(doc)] == [], sample.name


@nena
def test_every_drill_incident_validates_against_nenas_schema(drilled: dict[str, Any]) -> None:
    root = eidolib.nena_dir()
    assert root is not None
    validator = eidolib.nena_validator(root)
    for name, got in drilled.items():
        for doc in got["eido"]:
            errs = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator.iter_errors(doc)]
            assert errs == [], (name, doc["$id"], errs[:10])


@pytest.fixture(scope="module")
def cap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(CAP_XSD))


def test_the_vendored_xsd_is_oasis_cap_1_2(cap_schema: xmlschema.XMLSchema) -> None:
    assert cap_schema.target_namespace == CAP_NS
    assert "Copyright OASIS Open 2010" in CAP_XSD.read_text(encoding="utf-8")


def test_every_drill_advisory_validates_against_the_cap_xsd(
        drilled: dict[str, Any], cap_schema: xmlschema.XMLSchema) -> None:
    seen = []
    for name in ("outage-60s", "peak-20-calls"):
        published = drilled[name]["cap"]
        kinds = [a["msg_type"] for a in published]
        # One episode, or more when a loaded machine lets the mode end and open again:
        # every Alert is followed by its Cancel.
        assert kinds and kinds == ["Alert", "Cancel"] * (len(kinds) // 2), (name, kinds)
        for advisory in published:
            errs = [str(e.reason) for e in cap_schema.iter_errors(advisory["cap"])]
            assert errs == [], (name, advisory["msg_type"], errs)
            seen.append(advisory["msg_type"])
    for got in drilled.values():  # and whatever any other drill publishes
        for advisory in got["cap"]:
            cap_schema.validate(advisory["cap"])
    assert set(seen) == {"Alert", "Cancel"}


def test_an_update_validates_against_the_cap_xsd(cap_schema: xmlschema.XMLSchema) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    alert = Advisory(identifier="hubei.peak.1", sender="dispatch.hubei",
                     sent=datetime(2026, 11, 22, 0, 0, tzinfo=UTC), status="Actual",
                     msg_type="Alert", mode="peak",
                     instruction={"en": "Leave the lanes.", "zh": "离开车道。"},
                     areas=(Area({"en": "G4 K1024+300", "zh": "G4 K1024+300"},
                                  ((29.83, 114.25, 2.0),)),), incident="0001")
    update = replace(alert, identifier="hubei.peak.2", msg_type="Update",
                     references="dispatch.hubei,hubei.peak.1,2026-11-22T08:00:00+08:00")
    for adv in (alert, update, replace(update, identifier="hubei.peak.3", msg_type="Cancel")):
        xml = to_xml(adv, ZoneInfo("Asia/Shanghai"))
        assert [str(e.reason) for e in cap_schema.iter_errors(xml)] == [], adv.msg_type
        assert re.search(rf"<msgType>{adv.msg_type}</msgType>", xml)
