"""A centre's Mosquitto bridged to a regional one, from the shipped deploy files.

Both brokers run ``deploy/mosquitto/dispatch.conf`` with the shipped ACL; the
centre adds ``bridge.conf``.  Only ports, paths, the bridge's password and its
reconnect delay are swapped in.  The bridge reaches the region through
:class:`Wan`, a TCP hop the tests can cut as a failed WAN link would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from pathlib import Path

import aiomqtt

from dispatch.bus.link import NODELAY, LinkSettings

from .brokers import Mosquitto, free_port

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto"
ACCOUNTS = {"console-01": "c-pass", "120-xianning": "xn-pass", "gateway": "gw-pass",
            "bridge-hubei": "br-pass", "monitor": "mon-pass"}
#: Where the centre's broker announces the bridge's state (``notifications true``).
STATE = "$SYS/broker/connection/bridge-hubei/state"


def passwords(folder: Path) -> Path:
    """A mosquitto password file with the test accounts."""
    passwd = folder / "dispatch.passwd"
    passwd.touch()
    for user, password in ACCOUNTS.items():
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    return passwd


def _swap(text: str, pairs: list[tuple[str, str]]) -> str:
    for shipped, here in pairs:
        assert shipped in text, shipped  # the shipped file still reads as the test expects
        text = text.replace(shipped, here)
    return text


def broker_conf(passwd: Path, bridge_port: int | None = None) -> str:
    """``dispatch.conf`` (plus ``bridge.conf`` when ``bridge_port`` is given), templated."""
    conf = _swap((DEPLOY / "dispatch.conf").read_text(), [
        ("listener 1883 127.0.0.1", "listener {port} 127.0.0.1"),
        ("/etc/mosquitto/dispatch.passwd", str(passwd)),
        ("/etc/mosquitto/dispatch.acl", str(DEPLOY / "dispatch.acl")),
        ("/var/lib/mosquitto/", "{folder}/"),
    ])
    if bridge_port is None:
        return conf
    return conf + "\n" + _swap((DEPLOY / "bridge.conf").read_text(), [
        ("address region.example.net:1883", f"address 127.0.0.1:{bridge_port}"),
        ("remote_password CHANGE-ME", f"remote_password {ACCOUNTS['bridge-hubei']}"),
        # The shipped 5 s (backing off to 60 s) would only make the test slower.
        ("restart_timeout 5 60", "restart_timeout 1"),
    ])


class Wan:
    """A TCP hop from the centre's bridge to the region that can be cut and restored."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        """Accept connections again (on the same port)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Refuse new connections and break the open ones, both ways, at once."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:  # the region is down: the bridge sees a broken connection
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        # Cancelled when the test's loop closes; asyncio would log that as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()  # one side gone: so is the other
        self._writers.discard(writer)


def account(port: int, user: str, client_id: str) -> LinkSettings:
    """Fast-reconnecting link settings for ``user`` on a loopback broker."""
    return LinkSettings(host="127.0.0.1", port=port, client_id=client_id, username=user,
                        password=ACCOUNTS[user], reconnect_min_s=0.05, reconnect_max_s=0.5,
                        keepalive_s=5, publish_timeout_s=5)


def client(broker: Mosquitto, user: str, client_id: str) -> aiomqtt.Client:
    """A bare client of ``user`` on ``broker``."""
    return aiomqtt.Client("127.0.0.1", broker.port, username=user, password=ACCOUNTS[user],
                          identifier=client_id, socket_options=NODELAY)
