"""Run every figure against a private broker and temporary databases."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dispatch.bench.appends import appends
from dispatch.bench.board import board
from dispatch.bench.brokers import other_brokers
from dispatch.bench.classify import classify
from dispatch.bench.floor import floor
from dispatch.bench.intake import intake
from dispatch.bench.locate import locate
from dispatch.bench.mosquitto import Broker
from dispatch.bench.places import locate_from_text
from dispatch.bench.replay import replay
from dispatch.bench.report import Report
from dispatch.bench.roundtrip import round_trip
from dispatch.bench.seats import seats
from dispatch.bench.setup import shipped


@dataclass(frozen=True)
class Sizes:
    """How much each figure does."""

    round_trips: int = 300
    single_appends: int = 3000
    batched_appends: int = 100_000
    locate_one: int = 10_000
    locate_batch: int = 100_000
    classify_rounds: int = 5
    locate_words: int = 5000
    calls: int = 2000
    calls_over_s: float = 2.0
    replay_events: int = 100_000
    board_incidents: int = 10_000
    board_updates: int = 1000
    floor_samples: int = 200
    floor_calls: int = 400
    #: The history a seat starts on (the issue's busy centre's year).
    start_events: int = 10_000_000


FULL = Sizes()
#: Finishes within 60 s on the reference machine: the burst and board stay full size.
QUICK = Sizes(round_trips=100, single_appends=1000, batched_appends=20_000, locate_one=2000,
              locate_batch=20_000, classify_rounds=1, locate_words=1000,
              replay_events=100_000, floor_samples=100,
              floor_calls=150, start_events=400_000)


async def run_bench(sizes: Sizes = FULL, *, quick: bool = False, mosquitto: str | None = None,
                    progress: Callable[[str], None] | None = None,
                    postgres: str | None = None) -> Report:
    """Measure every figure; the broker and databases live in a temporary folder.

    Args:
        sizes: How much each figure does.
        quick: Recorded in the report.
        mosquitto: The mosquitto binary (``None``: the installed one).
        progress: Told the name of each figure as it starts.
        postgres: A PostgreSQL database the floor figures may empty (``None``: the
            PostgreSQL figures are not measured).

    Raises:
        MosquittoMissing: No mosquitto binary (checked before anything runs).
    """
    say = progress or (lambda _name: None)
    report = Report(quick=quick)
    with tempfile.TemporaryDirectory(prefix="dispatch-bench-") as tmp:
        folder = Path(tmp)
        broker = Broker(folder, mosquitto)
        broker.start()
        try:
            say("round trip")
            report.add(*await round_trip(broker.port, folder, sizes.round_trips))
            # The same measurement on the other brokers it can start (or why not).
            report.add(*await other_brokers(folder, sizes.round_trips, say))
            say("durable appends")
            report.add(*appends(folder, single=sizes.single_appends,
                                batched=sizes.batched_appends))
            say("locate")
            report.add(*locate(shipped()[1], one_by_one=sizes.locate_one,
                               batch=sizes.locate_batch))
            say("classify")
            report.add(*classify(sizes.classify_rounds))
            say("locate from text")
            report.add(*locate_from_text(shipped()[1], sizes.locate_words))
            say("intake burst")
            report.add(*await intake(broker.port, folder, sizes.calls, sizes.calls_over_s))
            say("floor")
            report.add(*await floor(folder, broker.port, sizes.floor_samples,
                                    sizes.start_events, postgres))
            say("floor of seats")
            report.add(*await seats(folder, broker.port, sizes.floor_calls))
        finally:
            broker.stop()
        gc.collect()
        say("replay fold")
        report.add(*replay(folder, sizes.replay_events))
    say("board")
    report.add(*await board(sizes.board_incidents, sizes.board_updates))
    return report
