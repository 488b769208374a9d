"""Every inbound check: garbage, forgeries, wrong centre, and drills kept off live units."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import aiomqtt
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dispatch.bus.codec import MAX_BYTES, Checks, Rejected, canonical, decode, encode, sign
from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import NODELAY
from dispatch.bus.payloads import CallMessage, StatusMessage
from dispatch.bus.topics import Topics
from dispatch.clock import ManualClock
from dispatch.model import Address, new_id
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import count, events_of, order, orders_of, settings

KEY = b"shared-secret-key"
LIVE = Checks("hubei", False)


def call(**kw: object) -> dict:
    data = {"schema": "dispatch.call/1", "id": new_id(), "at": "2026-11-22T08:00:00.000Z",
            "center": "hubei", "drill": False, "caller": {"name": "Li", "phone": "13800000001"},
            "says": "追尾了", "location": "G4 K1024+300", "answers": {"injured": 2}}
    data.update(kw)
    return data


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object but list"),
        (b"x" * (MAX_BYTES + 1), "too big: 65537 bytes (limit 65536)"),
        (canonical(call(schema="dispatch.call/9")), "wrong schema: schema"),
        (canonical(call(id="42")), "wrong schema: id: Value error, id must be a UUID"),
        (canonical(call(at="yesterday")), "wrong schema: at"),
        (canonical(call(at="2026-11-22T08:00:00")), "wrong schema: at"),
        (canonical({k: v for k, v in call().items() if k != "caller"}), "wrong schema: caller"),
        (canonical(call(center="hunan")), "wrong centre: 'hunan', expected 'hubei'"),
        (canonical(call(drill=True)), "drill message on the live root"),
    ],
)
def test_each_rejection_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        decode(raw, CallMessage, LIVE)
    assert str(caught.value).startswith(reason)


def test_live_message_on_the_drill_root() -> None:
    with pytest.raises(Rejected, match="live message on the drill root"):
        decode(canonical(call()), CallMessage, Checks("hubei", True))


def test_signatures() -> None:
    signed = sign(call(), KEY)
    checks = Checks("hubei", False, KEY)
    assert decode(canonical(signed), CallMessage, checks).caller.name == "Li"
    # key order and spacing do not matter: the signature is over canonical JSON
    assert decode(json.dumps(signed, indent=2).encode(), CallMessage, checks)
    with pytest.raises(Rejected, match="bad signature"):
        decode(canonical({**signed, "says": "tampered"}), CallMessage, checks)
    with pytest.raises(Rejected, match="bad signature"):
        decode(canonical(sign(call(), b"other key")), CallMessage, checks)
    with pytest.raises(Rejected, match="missing signature"):
        decode(canonical(call()), CallMessage, checks)
    # Without a key nothing is signed or checked.
    assert decode(canonical(call()), CallMessage, Checks("hubei", False))


def test_encode_refuses_oversize() -> None:
    from dispatch.errors import BusError

    with pytest.raises(BusError, match="exceeds the 64 KiB limit"):
        encode(call(says="x" * MAX_BYTES))


TOPICS = Topics("hubei")
INBOUND = [TOPICS.calls_in, TOPICS.from_("120/xianning"), TOPICS.from_("bad/x"),
           f"{TOPICS.root}/from/120", TOPICS.presence_unit("120/xianning")]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)
garbage = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["schema", "id", "at", "center", "drill", "caller", "says",
                                     "order", "from", "status", "incident", "online", "sig"]),
                    json_values, max_size=10).map(lambda d: json.dumps(d).encode()),
    st.builds(lambda d: canonical({**call(), **d}),
              st.dictionaries(st.sampled_from(["id", "at", "center", "drill", "caller",
                                               "location", "answers"]), json_values,
                              min_size=1, max_size=3)),
)


@hsettings(max_examples=300, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(topic=st.sampled_from(INBOUND), raw=garbage)
def test_garbage_on_every_inbound_topic_is_only_rejected(
    log: Timeline, topic: str, raw: bytes
) -> None:
    bus = ConsoleBus(log, settings(1, "never-started"), tick_s=None)
    before = log.event_count()
    bus.receive(topic, raw)
    new = list(log.events(after_seq=before))
    # A generated payload may by chance be a valid call; anything else is rejected.
    assert all(e.type in ("message_rejected", "call_received") for e in new)
    if new and new[0].type == "message_rejected":
        assert new[0].data["topic"] == topic and new[0].data["reason"]
    valid = call()
    bus.receive(TOPICS.calls_in, canonical(valid))
    assert list(log.events(after_seq=before))[-1].data["call"] == valid["id"]


async def test_garbage_over_the_broker_then_a_valid_call(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto
) -> None:
    bus = ConsoleBus(log, settings(mosquitto.port, "console-g"), clock=clock, tick_s=None)
    heard = events_of(bus)
    await bus.start()
    await bus.link.wait_up()
    junk = [b"", b"\x00\xff", b"{}", b"null", canonical(call(center="x")), b"[" * 5000]
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as raw:
        for topic in INBOUND:
            for payload in junk:
                await raw.publish(topic, payload, qos=1)
        valid = call()
        await raw.publish(TOPICS.calls_in, canonical(valid), qos=1)
        await raw.publish(TOPICS.calls_in, canonical(valid), qos=1)  # a duplicate delivery
    await heard.until(lambda evs: count(evs, "call_received") == 1)
    await bus.stop()
    rejected = [e for e in log.events(types=["message_rejected"])]
    # ".../from/120" matches no subscription; every other topic refuses every piece of junk.
    assert len(rejected) == (len(INBOUND) - 1) * len(junk)
    calls = list(log.events(types=["call_received"]))
    assert [c.data["call"] for c in calls] == [valid["id"]]
    assert calls[0].data["caller"] == {"name": "Li", "phone": "13800000001"}


async def test_forged_status_is_refused(
    make_log, clock: ManualClock, mosquitto: Mosquitto, tmp_path: Path
) -> None:
    log: Timeline = make_log()
    bus = ConsoleBus(log, settings(mosquitto.port, "console-k"), clock=clock, tick_s=None,
                     key=KEY)
    heard = events_of(bus)
    await bus.start()
    honest = UnitClient(Address.parse("120/xianning"), UnitStore(tmp_path / "h.db"),
                        settings(mosquitto.port, "u-honest"), center="hubei", clock=clock,
                        key=KEY)
    await honest.start()
    await honest.link.wait_up()
    iid = log.open_incident("op1").incident
    oid = bus.send_order(order(clock, iid), "op1").data["order"]
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    forged = {"schema": "dispatch.status/1", "id": new_id(), "at": "2026-11-22T08:00:00Z",
              "center": "hubei", "drill": False, "order": oid, "incident": iid,
              "from": "120/xianning", "status": "cleared"}
    impostor = {**forged, "id": new_id(), "from": "120/wuhan"}
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as raw:
        await raw.publish(TOPICS.from_("120/xianning"), canonical(sign(forged, b"guess")), qos=1)
        await raw.publish(TOPICS.from_("120/xianning"), canonical(forged), qos=1)
        await raw.publish(TOPICS.from_("120/wuhan"), canonical(sign(impostor, KEY)), qos=1)
    await heard.until(lambda evs: count(evs, "message_rejected") == 3)
    await honest.stop()
    await bus.stop()
    reasons = [e.data["reason"] for e in log.events(types=["message_rejected"])]
    assert reasons == ["bad signature", "missing signature",
                       f"order {oid} was not sent to 120/wuhan"]
    assert log.outbox_entry(oid).status == "received"  # nothing forged got through


async def test_a_drill_order_never_reaches_a_live_recipient(
    make_log, clock: ManualClock, mosquitto: Mosquitto, tmp_path: Path
) -> None:
    drill_log: Timeline = make_log("drill.db", drill=True)
    drill_bus = ConsoleBus(drill_log, settings(mosquitto.port, "console-drill"), clock=clock,
                           tick_s=None)
    addr = Address.parse("120/xianning")
    live_unit = UnitClient(addr, UnitStore(tmp_path / "live-unit.db"),
                           settings(mosquitto.port, "u-live"), center="hubei", clock=clock)
    drill_unit = UnitClient(addr, UnitStore(tmp_path / "drill-unit.db"),
                            settings(mosquitto.port, "u-drill"), center="hubei", drill=True,
                            clock=clock)
    live_seen, drill_seen = orders_of(live_unit), orders_of(drill_unit)
    for client in (live_unit, drill_unit):
        await client.start()
        await client.link.wait_up()
    await drill_bus.start()
    iid = drill_log.open_incident("trainer").incident
    drill_order = order(clock, iid, drill=True)
    heard = events_of(drill_bus)
    drill_bus.send_order(drill_order, "trainee")
    await drill_seen.until(lambda items: len(items) == 1)
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    # Even a drill payload smuggled onto the live root is refused by the live unit.
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as raw:
        await raw.publish(TOPICS.to(addr), encode(order(clock, iid, drill=True)), qos=1)
        marker = order(clock, "20261122-0999")
        await raw.publish(TOPICS.to(addr), encode(marker), qos=1)
    # only the marker arrives
    await live_seen.until(lambda items: len(items) == 1)
    for client in (live_unit, drill_unit, drill_bus):
        await client.stop()
    assert [h.id for h, _ in live_seen.items] == [marker.id]
    assert live_unit.store.rejected()[0][2] == "drill message on the live root"
    assert drill_order.id in [h.id for h in drill_unit.store.orders()]
    assert drill_bus.topics.to(addr).startswith("dispatch-drill/v1/hubei/")
    with pytest.raises(Exception, match="centre and kind"):
        drill_bus.send_order(order(clock, iid, drill=False), "trainee")


def test_status_payload_round_trip() -> None:
    msg = StatusMessage.model_validate(
        {"schema": "dispatch.status/1", "id": new_id(), "at": datetime(2026, 11, 22, tzinfo=UTC),
         "center": "hubei", "drill": False, "order": new_id(), "incident": "20261122-0001",
         "from": "120/xianning", "status": "en_route", "eta_s": 600})
    again = decode(encode(msg, KEY), StatusMessage, Checks("hubei", False, KEY))
    assert again == msg.model_copy(update={"sig": again.sig})
    assert json.loads(encode(msg))["from"] == "120/xianning"
