"""The reconnecting MQTT link over aiomqtt.

:class:`Link` keeps one connection alive for as long as it runs: it connects,
subscribes, announces presence (retained, with a will that says offline),
hands every inbound message to a handler, and when the broker goes away it
waits with capped, jittered exponential backoff and connects again.  Its
state (up or down, and since when) is observable so the desk can open the
outage playbook.  The aiomqtt client is created inside the running loop.

With ``on_inbound`` the link acknowledges nothing by itself: each message is
handed over as an :class:`Inbound` and PUBACKed only when its consumer calls
:meth:`Inbound.ack`, once what it says is committed.  Until then the broker
keeps it and redelivers it to the next session.  aiomqtt 2.5 does not expose
paho-mqtt 2's manual acknowledgement, so :class:`AckingClient` (a subclass,
no fork) switches it on for the paho client it wraps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiomqtt

from dispatch.clock import Clock, SystemClock
from dispatch.config import Config
from dispatch.errors import BusError
from dispatch.tasks import stop_task

log = logging.getLogger(__name__)

#: Without TCP_NODELAY a QoS 1 round trip on loopback costs ~88 ms instead of <1 ms.
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]

MessageHandler = Callable[[str, bytes], Awaitable[None]]
LinkListener = Callable[[bool, datetime], None]


class AckingClient(aiomqtt.Client):
    """aiomqtt's client with paho-mqtt 2's manual acknowledgement switched on.

    paho sends no PUBACK for a QoS 1 message until :meth:`ack` is called
    with it.  aiomqtt builds its paho client in ``__init__`` and keeps it as
    ``_client``; this is the one place that reaches it.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._client.manual_ack_set(True)

    def ack(self, message: aiomqtt.Message) -> None:
        """PUBACK ``message`` (QoS 0 needs none)."""
        if message.qos > 0:
            self._client.ack(message.mid, message.qos)


@dataclass(eq=False)
class Inbound:
    """A message the broker handed over and that waits for its acknowledgement.

    Attributes:
        topic: Where it was published.
        payload: Its bytes.
        acked: Whether its PUBACK was sent.
    """

    topic: str
    payload: bytes
    _link: Link | None = None
    _message: aiomqtt.Message | None = None
    _session: int = 0
    acked: bool = False

    def ack(self) -> bool:
        """Acknowledge it to the broker; return whether the PUBACK was sent.

        A message from a connection that has since dropped is not
        acknowledged (its packet id may now name another message): the broker
        redelivers it on the new connection, and the derived event id makes
        the second recording a no-op.
        """
        if self.acked:
            return True
        link, message = self._link, self._message
        if link is None or message is None:
            self.acked = True
            return True
        client = link._client
        if client is None or link.connects != self._session or not link.up:
            return False
        try:
            if isinstance(client, AckingClient):
                client.ack(message)
        except Exception:  # the socket went away under us: the broker redelivers
            log.debug("acknowledgement of mid %s failed", message.mid, exc_info=True)
            return False
        self.acked = True
        return True


InboundHandler = Callable[[Inbound], None]


class LinkDown(BusError):
    """The link is down: the message was not handed to the broker."""


@dataclass(frozen=True)
class LinkSettings:
    """How to reach the broker and who we are there."""

    host: str
    port: int
    client_id: str
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    keepalive_s: int = 30
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    publish_timeout_s: float = 10.0
    #: Every broker of the cluster as ``(host, port)``, in the order they are
    #: tried (empty: ``host`` and ``port`` alone).
    endpoints: tuple[tuple[str, int], ...] = ()

    @property
    def brokers(self) -> tuple[tuple[str, int], ...]:
        """The brokers to try, in order: ``endpoints``, or ``(host, port)`` alone."""
        return self.endpoints or ((self.host, self.port),)

    @classmethod
    def from_config(cls, config: Config, client_id: str, **overrides: object) -> LinkSettings:
        """Settings from ``[mqtt]`` for a client named ``client_id``."""
        mqtt = config.mqtt
        values: dict[str, object] = dict(
            host=mqtt.host, port=mqtt.port, endpoints=tuple(mqtt.endpoints),
            client_id=client_id, username=mqtt.username,
            password=mqtt.password, tls=mqtt.tls, ca_file=mqtt.ca_file,
            cert_file=mqtt.cert_file, key_file=mqtt.key_file, keepalive_s=mqtt.keepalive_s,
            reconnect_max_s=mqtt.reconnect_max_s,
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def backoff_delays(minimum: float, maximum: float, rng: random.Random | None = None):  # type: ignore[no-untyped-def]
    """Yield reconnect delays: doubling from ``minimum``, capped at ``maximum``, jittered.

    Jitter (each delay drawn from its upper half) keeps many clients that lost
    the same broker from knocking on it all at the same instant.
    """
    rng = rng or random.Random()
    delay = minimum
    while True:
        yield rng.uniform(delay / 2, delay)
        delay = min(delay * 2, maximum)


class Link:
    """One long-lived MQTT connection, to one broker of a cluster at a time.

    With several brokers (:attr:`LinkSettings.endpoints`) the link tries them
    in order and, when the one it is on is lost (or refuses it), moves on to
    the next with the same backoff, reset by every successful connection.
    Everything that makes the bus safe is redone on each connection, so it
    holds across the switch: the subscriptions and presence (retained, with
    its will) are sent again, the drains publish what waits once the link is
    up, and a message taken on the old connection is never acknowledged on the
    new one (the cluster redelivers it; derived event ids make that a no-op).

    Args:
        settings: Broker address and identity.
        subscriptions: Topic filters to (re)subscribe on every connection, QoS 1.
        on_message: Awaited for each inbound message; its errors are logged, never raised.
            The message is acknowledged on receipt.
        on_inbound: Instead of ``on_message``: called with each message as an
            :class:`Inbound` that the consumer acknowledges once it is durable
            (persistent session, manual acknowledgement).
        presence: ``(topic, online payload, offline payload)``: published retained on
            connect, and as the will.
        clock: Time source for link-state timestamps.
    """

    def __init__(
        self,
        settings: LinkSettings,
        *,
        subscriptions: list[str] | None = None,
        on_message: MessageHandler | None = None,
        on_inbound: InboundHandler | None = None,
        presence: tuple[str, Callable[[], bytes], Callable[[], bytes]] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.subscriptions = list(subscriptions or [])
        self.on_message = on_message
        self.on_inbound = on_inbound
        self.presence = presence
        self.clock = clock or SystemClock()
        self.up = False
        self.since: datetime = self.clock.now()
        self.connects = 0
        #: Connection attempts that failed or were refused (a wrong password, no
        #: certificate, no broker), across the link's life.
        self.failures = 0
        self._listeners: list[LinkListener] = []
        self._client: aiomqtt.Client | None = None
        self._up_event = asyncio.Event()
        self._stopping = False
        self._ever_tried = False
        self._task: asyncio.Task[None] | None = None
        self._index = 0

    # -- state ------------------------------------------------------------------

    def listen(self, listener: LinkListener) -> None:
        """Call ``listener(up, at)`` on every change of link state."""
        self._listeners.append(listener)

    def unlisten(self, listener: LinkListener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _set(self, up: bool) -> None:
        if up == self.up and self._ever_tried:
            return
        self._ever_tried = True
        self.up = up
        self.since = self.clock.now()
        if up:
            self._up_event.set()
        else:
            self._up_event.clear()
        for listener in list(self._listeners):
            try:
                listener(up, self.since)
            except Exception:
                log.exception("link listener failed")

    @property
    def host(self) -> str:
        """The broker the link is on (or trying next)."""
        return self.settings.brokers[self._index][0]

    @property
    def port(self) -> int:
        """That broker's port."""
        return self.settings.brokers[self._index][1]

    async def wait_up(self) -> None:
        """Return once the link is up."""
        await self._up_event.wait()

    # -- running ----------------------------------------------------------------

    def _client_for(self) -> aiomqtt.Client:
        s = self.settings
        will = None
        if self.presence:
            topic, _, offline = self.presence
            will = aiomqtt.Will(topic, offline(), qos=1, retain=True)
        tls = None
        if s.tls:
            tls = aiomqtt.TLSParameters(
                ca_certs=str(s.ca_file) if s.ca_file else None,
                certfile=str(s.cert_file) if s.cert_file else None,
                keyfile=str(s.key_file) if s.key_file else None,
            )
        factory = AckingClient if self.on_inbound is not None else aiomqtt.Client
        return factory(
            self.host, self.port, username=s.username, password=s.password,
            identifier=s.client_id, clean_session=False, keepalive=s.keepalive_s,
            will=will, tls_params=tls, socket_options=NODELAY, timeout=s.publish_timeout_s,
        )

    async def run(self) -> None:
        """Stay connected until :meth:`stop`; never raises for broker trouble."""
        delays = backoff_delays(self.settings.reconnect_min_s, self.settings.reconnect_max_s)
        while not self._stopping:
            try:
                async with self._client_for() as client:
                    self._client = client
                    for topic in self.subscriptions:
                        await client.subscribe(topic, qos=1)
                    if self.presence:
                        topic, online, _ = self.presence
                        await client.publish(topic, online(), qos=1, retain=True)
                    self.connects += 1
                    delays = backoff_delays(self.settings.reconnect_min_s,
                                            self.settings.reconnect_max_s)
                    self._set(True)
                    if self.on_inbound is not None:
                        async for message in client.messages:
                            self._hand_over(message)
                    else:
                        async for message in client.messages:
                            await self._deliver(message)
            except aiomqtt.MqttError as exc:
                self.failures += 1
                if not self._stopping:
                    log.info("broker link to %s:%s lost: %s", self.host, self.port, exc)
            finally:
                self._client = None
                if not self._stopping:
                    self._set(False)
            if self._stopping:
                break
            # Fail over: the next broker of the cluster (the same one when alone).
            self._index = (self._index + 1) % len(self.settings.brokers)
            await asyncio.sleep(next(delays))

    def _hand_over(self, message: aiomqtt.Message) -> None:
        assert self.on_inbound is not None
        payload = message.payload
        raw = payload if isinstance(payload, (bytes, bytearray)) else str(payload or "").encode()
        inbound = Inbound(str(message.topic), bytes(raw), self, message, self.connects)
        try:
            self.on_inbound(inbound)
        except Exception:
            # Unacknowledged: the broker hands it over again on the next session.
            log.exception("handler failed for a message on %s", message.topic)

    async def _deliver(self, message: aiomqtt.Message) -> None:
        if self.on_message is None:
            return
        payload = message.payload
        raw = payload if isinstance(payload, (bytes, bytearray)) else str(payload or "").encode()
        try:
            await self.on_message(str(message.topic), bytes(raw))
        except Exception:
            # A handler bug must not take the link down with it.
            log.exception("handler failed for a message on %s", message.topic)

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish with QoS 1 and return once the broker has acknowledged (PUBACK).

        Raises:
            LinkDown: The link is down, or went down before the acknowledgement.
        """
        client = self._client
        if client is None or not self.up:
            raise LinkDown("broker link is down")
        try:
            await client.publish(topic, payload, qos=1, retain=retain)
        except aiomqtt.MqttError as exc:
            raise LinkDown(f"publish to {topic} failed: {exc}") from None

    def start(self) -> None:
        """Run the link in a task of the running loop."""
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(self.run(), name="mqtt-link")

    async def stop(self) -> None:
        """Say offline (retained), disconnect and end :meth:`run`."""
        self._stopping = True
        client = self._client
        if client is not None and self.presence and self.up:
            topic, _, offline = self.presence
            with contextlib.suppress(aiomqtt.MqttError, asyncio.TimeoutError):
                await asyncio.wait_for(client.publish(topic, offline(), qos=1, retain=True), 2)
        await stop_task(self._task)
        self._task = None
        if self.up:
            self._set(False)
