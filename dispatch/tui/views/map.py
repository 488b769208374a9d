"""The map: roads and sections, stations, incidents by priority, in braille dots.

Each terminal cell holds a 2×4 braille dot matrix, so a 120×40 terminal draws
240×160 dots: enough for the network's shape.  The drawing is scaled to the
widget on every render and centred on the selected incident (or the network).

Labels go over the dots where they fit: each road's number at a point of the
road inside the view, then the places (the jurisdictions' names, next to their
desks) where they overlap neither a marker nor another label.  Incidents are
drawn in their priority's colour (the board's); an incident without a priority
has a mark of its own, never the lowest priority's.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from dispatch.tui.board import PRIORITY_COLOUR
from dispatch.tui.texts import t

# Bit of each dot in a braille cell, by (x, y) inside the cell.
_DOTS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40,
         (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80}
#: Incident marks: prioritised ones filled, in their priority's colour; none set: hollow.
MARK, NO_PRIORITY_MARK, SELECTED_MARK = "●", "○", "◉"
ROAD_LABEL_STYLE = "bold cyan"
PLACE_LABEL_STYLE = "steel_blue1"
# Which layer wins a cell: higher draws over lower.
RANK = {"grey50": 1, "white": 2, "blue": 3}


class Canvas:
    """A braille canvas of ``width`` × ``height`` cells."""

    def __init__(self, width: int, height: int) -> None:
        self.width = max(1, width)
        self.height = max(1, height)
        self.bits: dict[tuple[int, int], int] = {}
        self.style: dict[tuple[int, int], str] = {}
        self.chars: dict[tuple[int, int], tuple[str, str]] = {}

    def dot(self, x: float, y: float, style: str) -> None:
        """Set one dot (in dot coordinates)."""
        xi, yi = int(x), int(y)
        if not (0 <= xi < self.width * 2 and 0 <= yi < self.height * 4):
            return
        cell = (xi // 2, yi // 4)
        self.bits[cell] = self.bits.get(cell, 0) | _DOTS[(xi % 2, yi % 4)]
        if RANK.get(style, 0) >= RANK.get(self.style.get(cell, ""), 0):
            self.style[cell] = style

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str) -> None:
        """A straight line of dots."""
        steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        if steps > 4000:  # far off screen: not worth walking
            return
        for i in range(steps + 1):
            f = i / steps
            self.dot(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, style)

    def put(self, x: float, y: float, char: str, style: str) -> None:
        """A character over the dots (a marker or a label), at dot coordinates."""
        self.put_cell(int(x) // 2, int(y) // 4, char, style)

    def put_cell(self, cx: int, cy: int, text: str, style: str) -> None:
        """Text from cell ``(cx, cy)`` on; a wide (Chinese) character takes two cells."""
        for ch in text:
            width = cell_len(ch)
            if cx >= 0 and cx + width <= self.width and 0 <= cy < self.height:
                self.chars[(cx, cy)] = (ch, style)
                if width == 2:
                    self.chars[(cx + 1, cy)] = ("", style)  # the right half of ``ch``
            cx += width

    def fits(self, cx: int, cy: int, text: str, margin: int = 1, *,
             over_dots: bool = True) -> bool:
        """Whether ``text`` from cell ``(cx, cy)`` is inside the canvas and clear of every
        marker and label (``margin`` free cells either side), and of every drawn dot
        unless ``over_dots``."""
        width = cell_len(text)
        if cx < 0 or cx + width > self.width or not 0 <= cy < self.height:
            return False
        if not over_dots and any((c, cy) in self.bits for c in range(cx, cx + width)):
            return False
        return not any((c, cy) in self.chars for c in range(cx - margin, cx + width + margin))

    def label(self, candidates: list[tuple[int, int]], text: str, style: str) -> bool:
        """Write ``text`` at the first candidate cell where it fits, preferring places
        that hide no road; ``False``: it fits nowhere."""
        for over_dots in (False, True):
            for cx, cy in candidates:
                if self.fits(cx, cy, text, over_dots=over_dots):
                    self.put_cell(cx, cy, text, style)
                    return True
        return False

    def render(self) -> Text:
        """The canvas as text, one line per cell row."""
        out = Text(no_wrap=True)
        for cy in range(self.height):
            for cx in range(self.width):
                if (cx, cy) in self.chars:
                    ch, style = self.chars[(cx, cy)]
                    if ch:  # "": covered by the wide character on its left
                        out.append(ch, style=style)
                elif (cx, cy) in self.bits:
                    out.append(chr(0x2800 + self.bits[(cx, cy)]), style=self.style[(cx, cy)])
                else:
                    out.append(" ")
            if cy < self.height - 1:
                out.append("\n")
        return out


def _location(inc: Any) -> tuple[float, float] | None:
    loc = inc.location
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return float(loc["lat"]), float(loc["lon"])


def draw_map(desk: Any, width: int, height: int, *, centre: tuple[float, float] | None,
             zoom: float = 1.0, selected: str | None = None, lang: str = "en") -> Text:
    """Draw the network, stations and open incidents on a ``width`` × ``height`` canvas."""
    roadmap = desk.roadmap
    canvas = Canvas(width, height)
    lons = [x for s in roadmap.sections for x, _ in s.coords]
    lats = [y for s in roadmap.sections for _, y in s.coords]
    if not lons:
        return canvas.render()
    mid_lat = (min(lats) + max(lats)) / 2
    squeeze = math.cos(math.radians(mid_lat))  # a degree of longitude is shorter up north
    span_x = (max(lons) - min(lons)) * squeeze or 1.0
    span_y = (max(lats) - min(lats)) or 1.0
    scale = min((canvas.width * 2 - 4) / span_x, (canvas.height * 4 - 4) / span_y) * zoom
    clat, clon = centre or (mid_lat, (min(lons) + max(lons)) / 2)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (canvas.width + (lon - clon) * squeeze * scale,
                canvas.height * 2 + (clat - lat) * scale)

    sel = desk.board.incidents.get(selected or "")
    sel_section = sel.location.get("section") if sel else None
    for section in roadmap.sections:
        style = "white" if section.id == sel_section else "grey50"
        points = [xy(lon, lat) for lon, lat in section.coords]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            canvas.line(x0, y0, x1, y1, style)
    for station in roadmap.stations:
        x, y = xy(station.lon, station.lat)
        canvas.dot(x, y, "blue")
        canvas.dot(x + 1, y, "blue")
    for inc in desk.board.open_incidents():
        where = _location(inc)
        if where is None or inc.id == selected:
            continue
        x, y = xy(where[1], where[0])
        mark, style = incident_mark(inc.priority)
        canvas.put(x, y, mark, style)
    if sel is not None and (where := _location(sel)) is not None:
        x, y = xy(where[1], where[0])
        canvas.put(x, y, SELECTED_MARK, "reverse " + incident_mark(sel.priority)[1])
        canvas.put(x + 2, y, f" {sel.id}", "bold reverse")
    for code, road in roadmap.roads.items():
        cells = _road_cells(road, xy, canvas)
        canvas.label([(cx + 1, cy - 1) for cx, cy in cells] + [(cx + 1, cy + 1)
                                                                 for cx, cy in cells],
                     code, ROAD_LABEL_STYLE)
    for name, (lon, lat) in place_points(roadmap, lang):
        x, y = xy(lon, lat)
        cx, cy = int(x) // 2, int(y) // 4
        w = cell_len(name)
        canvas.label([(cx + 2, cy), (cx - w - 1, cy), (cx - w // 2, cy - 1),
                      (cx - w // 2, cy + 1)], name, PLACE_LABEL_STYLE)
    return canvas.render()


def legend(lang: str) -> Text:
    """The legend, each priority's words in its colour (as the marks and the board)."""
    out = Text(t("map.legend", lang), no_wrap=True, overflow="ellipsis")
    for p in (1, 2, 3, 4):
        out.highlight_regex(rf"P{p} \w+|{p}级\w", f"bold {PRIORITY_COLOUR[p]}")
    out.highlight_regex(rf"{NO_PRIORITY_MARK} ?[^ ]*( priority \w+)?",
                        f"bold {PRIORITY_COLOUR[0]}")
    out.highlight_regex(r"stations: \w+|单位：\w", "blue")
    return out


def incident_mark(priority: int | None) -> tuple[str, str]:
    """The mark and style of an incident: its priority's colour, or a mark of its own."""
    if not priority:
        return NO_PRIORITY_MARK, f"bold {PRIORITY_COLOUR[0]}"
    return MARK, f"bold {PRIORITY_COLOUR.get(priority, PRIORITY_COLOUR[4])}"


def _road_cells(road: Any, xy: Any, canvas: Canvas) -> list[tuple[int, int]]:
    """Cells the road passes through inside the view, from its visible middle outwards."""
    seen: list[tuple[int, int]] = []
    for section in road.sections:
        points = [xy(lon, lat) for lon, lat in section.coords]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            steps = min(400, int(max(abs(x1 - x0), abs(y1 - y0)) // 4) + 1)
            for i in range(steps + 1):
                f = i / steps
                cell = (int(x0 + (x1 - x0) * f) // 2, int(y0 + (y1 - y0) * f) // 4)
                if 0 <= cell[0] < canvas.width and 0 <= cell[1] < canvas.height and \
                        (not seen or seen[-1] != cell):
                    seen.append(cell)
    if not seen:
        return []
    mid = len(seen) // 2
    return sorted(seen, key=lambda c: abs(seen.index(c) - mid))


def place_points(roadmap: Any, lang: str) -> list[tuple[str, tuple[float, float]]]:
    """Each jurisdiction's name in ``lang`` at the middle of its desks (``(lon, lat)``)."""
    where = {(s.service, s.id): (s.lon, s.lat) for s in roadmap.stations}
    out = []
    for jur in roadmap.jurisdictions:
        points = [where[(svc, unit)] for svc, unit in jur.recipients.items()
                  if (svc, unit) in where]
        name = getattr(jur.names, lang, "") or str(jur.names)
        if points and name:
            out.append((name, (sum(p[0] for p in points) / len(points),
                               sum(p[1] for p in points) / len(points))))
    return out


class MapView(Widget):
    """The braille map, redrawn at the widget's size."""

    zoom: reactive[float] = reactive(1.0)
    centre: reactive[tuple[float, float] | None] = reactive(None)

    def __init__(self, desk: Any, selected: str | None, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.desk = desk
        self.selected = selected
        self.lang = lang
        self.centre = self.home()

    def home(self) -> tuple[float, float] | None:
        """The selected incident's place (``None``: the network's middle)."""
        inc = self.desk.board.incidents.get(self.selected or "")
        return _location(inc) if inc is not None else None

    def render(self) -> Text:
        """The map at the current size, zoom and centre."""
        return draw_map(self.desk, self.size.width, self.size.height, centre=self.centre,
                        zoom=self.zoom, selected=self.selected, lang=self.lang)


class MapScreen(Screen[None]):
    """The map; + / - zoom, arrows pan, c centres, Esc goes back."""

    CSS = "MapView { height: 1fr; } #map-title, #map-legend { height: 1; padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,m,q", "app.pop_screen", "Back"),
        Binding("plus,equals_sign", "zoom(2)", "Zoom in"),
        Binding("minus", "zoom(0.5)", "Zoom out"),
        Binding("c", "home", "Centre"),
        Binding("left", "pan(0,-1)", show=False),
        Binding("right", "pan(0,1)", show=False),
        Binding("up", "pan(1,0)", show=False),
        Binding("down", "pan(-1,0)", show=False),
    ]

    def __init__(self, desk: Any, selected: str | None, lang: str) -> None:
        super().__init__()
        self.desk = desk
        self.selected = selected
        self.lang = lang

    def compose(self) -> ComposeResult:
        """Title, map, legend."""
        roads = " ".join(self.desk.roadmap.roads)
        yield Static(t("map.title", self.lang, roads=roads), id="map-title")
        yield MapView(self.desk, self.selected, self.lang, id="map")
        yield Static(legend(self.lang), id="map-legend")
        # Textual's Footer shows binding labels in English only: a bilingual keys line.
        yield Static(t("keys.map", self.lang), classes="keys")

    def action_zoom(self, factor: float) -> None:
        """Zoom in or out."""
        view = self.query_one(MapView)
        view.zoom = min(64.0, max(0.5, view.zoom * float(factor)))

    def action_home(self) -> None:
        """Centre on the selected incident again."""
        view = self.query_one(MapView)
        view.centre = view.home()
        view.refresh()

    def action_pan(self, north: int, east: int) -> None:
        """Move the view a quarter of a degree divided by the zoom."""
        view = self.query_one(MapView)
        lats = [y for s in self.desk.roadmap.sections for _, y in s.coords]
        lons = [x for s in self.desk.roadmap.sections for x, _ in s.coords]
        lat, lon = view.centre or ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
        step = 0.5 / view.zoom
        view.centre = (lat + int(north) * step, lon + int(east) * step)
