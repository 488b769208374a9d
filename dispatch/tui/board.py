"""The incident board: one DataTable row per incident, updated cell by cell.

The board is the console's busiest widget: a full floor holds thousands of
incidents and recipients report in bursts.  Painting each update on its own
costs ~24 ms (DESIGN, measured), so updates are *queued* (:meth:`IncidentBoard.queue`,
cheap: a set insert) and applied in batches by :meth:`IncidentBoard.flush`, which
the floor calls on a 100 ms timer.  A flush compares each queued row's new
cells with the cells shown and calls ``update_cell`` only for the ones that
changed; rows are added once and never cleared or rebuilt.  Columns have fixed
widths, so an update never re-measures a column.

Usage (also what the benchmark times)::

    table = IncidentBoard.load(desk.board, lang="en", now=desk.clock.now)
    ...                                  # mount it; every incident becomes a row
    table.queue("20261122-0001")         # after the desk folded an event about it
    table.flush()                        # apply every queued change now
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from dispatch.desk.board import Board, IncidentView, OrderView
from dispatch.desk.timers import Deadline
from dispatch.model import format_stake
from dispatch.tui.texts import clock_left, duration, kind_label, label, t

#: Column keys, in display order, with their widths in terminal cells (text only: each
#: cell starts with one blank, :data:`GAP`).  With the owner's column the floor's board
#: fits 120 columns and its scrollbar; the deadline's column holds the longest label and
#: time (``investigate -23h59``).
COLUMNS: tuple[tuple[str, int], ...] = (
    ("id", 13), ("priority", 4), ("kind", 9), ("place", 13), ("jurisdiction", 11),
    ("status", 8), ("age", 4), ("deadline", 18), ("110", 4), ("119", 4), ("120", 4),
    ("section", 4),
)
#: The blank before each cell: the DataTable's own padding (one each side) would take
#: two cells per column, and the board would not fit 120 columns.
GAP = 1
SERVICES = ("110", "119", "120", "section")
#: The owner column (operator, and seat when known): the floor's board shows it after
#: the status; a board of one desk (the benchmark's) goes without.
OWNER_COLUMN: tuple[str, int] = ("owner", 9)
OWNER_AT = 6


def columns(owner: bool = False) -> tuple[tuple[str, int], ...]:
    """The columns of a board, with or without the owner's."""
    return (*COLUMNS[:OWNER_AT], OWNER_COLUMN, *COLUMNS[OWNER_AT:]) if owner else COLUMNS

#: One colour per priority, shared by the board, the map and the map's legend (0: none
#: set yet, which must not pass for the lowest priority).  256-colour names, not the
#: 16 ANSI ones, whose shades depend on the terminal's theme (ANSI yellow is often
#: the orange of ``dark_orange``).
PRIORITY_COLOUR = {1: "red1", 2: "dark_orange", 3: "yellow1", 4: "grey85", 0: "magenta1"}
#: The board's priority cell: P1 stands out on its red; the others in their colour.
PRIORITY_STYLE = {1: f"bold white on {PRIORITY_COLOUR[1]}",
                  **{p: f"bold {PRIORITY_COLOUR[p]}" for p in (2, 3)},
                  4: PRIORITY_COLOUR[4], 0: PRIORITY_COLOUR[0]}
MARK_STYLE = {
    "sent": "bold yellow", "delivered": "cyan", "received": "green", "accepted": "green",
    "declined": "bold red", "en_route": "bold blue", "on_scene": "bold green",
    "cleared": "dim green", "timeout": "bold white on red",
}

Cell = tuple[str, str]
"""A cell as compared between flushes: (text, style)."""


def order_mark(orders: Iterable[OrderView], service: str, lang: str) -> Cell:
    """The short coloured mark of the latest order to ``service`` (empty: none)."""
    latest: OrderView | None = None
    for order in orders:
        if order.service == service and (latest is None or order.sent_at >= latest.sent_at):
            latest = order
    if latest is None:
        return ("", "")
    if latest.timed_out and latest.state in ("sent", "delivered"):
        return (t("mark.timeout", lang), MARK_STYLE["timeout"])
    return (label("mark", latest.state, lang), MARK_STYLE.get(latest.state, ""))


def place_of(location: Mapping[str, Any]) -> str:
    """Road and stake (``G4 K1024+300``), or what was typed, or ``-``."""
    road, km = location.get("road"), location.get("km")
    if road and km is not None:
        return f"{road} {format_stake(km)}"
    return str(road or location.get("text") or "-")


def owner_of(inc: IncidentView) -> str:
    """Who answers for an incident: ``bob@b`` (operator at seat), ``bob``, or ``-``."""
    if not inc.owner:
        return "-"
    return f"{inc.owner}@{inc.owner_seat}" if inc.owner_seat else inc.owner


def row_cells(inc: IncidentView, now: datetime, deadline: Deadline | None, lang: str,
              names: Mapping[str, str] | None = None, *, owner: bool = False,
              me: str | None = None) -> tuple[Cell, ...]:
    """Every cell of an incident's row, as (text, style), in :func:`columns` order.

    Args:
        owner: Include the owner's cell (``me``'s own incidents stand out).
    """
    done = not inc.open
    dim = "dim" if done else ""
    prio = inc.priority
    jur = inc.location.get("jurisdiction") or ""
    if deadline is None or done:
        due: Cell = ("", "")
    else:
        left = (deadline.due_at - now).total_seconds()
        style = "bold white on red" if deadline.breached or left < 0 else (
            "bold yellow" if left < 60 else "")
        due = (f"{label('deadline', deadline.kind, lang)} {clock_left(left)}", style)
    status = label("state", inc.status, lang)
    cells = (
        (inc.id, "bold" if not done else dim),
        (f"P{prio}" if prio else "-", PRIORITY_STYLE.get(prio or 0, "") if not done else dim),
        (kind_label(inc.kind, lang), dim),
        (place_of(inc.location), dim),
        ((names or {}).get(jur, jur) or "-", dim),
        (status, "green" if inc.status == "open" else dim),
        (duration((now - inc.opened_at).total_seconds()), dim),
        due,
        *(order_mark(inc.orders.values(), s, lang) for s in SERVICES),
    )
    if not owner:
        return cells
    mine = me is not None and inc.owner == me
    who: Cell = (owner_of(inc), dim or ("bold cyan" if mine else ""))
    return (*cells[:OWNER_AT], who, *cells[OWNER_AT:])


@lru_cache(maxsize=4096)
def _text(cell: Cell) -> Text:
    # Cached: most cells repeat (statuses, marks, kinds), and a filled board makes 120,000.
    # DataTable only reads a cell's Text; it never changes it.
    out = Text(" " * GAP, no_wrap=True, overflow="ellipsis")
    out.append(cell[0], style=cell[1])
    return out


class IncidentBoard(DataTable):
    """The incident board (a DataTable keyed by incident id).

    Args:
        board: The desk's board (or a replay's) whose incidents are shown.
        lang: ``"en"`` or ``"zh"``.
        now: The clock's ``now`` (ages and deadlines); default: the latest event seen.
        names: Jurisdiction id → name to show.
        load: Add a row for every incident of ``board`` when mounted.
        owner: Show the owner column (``me``: the logged-in operator, whose own
            incidents stand out and whom :meth:`only_owned_by` may keep to).
        **kwargs: Passed to :class:`~textual.widgets.DataTable` (``id``, ``classes``…).
    """

    DEFAULT_CSS: ClassVar[str] = "IncidentBoard { height: 1fr; }"

    def __init__(self, board: Board, *, lang: str = "en",
                 now: Callable[[], datetime] | None = None,
                 names: Mapping[str, str] | None = None, load: bool = True,
                 owner: bool = False, me: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("cell_padding", 0)  # a blank of our own instead (GAP)
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.source = board
        self.lang = lang
        self.now = now or self._latest
        self.names = dict(names or {})
        self.owner = owner
        self.me = me
        self.columns_shown = columns(owner)
        #: Show only the incidents this operator owns (``None``: every incident).
        self.only: str | None = None
        self.deadlines: dict[str, Deadline] = {}
        self._pending: set[str] = set()
        self._shown: dict[str, tuple[Cell, ...]] = {}
        self._load_on_mount = load
        self._ready = False
        self.cells_updated = 0  # a running count: tests and benchmarks read it

    @classmethod
    def load(cls, board: Board, **kwargs: Any) -> IncidentBoard:
        """A board that shows every incident of ``board`` once mounted (see the class)."""
        return cls(board, load=True, **kwargs)

    def _latest(self) -> datetime:
        return max((i.opened_at for i in self.source.incidents.values()),
                   default=datetime.now().astimezone())

    def on_mount(self) -> None:
        """Add the columns and (with ``load``) every incident, once.

        Textual calls ``on_mount`` for each class in the MRO that defines it; the
        flag keeps a subclass's own handler from adding the columns twice (on a
        filled table that went quadratic).
        """
        if self._ready:
            return
        self._ready = True
        for key, width in self.columns_shown:
            self.add_column(Text(" " * GAP + t(f"col.{key}", self.lang), no_wrap=True,
                                 overflow="ellipsis"), width=width + GAP, key=key)
        if self._load_on_mount:
            self._pending.update(self.source.incidents)
            self.flush()

    # -- the API the floor (and the benchmark) drive ----------------------------

    def queue(self, incident: IncidentView | str) -> None:
        """Note that an incident changed; its row is redrawn at the next :meth:`flush`."""
        self._pending.add(incident if isinstance(incident, str) else incident.id)

    def queue_many(self, incidents: Iterable[str]) -> None:
        """Queue several incidents at once."""
        self._pending.update(incidents)

    @property
    def pending(self) -> int:
        """How many rows wait for the next flush."""
        return len(self._pending)

    def set_deadlines(self, deadlines: Iterable[Deadline]) -> None:
        """Take the running deadlines (soonest first); rows whose deadline changed are queued."""
        soonest: dict[str, Deadline] = {}
        for d in deadlines:
            if d.incident and d.incident not in soonest:
                soonest[d.incident] = d
        changed = {k for k in soonest.keys() | self.deadlines.keys()
                   if soonest.get(k) != self.deadlines.get(k)}
        self.deadlines = soonest
        self._pending.update(changed)

    def flush(self) -> int:
        """Apply every queued change: new rows added, changed cells updated one by one.

        Returns:
            The number of cells updated (new rows not counted).
        """
        if not self._pending or not self._ready:
            return 0
        queued, self._pending = self._pending, set()
        now = self.now()
        incidents = self.source.incidents
        new: list[tuple[IncidentView, tuple[Cell, ...]]] = []
        changed = 0
        only = self.only
        for iid in queued:
            inc = incidents.get(iid)
            if inc is None:
                continue
            if only is not None and inc.owner != only:
                if iid in self._shown:  # handed on: it leaves a board of one's own
                    del self._shown[iid]
                    self.remove_row(iid)
                continue
            cells = row_cells(inc, now, self.deadlines.get(iid), self.lang, self.names,
                              owner=self.owner, me=self.me)
            old = self._shown.get(iid)
            if old is None:
                new.append((inc, cells))
                continue
            if old == cells:
                continue
            for (key, _), before, after in zip(self.columns_shown, old, cells, strict=True):
                if before != after:
                    self.update_cell(iid, key, _text(after))
                    changed += 1
            self._shown[iid] = cells
        new.sort(key=lambda item: (item[0].opened_at, item[0].id))
        for inc, cells in new:
            self.add_row(*(_text(c) for c in cells), key=inc.id)
            self._shown[inc.id] = cells
        self.cells_updated += changed
        return changed

    def shown(self, incident: str, column: str) -> str:
        """The text shown in a cell (tests and the benchmark read it)."""
        index = [key for key, _ in self.columns_shown].index(column)
        return self._shown[incident][index][0]

    def only_owned_by(self, operator: str | None) -> None:
        """Show only ``operator``'s incidents (``None``: every incident).

        The one time rows are rebuilt: the operator asked for another board.
        The cursor stays on its incident if that is still shown.
        """
        if operator == self.only:
            return
        self.only = operator
        if not self._ready:
            return
        current = self.current()
        self.clear()
        self._shown.clear()
        self._pending.update(self.source.incidents)
        self.flush()
        if current is not None:
            self.select(current)

    def visible_ids(self, margin: int = 2) -> list[str]:
        """Ids of the rows on screen (and a few around): what a clock tick must refresh."""
        if not self.row_count:
            return []
        top = max(0, int(self.scroll_offset.y) - margin)
        bottom = min(self.row_count, top + self.size.height + 2 * margin)
        return [str(self.coordinate_to_cell_key(Coordinate(r, 0)).row_key.value)
                for r in range(top, bottom)]

    def current(self) -> str | None:
        """The id of the incident under the cursor."""
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def select(self, incident: str) -> None:
        """Move the cursor to an incident's row (flushing first if it is new)."""
        if incident in self._pending:
            self.flush()
        if incident in self.rows:
            self.move_cursor(row=self.get_row_index(incident))

    def sort_by_priority(self) -> None:
        """Order the rows by priority, then id (open incidents of P1 on top)."""
        self.sort("priority", "id",
                  key=lambda cells: (str(cells[0]).replace("-", "P9"), str(cells[1])))
