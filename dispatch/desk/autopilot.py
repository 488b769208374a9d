"""The autopilot: the reference operator for drills, demos and benchmarks.

It works every call as the playbooks say a correct operator would: answer,
open the incident, place it from the caller's words, apply the playbook the
classifier suggests, ask every question (taking the caller's answers;
anything the caller does not say is "unknown"), read the required advice,
set the priority, send the recommended orders, and close the incident once
every recipient has cleared.  It drives the same desk as a person does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from dispatch.desk.desk import Desk
from dispatch.desk.roles import Operator
from dispatch.errors import Changed, DeskError, DispatchError, LogUnwritable, Taken
from dispatch.model import DONE_STATES, Event, EventType
from dispatch.tasks import stop_task

log = logging.getLogger(__name__)

FINAL = DONE_STATES
#: Seconds before the autopilot tries a step again that the log could not record.
RETRY_S = 0.5
#: Times a call's steps are taken again when another seat changed its incident meanwhile.
ATTEMPTS = 5


class Autopilot:
    """Works every call that reaches the desk.

    Args:
        desk: The desk to drive.
        operator: Who the log names as actor.
        wrap_up_s: Real seconds the seat stays busy after each call it worked (the
            operator's wrap-up; 0: none, as drills run it), during which the floor's
            other seats take the calls that ring.
    """

    def __init__(self, desk: Desk, operator: Operator | None = None, *,
                 wrap_up_s: float = 0.0) -> None:
        self.desk = desk
        self.operator = operator or Operator("autopilot")
        self.wrap_up_s = wrap_up_s
        self.errors: list[str] = []
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._retrying = 0

    def start(self) -> None:
        """Listen to the desk and work in a task of the running loop."""
        self.desk.listeners.append(self._heard)
        for call, _ in self.desk.queue():  # calls already ringing (after a restart)
            self._queue.put_nowait(self.desk.log.event(EventType.CALL_RECEIVED, "restart",
                                                       data={"call": call.id}))
        self._task = asyncio.get_running_loop().create_task(self._run(), name="autopilot")

    async def stop(self) -> None:
        """Stop working."""
        if self._heard in self.desk.listeners:
            self.desk.listeners.remove(self._heard)
        await stop_task(self._task)
        self._task = None

    async def idle(self) -> None:
        """Return once every event heard so far has been handled."""
        while not self._queue.empty() or not self._idle.is_set():
            await self._queue.join()

    def _again(self, event: Event) -> None:
        self._retrying -= 1
        self._idle.clear()
        self._queue.put_nowait(event)

    def _heard(self, event: Event) -> None:
        if event.type in (EventType.CALL_RECEIVED, EventType.ORDER_STATUS,
                          EventType.INCIDENT_RESOLVED):
            self._idle.clear()
            self._queue.put_nowait(event)

    async def _run(self) -> None:
        while True:
            event = await self._queue.get()
            worked = None
            try:
                worked = self.handle(event)
            except LogUnwritable:
                # The log is away (a disk, a server restarting): a person would try again.
                self._retrying += 1
                asyncio.get_running_loop().call_later(RETRY_S, self._again, event)
            except DispatchError as exc:
                self.errors.append(f"{event.type}: {exc}")
                log.info("autopilot: %s", exc)
            finally:
                self._queue.task_done()
                if self._queue.empty() and not self._retrying:
                    self._idle.set()
            # Let the bus and the timers run between steps (and wrap up after a call).
            await asyncio.sleep(self.wrap_up_s if worked else 0)

    def handle(self, event: Event) -> str | None:
        """React to one event; return the incident of a call this seat worked."""
        if event.type == EventType.CALL_RECEIVED:
            return self.work_call(event.data.get("call") or event.id)
        elif event.type == EventType.ORDER_STATUS and event.data.get("status") in FINAL:
            self.close_if_done(event.incident)
        elif event.type == EventType.INCIDENT_RESOLVED and event.incident:
            inc = self.desk.board.incidents.get(event.incident)
            if inc is not None and inc.status == "resolved" and self._mine(inc.owner):
                self._close(inc.id)
        return None

    def _mine(self, owner: str | None) -> bool:
        """On a floor each seat closes what it answers for (the system's: anyone)."""
        return owner in (self.operator.id, "system", None)

    def work_call(self, call_id: str, *, claim: bool = False) -> str | None:
        """Work one ringing call from answer to dispatch; return its incident.

        Args:
            call_id: The call.
            claim: Raise :class:`~dispatch.errors.Taken` when another seat answered
                it first (otherwise that call is simply left to that seat).
        """
        desk, me = self.desk, self.operator
        call = desk.board.calls.get(call_id)
        if call is None or (call.answered_at is not None and not claim):
            return None
        try:
            desk.answer(me, call_id)
            iid = desk.open_incident(me, call_id)
        except Taken:
            if claim:
                raise
            return None  # another seat of the floor was quicker: its call now
        for _ in range(ATTEMPTS):
            try:
                self._work(iid, call)
                return iid
            except Changed:
                continue  # another seat changed it: the board has folded that; look again
            except DeskError:
                inc = desk.board.incidents.get(iid)
                if inc is not None and not inc.open:
                    return iid  # merged or ended by another seat meanwhile: theirs now
                raise
        raise DeskError(f"incident {iid} kept changing under the autopilot")

    def _work(self, iid: str, call: Any) -> None:
        """The steps a correct operator takes, each skipped once it is done (so a step
        refused because another seat changed the incident can simply be taken again)."""
        desk, me = self.desk, self.operator
        inc = desk.board.incidents[iid]
        where = _where(call.location)
        if where and (not inc.location or inc.location_from_call):
            try:
                desk.set_location(me, iid, where)
            except Changed:
                raise
            except DispatchError as exc:
                desk.note(me, iid, f"location not found: {where} ({exc})")
        if not inc.kind:
            desk.apply_playbook(me, iid)
        if not inc.open:
            return  # a duplicate, merged into the first call about the same event
        for question in desk.guidance(iid).questions:
            if question.id not in inc.answers:
                desk.record_answer(me, iid, question.id, call.answers.get(question.id))
        guide = desk.guidance(iid, complete=True)
        for advice in guide.advice:
            if advice.required and advice.id not in inc.advice:
                desk.give_advice(me, iid, advice.id)
        # The priority is the playbook's, set as the answers were recorded.
        wanted = [r.service for r in guide.services if r.service.value not in inc.services_sent()]
        if inc.open and wanted:
            desk.dispatch(me, iid, wanted)

    def close_if_done(self, incident: str | None) -> None:
        """Close an incident once every recipient has cleared (or declined)."""
        inc = self.desk.board.incidents.get(incident or "")
        while inc is not None and inc.merged_into:
            inc = self.desk.board.incidents.get(inc.merged_into)
        if inc is None or inc.status in ("closed", "merged") or not inc.orders:
            return
        if not self._mine(inc.owner):
            return
        if not all(o.state in FINAL for o in inc.orders.values()):
            return
        me = self.desk
        if inc.kind == "complaint":
            if inc.investigated_at is None:
                me.record_investigation(self.operator, inc.id, "investigated by the unit")
            if inc.callback_at is None:
                me.record_callback(self.operator, inc.id, satisfied=True)
        if inc.status == "open":
            me.resolve(self.operator, inc.id)
        self._close(inc.id)

    def _close(self, incident: str) -> None:
        """Close it, unless another seat of the floor just did (the system's incidents)."""
        try:
            self.desk.close(self.operator, incident)
        except DispatchError:
            inc = self.desk.board.incidents.get(incident)
            if inc is None or inc.status not in ("closed", "merged"):
                raise


def _where(location: Any) -> str | None:
    if isinstance(location, str) and location.strip():
        return location
    if isinstance(location, dict) and "lat" in location and "lon" in location:
        return f"{location['lat']},{location['lon']}"
    return None
