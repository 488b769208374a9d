"""What every figure needs: a real desk on a real log, and link settings for the broker."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dispatch.bus.link import LinkSettings
from dispatch.desk import Desk, Operator
from dispatch.desk.factory import build_desk
from dispatch.geo import RoadMap, load_map
from dispatch.playbook import PlaybookSet, ServiceLanguage, load_playbooks, load_service_language
from dispatch.timeline import open_timeline

CENTER = "bench"
OPERATOR = Operator("bench")
CALLER = {"name": "Li", "phone": "13800000001"}


@cache
def shipped() -> tuple[PlaybookSet, RoadMap, ServiceLanguage]:
    """The shipped playbooks, map and service language, loaded once."""
    return load_playbooks(), load_map(), load_service_language()


def bench_settings(port: int, name: str) -> LinkSettings:
    """Settings for the private loopback broker."""
    return LinkSettings(host="127.0.0.1", port=port, client_id=name, reconnect_min_s=0.05,
                        reconnect_max_s=0.5, keepalive_s=10, publish_timeout_s=10)


def bench_desk(path: Path | str, port: int, *, ack_on_receipt: bool = False,
               seat: str | None = None, follow_s: float | None = None,
               **modes: object) -> Desk:
    """A desk over a live log at ``path`` (a file, or a PostgreSQL URL); its bus points
    at ``port`` (not started).

    ``ack_on_receipt`` builds the old, non-durable intake (the baseline of the
    intake figures); ``seat`` and ``follow_s`` make it one seat of a floor.
    """
    from dispatch.config.schema import ModesConfig, SlaConfig

    playbooks, roadmap, service = shipped()
    log = open_timeline(path, center=CENTER, drill=False)
    name = seat or (path.stem if isinstance(path, Path) else "pg")
    return build_desk(log, bench_settings(port, f"bench-console-{name}"), playbooks,
                      roadmap, service=service, sla=SlaConfig(),
                      modes=ModesConfig(**modes),  # type: ignore[arg-type]
                      tick_s=None, bus_tick_s=None, follow_s=follow_s, seat=seat,
                      ack_on_receipt=ack_on_receipt)


def worked_incident(desk: Desk, says: str = "三辆车追尾，有人受伤",
                    where: str = "G4 K1024+300") -> str:
    """An incident taken, placed and classified by commands, ready to dispatch."""
    call = desk.receive_call(OPERATOR, CALLER, says)
    desk.answer(OPERATOR)
    incident = desk.open_incident(OPERATOR, call)
    desk.set_location(OPERATOR, incident, where)
    desk.apply_playbook(OPERATOR, incident)
    desk.record_answer(OPERATOR, incident, "injured", 2)
    return incident
