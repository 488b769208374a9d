"""Automatic modes: outage when the broker link stays down, peak when calls flood in.

Outage: the link down longer than ``modes.outage_after_s`` opens an outage
incident by itself, tells the ``ops`` desk (the order waits in the outbox and
goes out as soon as the link is back) and prompts the operator to phone the
recipients whose orders wait; the link's return resolves it.

Peak: more than ``peak_calls`` calls within ``peak_window_s`` opens a peak
incident that asks the supervisor (``ops``) for extra seats; while it lasts,
duplicate calls (same kind, same road, close in place and time) are merged
into the first incident, and one that draws ``traffic_control_calls`` calls
gets a traffic-control request to its road-section centre.
"""

from __future__ import annotations

import bisect
import contextlib
from datetime import timedelta
from typing import TYPE_CHECKING

from geopy.distance import great_circle

from dispatch.desk import advisories
from dispatch.desk.board import IncidentView
from dispatch.desk.roles import SYSTEM
from dispatch.errors import DeskError, Taken
from dispatch.model import Event, EventType, Service, derived_id

if TYPE_CHECKING:
    from dispatch.desk.desk import Desk


def check(desk: Desk) -> list[Event]:
    """Switch modes on the clock (outage after a while, peak ending)."""
    board, now = desk.board, desk.clock.now()
    before = board.last_seq
    if (board.link_up is False and board.mode != "outage" and board.link_since is not None
            and now - board.link_since >= timedelta(seconds=desk.modes.outage_after_s)):
        _enter_outage(desk)
    elif board.mode == "outage" and board.link_up and all(up for up, _ in board.links.values()):
        # The floor's outage ends when every seat's link is back, not just this one's.
        _leave(desk, "outage", "link back")
    elif board.mode == "peak" and _recent_calls(desk) * 2 < desk.modes.peak_calls:
        _leave(desk, "peak", "calls back to normal")
    return [e for e in desk.log.events(after_seq=before)] if board.last_seq > before else []


def on_call(desk: Desk) -> None:
    """A call came in: is this a peak?"""
    if desk.board.mode == "normal" and _recent_calls(desk) > desk.modes.peak_calls:
        _enter_peak(desk)


def on_placed(desk: Desk, incident: str) -> None:
    """An incident got its place or kind: in peak mode, is it a duplicate?"""
    if desk.board.mode == "peak":
        _group(desk, desk.board.incidents.get(incident))


def _recent_calls(desk: Desk) -> int:
    since = desk.clock.now() - timedelta(seconds=desk.modes.peak_window_s)
    # Call times are appended as calls ring, so they are sorted: bisect, don't scan
    # (a burst of a thousand calls would otherwise cost a million comparisons).
    times = desk.board.call_times
    return len(times) - bisect.bisect_left(times, since)


def _open_auto(desk: Desk, auto: str, playbook: str, reason: str,
               **answers: object) -> str | None:
    """Open the mode's incident, or ``None`` when another seat opened it first.

    Every seat watches the same floor, so several may see the outage or the
    surge at once: the episode (the mode change it follows) names the opening,
    and only the first seat's is recorded.
    """
    try:
        iid = desk.open_incident(SYSTEM, key=("auto", auto, desk.board.mode_seq),
                                 auto=auto, kind=playbook)
    except Taken:
        return None
    desk.apply_playbook(SYSTEM, iid, playbook)
    for question, value in answers.items():
        desk.record_answer(SYSTEM, iid, question, value)  # each sets the playbook's priority
    return iid


def _mode_event(desk: Desk, incident: str | None, mode: str, **data: object) -> Event:
    event = desk.event(EventType.MODE_CHANGED, SYSTEM, incident, mode=mode, **data)
    event.id = derived_id(EventType.MODE_CHANGED, mode, desk.board.mode_seq)
    return event


def _enter_outage(desk: Desk) -> None:
    waiting = [{"order": o.id, "to": o.to, "phone": _phone(desk, o.to)}
               for o in desk.board.waiting_orders()]
    iid = _open_auto(desk, "outage", "outage", "link down", system="console_link",
                     scope="broker link")
    if iid is None or not desk.record(_mode_event(desk, iid, "outage", reason="broker link down",
                                                  waiting=waiting)):
        return  # another seat switched the floor
    advisories.publish(desk, "outage", iid)
    # Goes out the moment the link is back: the ops desk learns of it at once.
    desk.dispatch(SYSTEM, iid, [Service.OPS], kind="outage", reason="console link down",
                  key=("outage", iid))


def _enter_peak(desk: Desk) -> None:
    calls = _recent_calls(desk)
    iid = _open_auto(desk, "peak", "peak_load", "calls", event="call surge")
    free = len(desk.board.free_seats(desk.clock.now()))
    if iid is None or not desk.record(_mode_event(desk, iid, "peak", calls=calls,
                                                  window_s=desk.modes.peak_window_s,
                                                  free_seats=free)):
        return
    desk.dispatch(SYSTEM, iid, [Service.OPS], kind="extra_seats", key=("extra_seats", iid),
                  reason=f"{calls} calls in {desk.modes.peak_window_s} s: open extra seats "
                         f"({free} free now)")
    for inc in list(desk.board.open_incidents()):
        _group(desk, inc)
    advisories.publish(desk, "peak", iid)


def _leave(desk: Desk, mode: str, reason: str) -> None:
    iid = desk.board.mode_incident.get(mode)
    if not desk.record(_mode_event(desk, iid, "normal", reason=reason)):
        return  # another seat switched back first
    inc = desk.board.incidents.get(iid or "")
    if inc is not None and inc.open:
        desk.resolve(SYSTEM, inc.id, cancel_orders=True)  # the duty desk is told it is over
    advisories.publish(desk, mode, iid, over=True)


def _phone(desk: Desk, address: str) -> str | None:
    try:
        return desk.roadmap.station(address).phone
    except Exception:
        return None


def _close_enough(desk: Desk, a: IncidentView, b: IncidentView) -> bool:
    if a.kind != b.kind or a.auto or b.auto or not a.location or not b.location:
        return False
    la, lb = a.location, b.location
    if la.get("road") != lb.get("road"):
        return False
    if abs((a.opened_at - b.opened_at).total_seconds()) > desk.modes.merge_window_s:
        return False
    if la.get("km") is not None and lb.get("km") is not None:
        metres = abs(la["km"] - lb["km"]) * 1000
    elif None not in (la.get("lat"), la.get("lon"), lb.get("lat"), lb.get("lon")):
        metres = great_circle((la["lat"], la["lon"]), (lb["lat"], lb["lon"])).meters
    else:
        return False
    return metres <= desk.modes.merge_distance_m


def _group(desk: Desk, inc: IncidentView | None) -> None:
    if inc is None or not inc.open or not inc.kind or not inc.location:
        return
    first = next((o for o in desk.board.open_incidents()
                  if o.id != inc.id and o.opened_at <= inc.opened_at
                  and _close_enough(desk, o, inc)), None)
    if first is None:
        return
    desk.merge(SYSTEM, first.id, [inc.id], reason="duplicate call during peak")
    if len(first.calls) >= desk.modes.traffic_control_calls and not first.traffic_control:
        # No section centre known for the place: the operator still sees the calls pile up.
        with contextlib.suppress(DeskError):
            desk.dispatch(SYSTEM, first.id, [Service.SECTION], kind="traffic_control",
                          key=("traffic_control", first.id),
                          reason=f"{len(first.calls)} calls about one event: traffic control")
