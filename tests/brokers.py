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


class _Server:
    """A broker process of a test: started until it says it is ready, stopped or killed."""

    proc: subprocess.Popen[str] | None
    output: list[str]

    def _launch(self, argv: list[str], ready: str, what: str) -> None:
        self.proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True)
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # blocks until the server reports, no polling
            self.output.append(line)
            if ready in line:
                # Keep reading, or a full pipe would stall the server.
                threading.Thread(target=self._read, args=(self.proc.stderr,), daemon=True).start()
                return
        raise RuntimeError(f"{what} did not start:\n" + "".join(self.output))

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.output.append(line)

    def stop(self) -> None:
        """Stop it gracefully (mosquitto saves its persistence file)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def kill(self) -> None:
        """Kill it at once, as a crash or a pulled cable would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


class Mosquitto(_Server):
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
        self._launch([mosquitto_binary(), "-c", str(self.conf)], " running", "mosquitto")


NATS_CONF = """\
server_name: {name}
listen: 127.0.0.1:{client_port}
# NATS's MQTT gateway keeps sessions, retained messages and QoS 1 queues in JetStream.
jetstream {{ store_dir: "{folder}/js" }}
# A QoS 1 message not acknowledged within ack_wait is redelivered, even to a new
# session of the same client (30 s by default: a failover would wait that long).
mqtt {{ listen: 127.0.0.1:{port}, ack_wait: "2s"{replicas} }}
{cluster}
"""

CLUSTER_CONF = """\
cluster {{
  name: dispatch
  listen: 127.0.0.1:{route_port}
  routes: [{routes}]
}}
"""


def nats_binary() -> str:
    """Where nats-server is (CI installs the Debian package)."""
    found = shutil.which("nats-server") or "/usr/bin/nats-server"
    if not Path(found).exists():
        raise RuntimeError("nats-server is not installed: apt-get install nats-server")
    return found


class Nats(_Server):
    """One nats-server with JetStream and its MQTT gateway on free loopback ports.

    Args:
        folder: Its own folder (configuration and JetStream store).
        name: Its server name (JetStream needs one, unique in a cluster).
        route_port: Its cluster port, with ``routes`` the others' (a cluster node).
        routes: The cluster ports of the other nodes.
    """

    def __init__(self, folder: Path, name: str = "n1", *, route_port: int | None = None,
                 routes: tuple[int, ...] = ()) -> None:
        self.folder, self.name = folder, name
        self.port = free_port()
        self.client_port = free_port()
        cluster, replicas = "", ""
        if route_port is not None:
            # Sessions, retained messages and QoS 1 queues on every node: any one may die.
            replicas = ", stream_replicas: 3, consumer_replicas: 3"
            cluster = CLUSTER_CONF.format(route_port=route_port, routes=", ".join(
                f"nats-route://127.0.0.1:{r}" for r in routes))
        self.conf = folder / f"{name}.conf"
        self.conf.write_text(NATS_CONF.format(name=name, client_port=self.client_port,
                                              folder=folder, port=self.port, cluster=cluster,
                                              replicas=replicas))
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        """Start and return once the server says it is ready."""
        self._launch([nats_binary(), "-c", str(self.conf)], "Server is ready", "nats-server")

    def wait_mqtt(self, timeout: float = 30) -> None:
        """Return once the MQTT gateway accepts a persistent session.

        In a cluster it does only once JetStream has elected its leaders, which
        nothing announces to a client: ask for a session until one is granted.
        """
        import time

        import paho.mqtt.client as paho

        deadline = time.monotonic() + timeout
        while True:
            probe = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"probe-{self.name}",
                                clean_session=False)
            granted = threading.Event()
            probe.on_connect = lambda *a, ok=granted: ok.set() if not a[3].is_failure else None
            try:
                if probe.connect("127.0.0.1", self.port, keepalive=5) == 0:
                    probe.loop_start()
                    if granted.wait(2) and probe.is_connected():
                        probe.disconnect()
                        probe.loop_stop()
                        return
                    probe.loop_stop()
            except OSError:
                pass
            finally:
                probe.disconnect()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no MQTT session:\n" + "".join(self.output))
            time.sleep(0.2)


class NatsCluster:
    """Three (or ``size``) nats-servers routed into one JetStream cluster."""

    def __init__(self, folder: Path, size: int = 3) -> None:
        routes = [free_port() for _ in range(size)]
        self.nodes = []
        for n, route in enumerate(routes, 1):
            node_dir = folder / f"n{n}"
            node_dir.mkdir()
            self.nodes.append(Nats(node_dir, f"n{n}", route_port=route,
                                   routes=tuple(r for r in routes if r != route)))

    def start(self) -> None:
        """Start every node and return once each grants MQTT sessions."""
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            node.wait_mqtt()

    def stop(self) -> None:
        """Stop (kill, if need be) every node."""
        for node in self.nodes:
            node.kill()
