"""A telephony gateway that publishes calls as fast as one paho client can, and a
console core in a child process that a test can SIGKILL and start again."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as paho

from dispatch.model import new_id

REPO = Path(__file__).resolve().parents[1]

#: A console core (log, bus, desk with the shipped playbooks and map) that says
#: "ready" once its link is up and then works until it is killed.
CORE = textwrap.dedent(
    """
    import asyncio, sys
    sys.path.insert(0, sys.argv[3])
    from dispatch.bus.console import ConsoleBus
    from dispatch.desk import Desk, policies
    from dispatch.geo import load_map
    from dispatch.playbook import load_playbooks
    from dispatch.timeline import Timeline
    from tests.buslib import settings

    async def main():
        log = Timeline(sys.argv[1], center="hubei")
        bus = ConsoleBus(log, settings(int(sys.argv[2]), sys.argv[4]), console_id=sys.argv[4],
                         tick_s=None)
        desk = Desk(log, bus, load_playbooks(), load_map(), tick_s=None)
        policies.attach(desk)
        await desk.start()
        await bus.link.wait_up()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


class Core:
    """One console core process on a log, with a stable client id (its seat)."""

    def __init__(self, db: Path, port: int, client_id: str = "console-hubei-seat1") -> None:
        self.db, self.port, self.client_id = db, port, client_id
        self.proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 30) -> None:
        """Start it and return once it says its link is up."""
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CORE, str(self.db), str(self.port), str(REPO),
             self.client_id], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until the child reports
        if line.strip() != "ready":
            self.kill()
            raise RuntimeError(f"console core did not start: {line!r}")

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def call_payload(call_id: str, n: int) -> bytes:
    """A valid ``dispatch.call/1`` for the live centre ``hubei``."""
    return json.dumps({
        "schema": "dispatch.call/1", "id": call_id,
        "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "center": "hubei",
        "drill": False, "caller": {"name": "Li", "phone": f"138{n:08d}"},
        "says": f"三辆车追尾，有人受伤 #{n}", "location": "G4 K1024+300",
    }).encode()


class Gateway:
    """A paho client publishing QoS 1 calls on ``calls/in`` with many in flight.

    ``acked`` holds the ids of the calls the broker acknowledged (PUBACK).
    """

    def __init__(self, port: int, inflight: int = 200) -> None:
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                  client_id=f"gateway-{new_id()[:8]}")
        self.client.max_inflight_messages_set(inflight)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._published
        self.mids: dict[int, str] = {}
        self._acked_mids: set[int] = set()
        self._all = threading.Event()
        self.expected = 0
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _published(self, _client, _userdata, mid, _reason, _props) -> None:  # type: ignore[no-untyped-def]
        # paho's network thread, holding paho's own lock: take no other lock here.
        self._acked_mids.add(mid)
        if len(self._acked_mids) >= self.expected:
            self._all.set()

    @property
    def acked(self) -> set[str]:
        """The ids of the calls the broker acknowledged."""
        return {self.mids[m] for m in list(self._acked_mids) if m in self.mids}

    def publish(self, ids: list[str], start: int = 0) -> None:
        """Publish one call per id, without waiting for acknowledgements."""
        self._all.clear()
        self.expected += len(ids)
        for n, call_id in enumerate(ids, start):
            info = self.client.publish("dispatch/v1/hubei/calls/in", call_payload(call_id, n),
                                       qos=1)
            self.mids[info.mid] = call_id

    def wait_acked(self, timeout: float = 60) -> None:
        """Return once the broker acknowledged everything published."""
        if len(self._acked_mids) < self.expected and not self._all.wait(timeout):
            raise TimeoutError(f"{len(self._acked_mids)} of {self.expected} calls acknowledged")

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def logged_calls(db: Path) -> list[str]:
    """The call ids of every ``call_received`` in the log (read by a second connection)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute(
            "SELECT json_extract(data, '$.call') FROM events WHERE type = 'call_received'")]
    finally:
        conn.close()


async def until_logged(db: Path, count: int, timeout: float = 60) -> list[str]:
    """Wait until another process has logged ``count`` calls; return them.

    The log is written by a child process, so there is nothing to await here
    but the file itself: look every 50 ms, bounded by ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        calls = logged_calls(db)
        if len(calls) >= count or time.monotonic() > deadline:
            return calls
        await asyncio.sleep(0.05)
