"""Interchange: EIDO incidents, CAP 1.2 advisories, the self-contained HTML report."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import aiomqtt
import pytest

from dispatch.bus.codec import Checks, decode
from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import NODELAY
from dispatch.bus.payloads import AdvisoryMessage
from dispatch.cli import main
from dispatch.clock import ManualClock, rfc3339
from dispatch.desk import Desk, Operator, policies
from dispatch.interchange.cap import CAP_NS
from dispatch.interchange.eido import documents
from dispatch.timeline import Timeline

from . import eidolib
from .brokers import Mosquitto
from .buslib import settings
from .desklib import make_desk, shipped

OP = Operator("op7")
N = f"{{{CAP_NS}}}"
ALERT_ORDER = ["identifier", "sender", "sent", "status", "msgType", "source", "scope",
               "restriction", "addresses", "code", "note", "references", "incidents", "info"]
INFO_ORDER = ["language", "category", "event", "responseType", "urgency", "severity",
              "certainty", "audience", "eventCode", "effective", "onset", "expires",
              "senderName", "headline", "description", "instruction", "web", "contact",
              "parameter", "resource", "area"]
AREA_ORDER = ["areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"]
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def check_cap(xml: str) -> ET.Element:
    """Check a document against CAP 1.2's structure: namespace, required elements, order."""
    root = ET.fromstring(xml.encode())
    assert root.tag == f"{N}alert"

    def names(el: ET.Element) -> list[str]:
        assert all(c.tag.startswith(N) for c in el), "every element in the CAP namespace"
        return [c.tag.removeprefix(N) for c in el]

    def in_order(found: list[str], order: list[str], required: set[str]) -> None:
        assert required <= set(found), f"missing {required - set(found)}"
        positions = [order.index(f) for f in found]  # unknown elements raise here
        assert positions == sorted(positions), f"out of order: {found}"

    in_order(names(root), ALERT_ORDER, {"identifier", "sender", "sent", "status", "msgType",
                                        "scope"})
    get = lambda el, tag: el.findtext(f"{N}{tag}")  # noqa: E731
    assert not re.search(r"[\s,<&]", get(root, "identifier"))
    assert CAP_TIME.match(get(root, "sent"))
    assert get(root, "status") in ("Actual", "Exercise", "System", "Test", "Draft")
    assert get(root, "msgType") in ("Alert", "Update", "Cancel", "Ack", "Error")
    assert get(root, "scope") == "Public"
    infos = root.findall(f"{N}info")
    assert infos
    for info in infos:
        in_order(names(info), INFO_ORDER, {"category", "event", "urgency", "severity",
                                           "certainty"})
        assert get(info, "category") == "Transport"
        assert get(info, "urgency") in ("Immediate", "Expected", "Future", "Past", "Unknown")
        assert get(info, "severity") in ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
        assert get(info, "certainty") in ("Observed", "Likely", "Possible", "Unlikely",
                                          "Unknown")
        for area in info.findall(f"{N}area"):
            in_order(names(area), AREA_ORDER, {"areaDesc"})
            for circle in area.findall(f"{N}circle"):
                assert re.match(r"^-?\d+(\.\d+)?,-?\d+(\.\d+)? \d+(\.\d+)?$", circle.text or "")
    return root


def peak_desk(log: Timeline, clock: ManualClock, bus: ConsoleBus | None = None) -> Desk:
    desk = make_desk(log, peak_calls=2, peak_window_s=120)
    if bus is not None:
        playbooks, roadmap, service = shipped()
        desk = Desk(log, bus, playbooks, roadmap, service=service, tick_s=None,
                    modes_config=desk.modes)
        policies.attach(desk)
    for n in range(3):
        call = desk.receive_call(OP, {"name": "李明", "phone": f"1380000000{n}"}, "追尾了")
        if n == 0:
            desk.answer(OP, call)
            iid = desk.open_incident(OP, call)
            desk.set_location(OP, iid, "G4 K1024+300")
            desk.apply_playbook(OP, iid, "accident")
        clock.advance(5)
    assert desk.board.mode == "peak"
    return desk


def test_peak_mode_publishes_a_cap_alert_and_cancels_it(log: Timeline,
                                                        clock: ManualClock) -> None:
    desk = peak_desk(log, clock)
    clock.advance(600)
    desk.tick()
    assert desk.board.mode == "normal"
    published = list(log.events(types=["advisory_published"]))
    assert [e.data["msg_type"] for e in published] == ["Alert", "Cancel"]
    alert, cancel = (check_cap(e.data["cap"]) for e in published)
    get = lambda el, tag: el.findtext(f"{N}{tag}")  # noqa: E731
    assert get(alert, "status") == "Actual" and get(alert, "sent").endswith("+08:00")  # local time
    assert [get(i, "language") for i in alert.findall(f"{N}info")] == ["en-US", "zh-CN"]
    en, zh = alert.findall(f"{N}info")
    # The safety advice read to callers is the public's instruction.
    assert "guardrail" in get(en, "instruction") and "150 metres" in get(en, "instruction")
    assert "护栏" in get(zh, "instruction")
    area = en.find(f"{N}area")
    assert area is not None and "G4" in get(area, "areaDesc")
    assert area.find(f"{N}circle") is not None
    ref = published[0].data["reference"]
    assert get(cancel, "references") == ref
    assert ref.split(",")[:2] == [get(alert, "sender"), get(alert, "identifier")]
    assert ref.split(",")[2] == get(alert, "sent")
    assert published[0].data["topic"] == "dispatch/v1/hubei/advisories"
    queued = desk.bus._advisories
    assert [o.retain for o in queued] == [True, True]


def test_outage_advisory_and_exercise_in_drills(make_log, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    log = make_log("drill.db", drill=True)
    desk = make_desk(log)
    desk.bus._link_changed(False, clock.now())
    clock.advance(31)
    desk.tick()
    assert desk.board.mode == "outage"
    desk.bus._link_changed(True, clock.now())
    desk.tick()
    published = list(log.events(types=["advisory_published"]))
    assert [e.data["msg_type"] for e in published] == ["Alert", "Cancel"]
    for event in published:
        root = check_cap(event.data["cap"])
        assert root.findtext(f"{N}status") == "Exercise"
        assert event.data["topic"] == "dispatch-drill/v1/hubei/advisories"
        assert "Hotline" in root.find(f"{N}info").findtext(f"{N}event")  # type: ignore[union-attr]


async def test_the_advisory_reaches_subscribers_signed_and_retained(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    key = b"k" * 32
    bus = ConsoleBus(log, settings(mosquitto.port, "console-cap"), clock=clock, tick_s=None,
                     key=key)
    desk = peak_desk(log, clock, bus)
    await desk.start()
    await desk.bus.link.wait_up()
    await desk.bus.advisory_drain.drain_once()
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as late:
        await late.subscribe(desk.bus.topics.advisories, qos=1)
        async for message in late.messages:
            assert message.retain
            got = decode(bytes(message.payload), AdvisoryMessage,  # type: ignore[arg-type]
                         Checks("hubei", False, key))
            break
    await desk.stop()
    assert got.msg_type == "Alert" and got.sig
    check_cap(got.cap)
    # Clear the retained message for other tests on the shared broker.
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as c:
        await c.publish(desk.bus.topics.advisories, b"", qos=1, retain=True)


def test_export_cap_writes_every_advisory(log: Timeline, clock: ManualClock, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    desk = peak_desk(log, clock)
    clock.advance(600)
    desk.tick()
    out = tmp_path / "cap"
    assert main(["export", "--format", "cap", "--db", str(log.path), "--out", f"{out}/"]) == 0
    files = sorted(out.glob("*.xml"))
    assert len(files) == 2
    for f in files:
        check_cap(f.read_text(encoding="utf-8"))
    assert main(["export", "--format", "cap", "--db", str(log.path), "--out",
                 str(tmp_path / "one.xml")]) == 1
    assert "give a folder" in capsys.readouterr().err


def _worked(log: Timeline, clock: ManualClock) -> tuple[Desk, str]:
    desk = make_desk(log)
    call = desk.receive_call(OP, {"name": "李明", "phone": "13800000001"}, "三辆车追尾，有人受伤")
    clock.advance(4)
    desk.answer(OP, call)
    iid = desk.open_incident(OP, call)
    desk.set_location(OP, iid, "G4 K1024+300")
    desk.apply_playbook(OP, iid, "accident")
    desk.give_advice(OP, iid, "leave_lanes")
    clock.advance(20)
    orders = desk.dispatch(OP, iid, ["120", "110"])
    desk.note(OP, iid, "two cars in the left lane")
    for after, status in ((8, "received"), (40, "received"), (300, "on_scene")):
        clock.advance(after)
        order = orders[0] if after != 40 else orders[1]
        to = desk.board.incidents[iid].orders[order].to
        desk.record(desk.event("order_status", to, iid, order=order, to=to, status=status))
    clock.advance(600)
    desk.resolve(OP, iid, cancel_orders=True)
    return desk, iid


def test_eido_document_per_incident(log: Timeline, clock: ManualClock) -> None:
    _, iid = _worked(log, clock)
    docs = documents(log.events(), "hubei")
    assert len(docs) == 1
    doc = docs[0]
    for key in ("eidoMessageIdentifier", "$id", "lastUpdateTimeStamp", "incidentComponent",
                "updatedByAgencyReference", "agentComponent", "callbackComponent",
                "callComponent", "locationComponent", "agencyComponent",
                "emergencyResourceComponent", "notesComponent"):
        assert key in doc
    inc = doc["incidentComponent"]
    assert inc["internalIncidentId"] == iid
    assert doc["$id"] == inc["incidentTrackingIdentifier"]
    assert inc["incidentTrackingIdentifier"].startswith("urn:emergency:uid:incidentid:")
    assert doc["eidoVersion"] == "1.0" and doc["issuingElementIdentification"]
    assert inc["incidentTypeCommonRegistryText"] == "MVA"  # APCO; no injuries answered
    assert inc["incidentStatusCommonRegistryText"] == ["Closed"]
    assert inc["incidentStatusInternalText"] == ["resolved"]
    # Every reference resolves to a component of the document.
    ids = {c["$id"] for key, value in doc.items() if key.endswith("Component")
           for c in (value if isinstance(value, list) else [value])}

    def refs(obj: object) -> list[str]:
        if isinstance(obj, dict):
            return ([obj["$ref"]] if "$ref" in obj else []) + \
                [r for v in obj.values() for r in refs(v)]
        return [r for v in obj for r in refs(v)] if isinstance(obj, list) else []

    assert refs(doc) and all(r in ids for r in refs(doc))
    # Times come from the timeline.
    events = {e.type: e for e in log.events()}
    call = doc["callComponent"][0]
    assert call["callStartTimestamp"] == rfc3339(events["call_received"].at)
    assert call["answerDate"] == rfc3339(events["call_answered"].at)
    assert call["lastUpdateTimeStamp"] == call["answerDate"]
    assert inc["incidentResolvedTimestamp"] == rfc3339(events["incident_resolved"].at)
    resources = doc["emergencyResourceComponent"]
    assert {r["serviceText"] for r in resources} == {"120", "110"}
    assert {r["emergencyResourceTypeCommonRegistryText"] for r in resources} == {
        "GroundALSAmbulance", "PatrolUnit"}
    sent = [e for e in log.events(types=["order_sent"])]
    assert {r["dispatchTimestamp"] for r in resources} == {rfc3339(e.at) for e in sent}
    assert len(doc["dispatchComponent"]) == len(resources)
    agencies = {a["agencyIdentifier"]: a for a in doc["agencyComponent"]}
    assert set(agencies) >= {"120/xianning", "110/xianning"}
    assert agencies["120/xianning"]["agencyType"] == ["ems"]
    assert agencies["110/xianning"]["agencyRoleDescriptionRegistryText"] == ["Dispatched"]
    assert [a["agentRoleRegistryText"] for a in doc["agentComponent"]] == [
        ["Dispatching", "Call Taking"]]
    loc = doc["locationComponent"][0]
    assert loc["locationTypeDescriptionRegistryText"] == "CurrentIncident"
    assert loc["locationDescriptionText"].startswith("G4 K1024+300")
    assert "<gml:pos>" in loc["locationByValue"]  # a PIDF-LO point
    assert loc["dispatchLocation"]["geometry"]["type"] == "Point"
    assert doc["notesComponent"][0]["notesActionComments"] == "two cars in the left lane"
    # Callers are masked unless pii.
    assert call["callbackNumber"] == "138****0001"
    assert doc["callbackComponent"][0]["callBackInformationUri"] == []
    person = doc["personComponent"][0]
    assert person["personIncidentRoleRegistryText"] == ["Caller"]
    assert person["ncPersonComponent"]["name"][0]["personFullName"][0]["value"] == "李*"
    full = documents(log.events(), "hubei", pii=True)[0]
    assert full["callComponent"][0]["callbackNumber"] == "13800000001"
    assert full["callbackComponent"][0]["callBackInformationUri"] == ["tel:13800000001"]
    # The document has NENA's required structure (tests/eidolib.py).
    assert eidolib.errors(doc) == [] and eidolib.errors(full) == []
    json.dumps(doc)  # plain JSON


def test_export_eido_one_file_per_incident(log: Timeline, clock: ManualClock,
                                           tmp_path: Path) -> None:
    _, iid = _worked(log, clock)
    out = tmp_path / "eido"
    assert main(["export", "--format", "eido", "--db", str(log.path), "--out", f"{out}/"]) == 0
    doc = json.loads((out / f"{iid}.eido.json").read_text(encoding="utf-8"))
    assert doc["incidentComponent"]["internalIncidentId"] == iid


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_report_is_self_contained(log: Timeline, clock: ManualClock, tmp_path: Path,
                                       lang: str) -> None:
    _worked(log, clock)
    page = tmp_path / "report.html"
    assert main(["report", "--db", str(log.path), "--html", str(page), "--lang", lang]) == 0
    html = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    parser.close()
    tags = [t for t, _ in parser.tags]
    assert tags[0] == "html" and "script" not in tags and "link" not in tags
    assert tags.count("svg") == 2 and "table" in tags
    for _, attrs in parser.tags:
        for name in ("src", "href", "xlink:href", "data", "action"):
            assert name not in attrs
    assert "http" not in html and "url(" not in html and "@import" not in html
    text = "".join(parser.text)
    assert ("响应时效报表" if lang == "zh" else "Response-time report") in text
    assert "13800000001" not in html and "李明" not in html
