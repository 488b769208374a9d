"""The embedded broker: amqtt in the console's process, on loopback.

For the zero-configuration default (``[mqtt] url = "embedded"``) and small
sites (``dispatch broker``).  It always binds the configured host (loopback
by default; amqtt's own default would be every interface).  A taken port is
a clear message saying what to do, never a traceback.
"""

from __future__ import annotations

import errno
import logging
import socket

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
