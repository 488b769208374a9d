"""The embedded broker: amqtt in the console's process, on loopback.

For the zero-configuration default (``[mqtt] url = "embedded"``) and small
sites (``dispatch broker``).  It always binds the configured host (loopback
by default; amqtt's own default would be every interface).  A taken port is
a clear message saying what to do, never a traceback.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys

from amqtt.broker import Broker

from dispatch.errors import BusError

# amqtt reports every client disconnect and its own shutdown at ERROR level.
for _name in ("amqtt", "transitions"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class PortTaken(BusError):
    """The embedded broker's port is already in use."""


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`PortTaken` with advice if ``host:port`` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortTaken(
                    f"port {port} on {host} is taken (another broker or a second console?). "
                    f"Set [mqtt] embedded_port to a free port in the configuration, or set "
                    f'[mqtt] url = "mqtt://{host}:{port}" to use the broker that holds it.'
                ) from None
            raise BusError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


class EmbeddedBroker:
    """An amqtt broker running in this process.

    Args:
        host: Address to bind (loopback unless told otherwise).
        port: TCP port.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 11883) -> None:
        self.host = host
        self.port = port
        self._broker: Broker | None = None

    async def start(self) -> None:
        """Start listening.

        Raises:
            PortTaken: The port is in use.
            BusError: The broker could not start.
        """
        check_port_free(self.host, self.port)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
            },
        }
        self._broker = Broker(config)
        try:
            await self._broker.start()
        except Exception as exc:
            self._broker = None
            raise BusError(f"embedded broker failed to start on {self.host}:{self.port}: "
                           f"{exc}") from None

    async def stop(self) -> None:
        """Stop listening and drop every client."""
        if self._broker is not None:
            broker, self._broker = self._broker, None
            try:
                await broker.shutdown()
            except Exception:  # amqtt may complain about half-closed clients on shutdown
                logging.getLogger(__name__).debug("embedded broker shutdown", exc_info=True)

    @property
    def running(self) -> bool:
        """Whether the broker is listening."""
        return self._broker is not None

    async def __aenter__(self) -> EmbeddedBroker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class BrokerProcess:
    """The embedded broker in a child process (``dispatch broker``), for drills.

    A drill's ``broker_down`` fault must cut every connection at once, as a
    crash would; killing a process does exactly that, and keeps the broker's
    own troubles out of the console's event loop.

    Args:
        host: Address to bind.
        port: TCP port.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 11883) -> None:
        self.host = host
        self.port = port
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def running(self) -> bool:
        """Whether the child is alive."""
        return self._proc is not None and self._proc.returncode is None

    async def start(self) -> None:
        """Start the child and return once it listens.

        Raises:
            PortTaken: The port is in use.
            BusError: The broker did not start.
        """
        check_port_free(self.host, self.port)
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dispatch", "broker", "--host", self.host,
            "--port", str(self.port), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL)
        assert self._proc.stdout is not None
        try:
            line = await asyncio.wait_for(self._proc.stdout.readline(), 30)
        except TimeoutError:
            line = b""
        if b"listening" not in line:
            await self.kill()
            raise BusError(f"the broker did not start on {self.host}:{self.port}")

    async def kill(self) -> None:
        """Kill the child at once (a crash: every connection drops)."""
        if self.running:
            assert self._proc is not None
            self._proc.kill()
            await self._proc.wait()
        self._proc = None

    async def stop(self) -> None:
        """Stop the child gracefully (killed if it takes more than 5 s)."""
        if self.running:
            assert self._proc is not None
            self._proc.terminate()
            try:
                await asyncio.wait_for(self._proc.wait(), 5)
            except TimeoutError:
                await self.kill()
        self._proc = None
