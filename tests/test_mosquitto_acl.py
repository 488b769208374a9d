"""The README's Mosquitto ACL, on a real mosquitto: each unit sees only its own topics."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import pytest

from dispatch.bus.link import NODELAY

from .brokers import Mosquitto

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto"
ROOT = "dispatch/v1/hubei"
ACCOUNTS = {"console-01": "c-pass", "120-xianning": "xn-pass", "120-wuhan": "wh-pass"}


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[Mosquitto]:
    """Mosquitto running the shipped configuration, only port and paths swapped in."""
    passwd = tmp_path / "dispatch.passwd"
    passwd.touch()
    for user, password in ACCOUNTS.items():
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    conf = (DEPLOY / "dispatch.conf").read_text()
    for shipped, here in [("listener 1883 127.0.0.1", "listener {port} 127.0.0.1"),
                          ("/etc/mosquitto/dispatch.passwd", str(passwd)),
                          ("/etc/mosquitto/dispatch.acl", str(DEPLOY / "dispatch.acl")),
                          ("/var/lib/mosquitto/", "{folder}/")]:
        assert shipped in conf
        conf = conf.replace(shipped, here)
    broker = Mosquitto(tmp_path, conf=conf)
    broker.start()
    yield broker
    broker.kill()


def _client(broker: Mosquitto, user: str, **kw) -> aiomqtt.Client:  # type: ignore[no-untyped-def]
    return aiomqtt.Client("127.0.0.1", broker.port, username=user, password=ACCOUNTS[user],
                          identifier=f"acl-{user}", socket_options=NODELAY, **kw)


async def _first(client: aiomqtt.Client) -> aiomqtt.Message:
    async for message in client.messages:
        return message
    raise AssertionError("no message")


async def test_a_unit_reads_only_its_own_orders(secured: Mosquitto) -> None:
    async with _client(secured, "120-xianning") as unit, _client(secured, "console-01") as con:
        await unit.subscribe(f"{ROOT}/to/#", qos=1)  # asks for everything, gets its own
        await con.publish(f"{ROOT}/to/120/wuhan", b"for wuhan", qos=1)
        await con.publish(f"{ROOT}/to/120/xianning", b"for xianning", qos=1)
        message = await _first(unit)
    assert (str(message.topic), message.payload) == (f"{ROOT}/to/120/xianning", b"for xianning")


async def test_a_unit_writes_only_its_own_reports(secured: Mosquitto) -> None:
    async with _client(secured, "console-01") as con, _client(secured, "120-xianning") as unit:
        await con.subscribe(f"{ROOT}/from/#", qos=1)
        await unit.publish(f"{ROOT}/from/120/wuhan", b"forged", qos=1)  # denied by the broker
        await unit.publish(f"{ROOT}/calls/in", b"fake call", qos=1)     # denied as well
        await unit.publish(f"{ROOT}/from/120/xianning", b"mine", qos=1)
        message = await _first(con)
    assert (str(message.topic), message.payload) == (f"{ROOT}/from/120/xianning", b"mine")


async def test_no_account_no_entry(secured: Mosquitto) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with aiomqtt.Client("127.0.0.1", secured.port, socket_options=NODELAY):
            pass
    with pytest.raises(aiomqtt.MqttError):
        async with aiomqtt.Client("127.0.0.1", secured.port, username="120-wuhan",
                                  password="wrong", socket_options=NODELAY):
            pass
