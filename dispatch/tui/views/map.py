"""The map: roads and sections, stations, incidents by priority, in braille dots.

Each terminal cell holds a 2×4 braille dot matrix, so a 120×40 terminal draws
240×160 dots: enough for the network's shape.  The drawing is scaled to the
widget on every render and centred on the selected incident (or the network).
"""

from __future__ import annotations

import itertools
import math
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from dispatch.tui.texts import t

# Bit of each dot in a braille cell, by (x, y) inside the cell.
_DOTS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40,
         (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80}
PRIORITY_COLOUR = {1: "bold red", 2: "bold dark_orange", 3: "bold yellow", 4: "bold white"}
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
        cx, cy = int(x) // 2, int(y) // 4
        for n, ch in enumerate(char):
            if 0 <= cx + n < self.width and 0 <= cy < self.height:
                self.chars[(cx + n, cy)] = (ch, style)

    def render(self) -> Text:
        """The canvas as text, one line per cell row."""
        out = Text(no_wrap=True)
        for cy in range(self.height):
            for cx in range(self.width):
                if (cx, cy) in self.chars:
                    ch, style = self.chars[(cx, cy)]
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
    for code, road in roadmap.roads.items():
        coords = [c for s in road.sections for c in s.coords]
        lon, lat = coords[len(coords) // 2]
        x, y = xy(lon, lat)
        canvas.put(x + 2, y - 4, code, "bold cyan")
    for inc in desk.board.open_incidents():
        where = _location(inc)
        if where is None or inc.id == selected:
            continue
        x, y = xy(where[1], where[0])
        canvas.put(x, y, "●", PRIORITY_COLOUR.get(inc.priority or 4, "bold white"))
    if sel is not None and (where := _location(sel)) is not None:
        x, y = xy(where[1], where[0])
        canvas.put(x, y, "◉", "reverse " + PRIORITY_COLOUR.get(sel.priority or 4, "bold white"))
        canvas.put(x + 2, y, f" {sel.id}", "bold reverse")
    return canvas.render()


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
        yield Static(t("map.legend", self.lang), id="map-legend")
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
