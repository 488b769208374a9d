"""Console parts without a terminal: texts, the demo stream, the board's batching."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from dispatch.clock import ManualClock
from dispatch.desk.board import Board
from dispatch.i18n import placeholders
from dispatch.model import Event
from dispatch.tui.board import IncidentBoard
from dispatch.tui.demo import TEMPLATES, demo_call
from dispatch.tui.texts import TEXTS

from .desklib import shipped

T0 = datetime(2026, 11, 22, tzinfo=UTC)


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == {"en", "zh"}, key
        assert placeholders(texts["en"]) == placeholders(texts["zh"]), key


def test_demo_calls_are_valid_placed_and_classified() -> None:
    playbooks, roadmap, _ = shipped()
    rng = random.Random(7)
    kinds = set()
    for _ in range(60):
        call = demo_call(rng, ManualClock(T0), "hubei")
        assert roadmap.locate(call.location).road  # on the shipped network
        best = playbooks.classify(call.says)[0].playbook
        kinds.add(best)
        spec = playbooks.get(best)
        assert set(call.answers) <= {q.id for q in spec.questions}
    assert {"accident", "breakdown", "complaint"} <= kinds
    assert len(TEMPLATES) >= 8


def _board(n: int) -> Board:
    board = Board()
    for i in range(n):
        iid = f"20261122-{i:04d}"
        board.apply(Event("incident_opened", "op1", T0 + timedelta(seconds=i), iid,
                          {"kind": "accident", "priority": 1 + i % 4}))
        board.apply(Event("order_sent", "op1", T0, iid,
                          {"order": f"o{i}", "to": "120/xianning", "kind": "accident"}))
    return board


class _Host(App[None]):
    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def compose(self) -> ComposeResult:
        yield IncidentBoard.load(self.board, now=lambda: T0 + timedelta(hours=1))


async def test_the_board_applies_queued_updates_cell_by_cell() -> None:
    board = _board(2000)
    app = _Host(board)
    async with app.run_test(size=(140, 30)):
        table = app.query_one(IncidentBoard)
        assert table.row_count == 2000 and len(table.columns) == 12
        for i in range(0, 2000, 2):  # a burst of reports: queued, nothing drawn yet
            board.apply(Event("order_status", "120/xianning", T0, f"20261122-{i:04d}",
                              {"order": f"o{i}", "status": "received"}))
            table.queue(f"20261122-{i:04d}")
        assert table.pending == 1000 and table.shown("20261122-0000", "120") == "S"
        assert table.flush() == 1000  # one cell each: the 120 mark
        assert table.shown("20261122-0000", "120") == "R"
        assert table.shown("20261122-0001", "120") == "S"
        assert table.flush() == 0
        board.apply(Event("incident_opened", "op1", T0, "20261122-9999", {"kind": "breakdown"}))
        table.queue("20261122-9999")
        table.flush()
        assert table.row_count == 2001  # added, nothing rebuilt
