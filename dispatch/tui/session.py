"""What ``dispatch console`` runs besides the screen: broker, log, desk, demo floor.

A :class:`Session` opens the log, loads the maps and playbooks, builds the
desk and, on :meth:`Session.start` (inside the screen's event loop), starts
the embedded broker (``[mqtt] url = "embedded"``), the desk and, with
``--demo``, the simulated recipients and the demo call stream.  No Textual
here: the screen only drives :attr:`Session.desk`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from dispatch.bus.broker import EmbeddedBroker, check_port_free
from dispatch.bus.codec import load_key
from dispatch.bus.link import Link, LinkSettings
from dispatch.clock import Clock, SystemClock
from dispatch.config import Config, log_location, user_data_dir
from dispatch.desk import Operator, Role
from dispatch.desk.factory import build_desk
from dispatch.geo import RoadMap, load_map
from dispatch.operators import Accounts
from dispatch.playbook import load_playbooks, load_service_language
from dispatch.seat import console_client_id, default_seat
from dispatch.timeline import open_timeline
from dispatch.tui.demo import DemoCalls
from dispatch.unit.simulate import Simulator

#: Who works the demo floor: no login, a supervisor so every key works.
DEMO_OPERATOR = Operator("demo", Role.SUPERVISOR)
#: How much faster than life the demo's recipients answer.
DEMO_SPEED = 10.0


def demo_database() -> Path:
    """The demo's own log, recreated on every run (never the live one)."""
    return user_data_dir() / "demo.db"


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


class Session:
    """The console's back end for one run.

    Args:
        config: The effective configuration.
        demo: Start the simulated recipients and the demo calls; use the demo log.
        db: The log file (default: the demo log with ``demo``, else ``database_path``).
        lang: Language of guidance texts.
        clock: Time source (tests inject a manual one).
        seat: This seat's id on the floor (default: ``[console] seat``, else host
            name plus terminal); the MQTT client id is ``console-{center}-{seat}``.
        console_id: The client id on the bus, overriding the seat's (tests).

    Raises:
        PortTaken: The embedded broker's port is in use (checked before any screen opens).
    """

    def __init__(self, config: Config, *, demo: bool = False, db: Path | str | None = None,
                 lang: str = "en", clock: Clock | None = None,
                 seat: str | None = None, console_id: str | None = None) -> None:
        self.config = config
        self.demo = demo
        self.lang = lang
        self.clock = clock or SystemClock()
        mqtt = config.mqtt
        if mqtt.embedded:
            # Fail before the screen opens: one line, never a traceback.
            check_port_free(mqtt.embedded_host, mqtt.embedded_port)
        if db is None:
            db = demo_database() if demo else log_location(config)
        if demo:
            _fresh(db)
        self.db = db
        self.log = open_timeline(db, center=config.center.id, drill=False,
                                 tz=config.center.tz, clock=self.clock)
        self.accounts = Accounts(self.log)
        self.roadmap: RoadMap = load_map(config.data.maps, config.data.off_network_m)
        key = load_key(config.security.key_file)
        self.key = key
        self.seat = seat or config.console.seat or default_seat()
        if demo:
            self.seat = f"demo-{self.seat}"[:40]  # never the live seat's broker session
        console_id = console_id or console_client_id(config.center.id, self.seat)
        self.console_id = console_id
        roadmap = self.roadmap
        self.desk = build_desk(self.log, LinkSettings.from_config(config, console_id),
                               load_playbooks(config.data.playbooks), roadmap,
                               service=load_service_language(config.data.playbooks),
                               sla=config.sla, modes=config.modes, key=key, seat=self.seat,
                               lang=lang)
        self.broker = EmbeddedBroker(mqtt.embedded_host, mqtt.embedded_port) \
            if mqtt.embedded else None
        self.simulator: Simulator | None = None
        self.calls: DemoCalls | None = None
        if demo:
            self.simulator = Simulator(
                [s.address for s in roadmap.stations],
                lambda a: LinkSettings.from_config(config, f"demo-{a.service.value}-{a.unit}"),
                center=config.center.id, speed=DEMO_SPEED, clock=self.clock, key=key)
            self.calls = DemoCalls(Link(LinkSettings.from_config(config, "demo-gateway"),
                                        clock=self.clock),
                                   config.center.id, self.clock, key=key)
        self.started = False

    @property
    def centre_name(self) -> str:
        """The centre's name for the status bar and the greeting, in the console's language."""
        return self.config.center.display_name(self.lang)

    async def start(self) -> None:
        """Start the broker, the desk and (demo) the recipients and calls.

        Raises:
            PortTaken: The broker's port was taken meanwhile.
        """
        if self.broker is not None:
            await self.broker.start()
        await self.desk.start()
        if self.simulator is not None:
            await self.simulator.start()
        if self.calls is not None:
            self.calls.start()
        self.started = True

    async def stop(self) -> None:
        """Stop everything started; nothing recorded is lost."""
        if self.calls is not None:
            await self.calls.stop()
        if self.simulator is not None:
            await self.simulator.stop()
        if self.started:
            await self.desk.stop()
        if self.broker is not None:
            await self.broker.stop()
        self.started = False

    def close(self) -> None:
        """Close the log."""
        self.log.close()
