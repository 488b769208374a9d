"""A real Mosquitto broker for tests, started on a free loopback port."""

from __future__ import annotations

import getpass
import shutil
import signal
import socket
import subprocess
import threading
from pathlib import Path

CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
# Without it every hop waits ~44 ms for Nagle's algorithm.
set_tcp_nodelay true
persistence true
persistence_location {folder}/
# As deploy/mosquitto/dispatch.conf: a seat that falls behind a burst keeps its
# queue (mosquitto's default of 1000 would drop QoS 1 messages beyond it).
max_queued_messages 100000
autosave_interval 1
"""

#: Appended to every configuration: the start-up line we wait for, and the user.
LOGGING = """
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
# When started as root, stay that user (it owns the persistence folder).
user {user}
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mosquitto_binary() -> str:
    """Where mosquitto is (CI installs the Debian package)."""
    found = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(found).exists():
        raise RuntimeError("mosquitto is not installed: apt-get install mosquitto")
    return found


class Mosquitto:
    """One mosquitto process that tests can stop, kill and start again on the same port."""

    def __init__(self, folder: Path, port: int | None = None, conf: str = CONF) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.conf = folder / "mosquitto.conf"
        text = (conf + LOGGING).format(port=self.port, folder=folder, user=getpass.getuser())
        self.conf.write_text(text)
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        """Start and return once the broker says it is running."""
        self.proc = subprocess.Popen([mosquitto_binary(), "-c", str(self.conf)],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True)
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # blocks until mosquitto reports, no polling
            self.output.append(line)
            if " running" in line:
                # Keep reading, or a full pipe would stall the broker.
                threading.Thread(target=self._read, args=(self.proc.stderr,), daemon=True).start()
                return
        raise RuntimeError("mosquitto did not start:\n" + "".join(self.output))

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.output.append(line)

    def stop(self) -> None:
        """Stop it gracefully (it saves its persistence file)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def kill(self) -> None:
        """Kill it at once, as a crash or a pulled cable would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
