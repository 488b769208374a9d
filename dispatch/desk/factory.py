"""The one place a log, a bus and a desk are put together.

The console's session, a drill (each of its seats), the benchmarks and the
tests all build their desk here, so a seat is the same thing wherever it runs:
the bus's console id is the seat's client id, the bus and the desk share the
log's clock, and recipients' phone numbers come from the map.
"""

from __future__ import annotations

from dispatch.bus.console import ConsoleBus
from dispatch.bus.link import LinkSettings
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import policies
from dispatch.desk.desk import Desk
from dispatch.errors import GeoError
from dispatch.geo import RoadMap
from dispatch.playbook import PlaybookSet, ServiceLanguage
from dispatch.timeline import Timeline


def build_desk(
    log: Timeline,
    settings: LinkSettings,
    playbooks: PlaybookSet,
    roadmap: RoadMap,
    *,
    service: ServiceLanguage | None = None,
    sla: SlaConfig | None = None,
    modes: ModesConfig | None = None,
    key: bytes | None = None,
    seat: str | None = None,
    lang: str = "en",
    tick_s: float | None = 1.0,
    follow_s: float | None = 0.02,
    bus_tick_s: float | None = 1.0,
    ack_on_receipt: bool = False,
) -> Desk:
    """A desk over ``log`` with its bus (neither started).

    Args:
        log: The seat's own connection to the floor's log.
        settings: How to reach the broker; its ``client_id`` is the seat's console id.
        playbooks: The loaded playbooks.
        roadmap: The loaded map (recipients' phone numbers for escalations).
        service: Service language (forbidden-phrase checks).
        sla: Deadlines (``ack_s`` is the bus's acknowledgement deadline).
        modes: Outage and peak thresholds.
        key: Shared HMAC key.
        seat: The seat's id on the floor (``None``: no seat events).
        lang: Language of guidance texts.
        tick_s: The desk's timer period (``None``: tests call ``tick``).
        follow_s: How often to look for other seats' writes (``None``: call ``follow``).
        bus_tick_s: The bus's acknowledgement timer period.
        ack_on_receipt: The old, non-durable intake (a benchmark baseline only).
    """
    sla = sla or SlaConfig()
    bus = ConsoleBus(log, settings, console_id=settings.client_id, clock=log.clock, key=key,
                     ack_s=sla.ack_s, tick_s=bus_tick_s, ack_on_receipt=ack_on_receipt,
                     phone_of=lambda address: _phone(roadmap, address))
    desk = Desk(log, bus, playbooks, roadmap, sla=sla, modes_config=modes, service=service,
                lang=lang, tick_s=tick_s, seat=seat, follow_s=follow_s)
    policies.attach(desk)
    return desk


def _phone(roadmap: RoadMap, address: str) -> str | None:
    try:
        return roadmap.station(address).phone
    except GeoError:  # an address the map does not know has no number to offer
        return None
