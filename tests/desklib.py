"""Building a real desk for tests: shipped playbooks and map, a real log, a bus."""

from __future__ import annotations

from functools import cache

from dispatch.bus.console import ConsoleBus
from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import Desk
from dispatch.geo import RoadMap, load_map
from dispatch.playbook import PlaybookSet, ServiceLanguage, load_playbooks, load_service_language
from dispatch.timeline import Timeline

from .buslib import settings


@cache
def shipped() -> tuple[PlaybookSet, RoadMap, ServiceLanguage]:
    """The shipped playbooks, map and service language, loaded once per session."""
    return load_playbooks(), load_map(), load_service_language()


def make_desk(log: Timeline, port: int = 1, name: str = "console", **modes: object) -> Desk:
    """A desk over ``log``; its bus points at ``port`` (not started unless the test does)."""
    playbooks, roadmap, service = shipped()
    bus = ConsoleBus(log, settings(port, name), clock=log.clock, tick_s=None,
                     phone_of=lambda a: roadmap.station(a).phone)
    return Desk(log, bus, playbooks, roadmap, sla=SlaConfig(), service=service,
                modes_config=ModesConfig(**modes), tick_s=None)
