"""The demo call stream: realistic calls on the shipped network, now and then.

``dispatch console --demo`` shows a newcomer a live floor at once: besides the
simulated recipients, this stream plays the telephony gateway and publishes a
``dispatch.call/1`` on ``calls/in`` every little while, exactly as the drill
runner's injector does.  Calls mix English and Chinese, kinds and stakes; each
carries the caller's answers, so asking a question shows what the caller says.
No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from typing import Any

from dispatch.bus.codec import encode
from dispatch.bus.link import Link, LinkDown
from dispatch.bus.payloads import CallMessage
from dispatch.bus.topics import Topics
from dispatch.clock import Clock
from dispatch.model import format_stake, new_id

log = logging.getLogger(__name__)

#: Stake ranges of the shipped roads (km), kept inside the sections.
ROADS: dict[str, tuple[float, float]] = {
    "G4": (806.0, 1080.0), "G50": (735.0, 1105.0), "G70": (1025.0, 1420.0)}


@dataclass(frozen=True)
class Template:
    """One kind of demo call."""

    says: str
    answers: dict[str, Any]


TEMPLATES: tuple[Template, ...] = (
    Template("三辆车追尾，有人受伤，车堵在行车道上",
             {"injured": 2, "trapped": False, "fire": False, "hazmat": False, "vehicles": 3,
              "lane_blocked": True}),
    Template("Two cars scraped each other, nobody is hurt, we are on the shoulder",
             {"injured": 0, "trapped": False, "fire": False, "hazmat": False, "vehicles": 2,
              "lane_blocked": False}),
    Template("A truck crashed into the guardrail and there is smoke, the driver is stuck",
             {"injured": 1, "trapped": True, "fire": True, "hazmat": False, "vehicles": 1,
              "lane_blocked": True}),
    Template("危化品罐车侧翻，有液体泄漏，有刺鼻气味",
             {"injured": 0, "trapped": False, "fire": False, "hazmat": True, "vehicles": 1,
              "lane_blocked": True}),
    Template("车子爆胎了，停在应急车道",
             {"fault": "tyre", "in_lane": False, "smoke": False, "injured": 0}),
    Template("My car ran out of fuel and stopped in the middle lane",
             {"fault": "fuel", "in_lane": True, "smoke": False, "injured": 0}),
    Template("水箱开锅了，发动机冒烟", {"fault": "overheat", "in_lane": False, "smoke": True,
                                        "injured": 0}),
    Template("The engine died, we are on the hard shoulder with two kids",
             {"fault": "mechanical", "in_lane": False, "smoke": False, "injured": 0}),
    Template("我要投诉，收费站多收了我的通行费", {"subject": "toll", "against": "收费站"}),
    Template("I want to complain: the rescue truck took two hours to arrive",
             {"subject": "rescue", "against": "tow company"}),
)

NAMES = ("Li Wei", "王芳", "Zhang Min", "刘洋", "Chen Jie", "杨静", "Huang Lei", "赵强")


def demo_call(rng: random.Random, clock: Clock, center: str) -> CallMessage:
    """One random, valid call (live root) on the shipped network."""
    template = rng.choice(TEMPLATES)
    road = rng.choice(sorted(ROADS))
    low, high = ROADS[road]
    km = round(rng.uniform(low, high), 1)
    phone = "13" + "".join(str(rng.randrange(10)) for _ in range(9))
    return CallMessage.model_validate({
        "schema": "dispatch.call/1", "id": new_id(), "at": clock.now(), "center": center,
        "drill": False, "caller": {"name": rng.choice(NAMES), "phone": phone},
        "says": template.says, "location": f"{road} {format_stake(km)}",
        "answers": template.answers})


class DemoCalls:
    """Publishes a demo call every ``interval`` seconds (jittered) until stopped.

    Args:
        link: A link to the console's broker (the "gateway"); started and stopped here.
        center: The centre the calls are for.
        clock: Time source for the calls' timestamps.
        interval: Mean seconds between calls.
        seed: Random seed (the same seed plays the same calls).
        key: Shared HMAC key, if configured.
    """

    def __init__(self, link: Link, center: str, clock: Clock, *, interval: float = 25.0,
                 seed: int | None = None, key: bytes | None = None) -> None:
        self.link = link
        self.center = center
        self.clock = clock
        self.interval = interval
        self.rng = random.Random(seed)
        self.key = key
        self.topics = Topics(center, drill=False)
        self.sent = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Connect and start calling (the first call comes within a few seconds)."""
        self.link.start()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="demo-calls")

    async def stop(self) -> None:
        """Stop calling and disconnect."""
        from dispatch.tasks import stop_task

        await stop_task(self._task)
        self._task = None
        await self.link.stop()

    async def _run(self) -> None:
        delay = 2.0
        while True:
            await asyncio.sleep(delay)
            message = demo_call(self.rng, self.clock, self.center)
            await self.link.wait_up()
            with contextlib.suppress(LinkDown):
                await self.link.publish(self.topics.calls_in, encode(message, self.key))
                self.sent += 1
            delay = self.rng.uniform(0.5, 1.5) * self.interval
