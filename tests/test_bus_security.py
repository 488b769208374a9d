"""MQTT security: accounts and TLS from configuration, signatures, no caller data in logs."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import aiomqtt
import pytest

from dispatch.bus.codec import canonical, encode, sign
from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import NODELAY, LinkSettings
from dispatch.clock import ManualClock
from dispatch.config import Config
from dispatch.config.load import parse_config
from dispatch.desk import Operator
from dispatch.model import Address, new_id
from dispatch.timeline import Timeline
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import count, events_of, orders_of, settings
from .consolelib import until
from .desklib import make_desk
from .test_mosquitto_acl import ACCOUNTS, secured  # noqa: F401  (the fixture)

KEY = b"0123456789abcdef-shared-key"
PHONE, NAME = "13912345678", "欧阳娜娜"


def call(clock: ManualClock, **kw: object) -> dict:
    return {"schema": "dispatch.call/1", "id": new_id(), "at": "2026-11-22T00:00:00Z",
            "center": "hubei", "drill": False, "caller": {"name": NAME, "phone": PHONE},
            "says": "爆胎了，在G4 K1024+300", "location": "G4 K1024+300", **kw}


def from_config(tmp_path: Path, mqtt: dict, client_id: str) -> LinkSettings:
    config = parse_config({"mqtt": mqtt}, tmp_path / "config.toml")
    assert isinstance(config, Config)
    return LinkSettings.from_config(config, client_id, reconnect_min_s=0.05,
                                    reconnect_max_s=0.2)


async def test_console_logs_in_with_the_configured_account(
    secured: Mosquitto, log: Timeline, clock: ManualClock, tmp_path: Path  # noqa: F811
) -> None:
    url = f"mqtt://127.0.0.1:{secured.port}"
    good = ConsoleBus(log, from_config(tmp_path, {"url": url, "username": "console-01",
                                                  "password": ACCOUNTS["console-01"]},
                                       "console-01"), clock=clock, tick_s=None)
    heard = events_of(good)
    await good.start()
    await asyncio.wait_for(good.link.wait_up(), 10)
    await good.stop()
    assert count(heard.items, "link_up") == 1


async def test_a_wrong_password_keeps_the_link_down_without_crashing(
    secured: Mosquitto, make_log, clock: ManualClock, tmp_path: Path  # noqa: F811
) -> None:
    log = make_log("wrong.db")
    url = f"mqtt://127.0.0.1:{secured.port}"
    bad = ConsoleBus(log, from_config(tmp_path, {"url": url, "username": "console-01",
                                                 "password": "wrong"}, "console-01"),
                     clock=clock, tick_s=None)
    await bad.start()
    await until(lambda: bad.link.failures >= 3)  # several refused attempts
    assert not bad.link.up and bad.link.connects == 0
    assert bad.link._task is not None and not bad.link._task.done()  # still trying, alive
    await bad.stop()
    assert [e.type for e in log.events()] == ["link_down"]


def test_mqtts_url_builds_tls_parameters(tmp_path: Path) -> None:
    for name in ("ca.crt", "client.crt", "client.key"):
        (tmp_path / name).write_text("x")
    s = from_config(tmp_path, {"url": "mqtts://broker.example:8883", "ca_file": "ca.crt",
                               "cert_file": "client.crt", "key_file": "client.key",
                               "username": "console-01", "password": "p"}, "c1")
    assert (s.tls, s.host, s.port, s.username) == (True, "broker.example", 8883, "console-01")
    assert (s.ca_file, s.cert_file, s.key_file) == (tmp_path / "ca.crt", tmp_path / "client.crt",
                                                    tmp_path / "client.key")
    plain = from_config(tmp_path, {"url": "mqtt://broker.example"}, "c2")
    assert (plain.tls, plain.port) == (False, 1883)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[Mosquitto, Path]]:
    """Mosquitto with TLS only, requiring a client certificate signed by a test CA."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    pki = tmp_path / "pki"
    pki.mkdir()
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
             "-subj", "/CN=dispatch test CA", cwd=pki)
    (pki / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for who in ("server", "client"):
        _openssl("req", "-new", *ec, "-keyout", f"{who}.key", "-out", f"{who}.csr",
                 "-subj", f"/CN={who}", cwd=pki)
        _openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "1", "-out", f"{who}.crt",
                 *(["-extfile", "san.ext"] if who == "server" else []), cwd=pki)
    conf = ("listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"
            f"cafile {pki}/ca.crt\ncertfile {pki}/server.crt\nkeyfile {pki}/server.key\n"
            "require_certificate true\n")
    broker = Mosquitto(tmp_path, conf=conf)
    broker.start()
    yield broker, pki
    broker.kill()


async def test_tls_with_a_client_certificate_on_a_real_mosquitto(
    tls_broker: tuple[Mosquitto, Path], make_log, clock: ManualClock, tmp_path: Path
) -> None:
    broker, pki = tls_broker
    url = f"mqtts://127.0.0.1:{broker.port}"
    ok = ConsoleBus(make_log("tls.db"), from_config(tmp_path, {
        "url": url, "ca_file": str(pki / "ca.crt"), "cert_file": str(pki / "client.crt"),
        "key_file": str(pki / "client.key")}, "console-tls"), clock=clock, tick_s=None)
    await ok.start()
    await asyncio.wait_for(ok.link.wait_up(), 10)
    await ok.stop()
    # Without a client certificate the broker refuses the handshake: down, not crashed.
    # A refused handshake surfaces at the connect timeout: a short one keeps the test quick.
    nocert = ConsoleBus(make_log("nocert.db"), replace(from_config(tmp_path, {
        "url": url, "ca_file": str(pki / "ca.crt")}, "console-nocert"), publish_timeout_s=1),
        clock=clock, tick_s=None)
    await nocert.start()
    await until(lambda: nocert.link.failures >= 1, 30)  # the handshake refused, no crash
    assert not nocert.link.up
    await nocert.stop()


def test_with_a_key_unsigned_messages_are_refused(log: Timeline, clock: ManualClock) -> None:
    bus = ConsoleBus(log, settings(1, "never"), clock=clock, tick_s=None, key=KEY)
    topic = bus.topics.calls_in
    bus.receive(topic, canonical(call(clock)))                   # unsigned
    bus.receive(topic, canonical(sign(call(clock), b"another key, 16+ bytes")))
    signed = call(clock)
    bus.receive(topic, encode(signed, KEY))
    reasons = [e.data["reason"] for e in log.events(types=["message_rejected"])]
    assert reasons == ["missing signature", "bad signature"]
    assert [e.data["call"] for e in log.events(types=["call_received"])] == [signed["id"]]


async def test_caller_data_never_reaches_the_process_log(
    log: Timeline, clock: ManualClock, mosquitto: Mosquitto, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("mqtt").setLevel(logging.DEBUG)
    desk = make_desk(log, mosquitto.port, "console-privacy")
    unit = UnitClient(Address.parse("120/xianning"), UnitStore(tmp_path / "u.db"),
                      settings(mosquitto.port, "u-privacy"), center="hubei", clock=clock)
    arrived = orders_of(unit)
    await desk.start()
    await unit.start()
    await desk.bus.link.wait_up()
    await unit.link.wait_up()
    heard = events_of(desk.bus)
    message = call(clock)
    async with aiomqtt.Client("127.0.0.1", mosquitto.port, socket_options=NODELAY) as gw:
        await gw.publish(desk.bus.topics.calls_in, encode(message), qos=1)
        await gw.publish(desk.bus.topics.calls_in, encode(message), qos=1)  # a duplicate
        await gw.publish(desk.bus.topics.calls_in, b'{"caller": "' + PHONE.encode(), qos=1)
    await heard.until(lambda evs: count(evs, "message_rejected") == 1
                      and count(evs, "call_received") == 1)
    op = Operator("op1")
    desk.answer(op, message["id"])
    iid = desk.open_incident(op, message["id"])
    desk.set_location(op, iid, "G4 K1024+300")
    desk.apply_playbook(op, iid, "breakdown")
    desk.dispatch(op, iid, ["120"])
    await arrived.until(lambda items: len(items) >= 1)
    await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
    await unit.stop()
    await desk.stop()
    assert caplog.records  # the debug log did run
    everything = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert PHONE not in everything and NAME not in everything
    assert PHONE in log.conn.execute("SELECT group_concat(data) FROM events").fetchone()[0]
