"""A private Mosquitto for the benchmark: a free loopback port, Nagle off.

Without ``set_tcp_nodelay true`` every hop through the broker waits ~44 ms
for Nagle's algorithm, and the round-trip figures would measure that.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from typing import IO

from dispatch.errors import DispatchError

CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
max_queued_messages 100000
max_inflight_messages 0
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
user {user}
"""

#: What to install when the broker is missing.
PACKAGE = "mosquitto"


class MosquittoMissing(DispatchError):
    """The ``mosquitto`` binary is not installed (or not where we were told)."""


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_binary(path: str | Path | None = None) -> str:
    """The mosquitto binary to run.

    Args:
        path: An explicit binary; ``None`` looks on ``$PATH``, then ``/usr/sbin``.

    Raises:
        MosquittoMissing: Not found; the message names the Debian package.
    """
    found = str(path) if path else (shutil.which("mosquitto") or "/usr/sbin/mosquitto")
    if not Path(found).is_file():
        raise MosquittoMissing(
            f"bench needs mosquitto ({found} not found): apt-get install {PACKAGE}")
    return found


class Broker:
    """One mosquitto process on a free loopback port.

    Args:
        folder: Where its configuration goes.
        binary: The mosquitto binary (``None``: the installed one).
    """

    def __init__(self, folder: Path, binary: str | Path | None = None) -> None:
        self.binary = find_binary(binary)
        self.port = free_port()
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(CONF.format(port=self.port, user=getpass.getuser()))
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        """Start it and return once it says it is running.

        Raises:
            DispatchError: It exited before saying so (its output is in the message).
        """
        self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True)
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.output.append(line)
            if " running" in line:
                threading.Thread(target=self._drain, args=(self.proc.stderr,),
                                 daemon=True).start()
                return
        self.proc.wait(timeout=5)
        raise DispatchError("mosquitto did not start: " + " | ".join(
            s.strip() for s in self.output[-3:]))

    def _drain(self, stream: IO[str]) -> None:
        for line in stream:  # a full pipe would stall the broker
            self.output.append(line)

    def stop(self) -> None:
        """Stop it (nothing to keep: persistence is off)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def __enter__(self) -> Broker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
