"""The board: a console table of 10,000 incidents, start to first frame and 1,000 updates.

Textual is imported lazily, inside the functions (through :mod:`importlib`:
the core never names it in an import statement, see ``tests/test_layering.py``).
The baseline is a bare Textual ``DataTable`` filled with the same rows; the
console side uses ``dispatch.tui.board.IncidentBoard`` when it exists.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dispatch.bench.report import Figure, ratio_figure
from dispatch.model import Event, EventType

COLUMNS = ("incident", "kind", "priority", "status", "road", "km", "orders")
STATUSES = ("received", "accepted", "en_route", "on_scene", "cleared")


def sample_rows(n: int) -> list[tuple[str, ...]]:
    """``n`` incident rows as the board shows them."""
    rng = random.Random(8)
    return [(f"20260101-{i:05d}", rng.choice(("accident", "breakdown", "complaint")),
             str(rng.randint(1, 4)), "open", rng.choice(("G4", "G50", "G70")),
             f"{rng.uniform(700, 1200):.3f}", "sent") for i in range(n)]


async def _bare_table(rows: list[tuple[Any, ...]], updates: int,
                      columns: tuple[str, ...] = COLUMNS) -> tuple[float, float]:
    """A bare DataTable app: (start → first frame, 1,000 updates applied and painted), in s."""
    app_mod = importlib.import_module("textual.app")
    widgets = importlib.import_module("textual.widgets")
    painted = asyncio.Event()
    started = time.perf_counter()

    class Bare(app_mod.App):  # type: ignore[name-defined,misc]
        def compose(self) -> Any:
            yield widgets.DataTable(id="t")

        def on_mount(self) -> None:
            table = self.query_one("#t")
            for name in columns:
                table.add_column(name, key=name)
            table.add_rows(rows)
            self.call_after_refresh(painted.set)

    app = Bare()
    async with app.run_test(headless=True, size=(160, 50)) as pilot:
        await asyncio.wait_for(painted.wait(), 120)
        first = time.perf_counter() - started
        table = app.query_one("#t")
        keys = list(table.rows)
        rng = random.Random(1)
        painted.clear()
        start = time.perf_counter()
        # Bare: every update applied as it comes, then one repaint awaited.
        for _ in range(updates):
            table.update_cell(rng.choice(keys), columns[-1], rng.choice(STATUSES))
        app.call_after_refresh(painted.set)
        await asyncio.wait_for(painted.wait(), 120)
        took = time.perf_counter() - start
        await pilot.pause()
    return first, took


def console_board_available() -> bool:
    """Whether the console's ``IncidentBoard`` exists yet."""
    try:
        module = importlib.import_module("dispatch.tui.board")
    except ImportError:
        return False
    return hasattr(module, "IncidentBoard")


async def board(incidents: int = 10_000, updates: int = 1000,
                limit_s: float = 40) -> list[Figure]:
    """Start to first frame and updates, the console's board next to a bare DataTable.

    Returns:
        Start-to-first-frame (target ≤ 1.5 × the bare table) and the time for
        ``updates`` status updates applied and painted (target ≤ 1 s).  Until
        ``dispatch.tui.board.IncidentBoard`` exists, the console side is
        reported as pending (value ``None``) next to the measured baseline.
    """
    if not console_board_available():
        why = "pending: dispatch.tui.board.IncidentBoard does not exist yet"
        bare_start, bare_updates = await _bare_table(sample_rows(incidents), updates)
        return [
            Figure(f"board: start to first frame ({incidents:,} incidents)", None, "s",
                   bare_start, None, "≤ 1.5 × baseline", None, why),
            Figure(f"board: {updates:,} status updates applied and painted", None, "s",
                   bare_updates, None, "≤ 1 s", None, why),
        ]
    desk_board, status_events = floor(incidents, updates)
    tui = importlib.import_module("dispatch.tui.board")
    now = max(i.opened_at for i in desk_board.incidents.values())
    same = [tuple(tui._text(c) for c in tui.row_cells(inc, now, None, "en", {}))
            for inc in desk_board.incidents.values()]
    bare_start, bare_updates = await _bare_table(
        same, updates, tuple(key for key, _ in tui.COLUMNS))
    try:
        real_start, real_updates = await asyncio.wait_for(
            _console_board(desk_board, status_events, now), limit_s)
    except TimeoutError:
        why = f"IncidentBoard painted no first frame within {limit_s:g} s"
        return [
            Figure(f"board: start to first frame ({incidents:,} incidents)", math.inf, "s",
                   bare_start, math.inf, "≤ 1.5 × baseline", False, why),
            Figure(f"board: {updates:,} status updates applied and painted", None, "s",
                   bare_updates, None, "≤ 1 s", None, why),
        ]
    return [
        ratio_figure(f"board: start to first frame ({incidents:,} incidents)", real_start,
                     bare_start, "s", at_most=1.5),
        Figure(f"board: {updates:,} status updates applied and painted", real_updates, "s",
               bare_updates, real_updates / bare_updates if bare_updates else None, "≤ 1 s",
               real_updates <= 1.0, "queued, then one flush (the floor's 100 ms timer)"),
    ]


def floor(incidents: int, updates: int) -> tuple[Any, list[Any]]:
    """A desk board with ``incidents`` dispatched incidents, and ``updates`` status events."""
    from dispatch.bench.replay import clone, template_events
    from dispatch.desk.board import Board

    keep = {EventType.CALL_RECEIVED, EventType.CALL_ANSWERED, EventType.INCIDENT_OPENED,
            EventType.LOCATION_SET, EventType.PLAYBOOK_APPLIED, EventType.PRIORITY_SET,
            EventType.ORDER_SENT}
    with tempfile.TemporaryDirectory() as tmp:
        template = [e for e in template_events(Path(tmp)) if e.type in keep]
    result = Board()
    for n in range(1, incidents + 1):
        for event in clone(template, n):
            result.apply(event)
    rng = random.Random(3)
    orders = [(i.id, o.id, o.to) for i in result.incidents.values() for o in i.orders.values()]
    status = []
    for incident, order, to in rng.sample(orders, min(updates, len(orders))):
        status.append(Event(type=EventType.ORDER_STATUS, actor=to, at=datetime.now(UTC),
                            incident=incident, data={"order": order, "to": to,
                                                     "status": "received"}))
    return result, status


async def _console_board(desk_board: Any, status: list[Any], now: Any) -> tuple[float, float]:
    """The console's IncidentBoard: (start → first frame, updates applied and painted)."""
    app_mod = importlib.import_module("textual.app")
    tui = importlib.import_module("dispatch.tui.board")
    painted = asyncio.Event()
    started = time.perf_counter()

    class Console(app_mod.App):  # type: ignore[name-defined,misc]
        def compose(self) -> Any:
            yield tui.IncidentBoard.load(desk_board, lang="en", now=lambda: now, id="t")

        def on_mount(self) -> None:
            self.call_after_refresh(painted.set)

    app = Console()
    async with app.run_test(headless=True, size=(160, 50)) as pilot:
        await asyncio.wait_for(painted.wait(), 120)
        first = time.perf_counter() - started
        table = app.query_one("#t")
        painted.clear()
        start = time.perf_counter()
        for event in status:
            desk_board.apply(event)
            table.queue(event.incident)
        table.flush()
        app.call_after_refresh(painted.set)
        await asyncio.wait_for(painted.wait(), 120)
        took = time.perf_counter() - start
        await pilot.pause()
    return first, took
