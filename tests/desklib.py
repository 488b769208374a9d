"""Building a real desk for tests: shipped playbooks and map, a real log, a bus."""

from __future__ import annotations

from functools import cache

from dispatch.config.schema import ModesConfig, SlaConfig
from dispatch.desk import Desk, Operator
from dispatch.desk.factory import build_desk
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
    return build_desk(log, settings(port, name), playbooks, roadmap, service=service,
                      sla=SlaConfig(), modes=ModesConfig(**modes),  # type: ignore[arg-type]
                      tick_s=None, bus_tick_s=None)


def make_seat(log: Timeline, seat: str, port: int = 1, *, follow_s: float | None = 0.02,
              **modes: object) -> Desk:
    """One seat of a floor on ``log`` (open another :class:`Timeline` on the same file
    for each seat: each is its own connection, as each console process has)."""
    playbooks, roadmap, service = shipped()
    from dispatch.model import new_id

    # A broker session of its own: on the session's mosquitto a session outlives
    # its test, and an earlier test's queued calls must not reach this seat.
    client = f"console-{log.center}-{seat}-{new_id()[:6]}"
    return build_desk(log, settings(port, client), playbooks, roadmap,
                      service=service, sla=SlaConfig(),
                      modes=ModesConfig(**modes),  # type: ignore[arg-type]
                      tick_s=None, bus_tick_s=None, seat=seat, follow_s=follow_s)


def ring(desk: Desk, n: int = 1) -> str:
    """A call from the gateway (``G4 K1024+300``, injuries), taken by ``desk``'s bus;
    return its id."""
    from dispatch.model import new_id

    from .intakelib import call_payload

    call_id = new_id()
    desk.bus.receive(desk.bus.topics.calls_in, call_payload(call_id, n))
    return call_id


def worked(desk: Desk, by: Operator, call_id: str, where: str = "G4 K1024+300") -> str:
    """Answer, open, place and classify a call as an accident; return the incident."""
    desk.answer(by, call_id)
    iid = desk.open_incident(by, call_id)
    desk.set_location(by, iid, where)
    desk.apply_playbook(by, iid, "accident")
    return iid
