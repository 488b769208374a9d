"""Walking the console's screens and collecting the text a person sees (language tests).

:func:`screen_text` reads the widgets of the active screen (Static and Label
contents, DataTable headers and cells, Input values and placeholders, option
lists, toasts), so text below the fold counts too.  :func:`english_words`
finds the English words in it outside :data:`ALLOWED`.  :func:`walk_floor`
visits every screen of the floor and returns ``{screen name: text}``; add a
screen by adding a step to :data:`FLOOR_STEPS` (a name and the keys that open
it from the board; Esc goes back).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static

from .consolelib import until

#: Words that stay as they are in the Chinese console, and why: road codes and stake
#: texts (what the signs say), service numbers, priority codes, keys on the keyboard
#: (as printed on them), and the ETA / MQTT / SLA abbreviations operators use.
ALLOWED = frozenset({
    # keys, as printed on the keyboard
    "Esc", "ctrl", "Enter", "PgUp", "PgDn", "Tab", "space",
    # abbreviations used in Chinese control rooms as they are
    "ETA", "MQTT", "KPI", "SLA",
    # a file format (the palette's screenshot command)
    "SVG",
    # statistics columns (percentiles)
    "p50", "p90",
})

#: Tokens that are codes, not words: road codes (G4, G50, S1), stakes (K1024+300),
#: priorities (P1), ids (20261122-0001), seat and operator ids (op1, wang), clock and
#: durations (12s, 3m, 2h05, x10), hex, numbers with units.
CODE = re.compile(r"^(?:[GS]\d+|K\d+(?:\+\d+)?|P\d|x\d+(?:\.\d+)?|\d+[a-z]{0,2}\d*|"
                  r"[a-z]+\d+[a-z\d]*)$", re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def plain(content: Any) -> str:
    """The plain text of a Static's content (Rich ``Text``, Textual ``Content``, markup,
    or any Rich renderable such as a table, drawn 120 columns wide)."""
    if isinstance(content, str):
        try:
            return Content.from_markup(content).plain
        except Exception:  # not markup: the text as it is
            return content
    if hasattr(content, "plain"):
        return str(content.plain)
    if hasattr(content, "__rich_console__") or hasattr(content, "__rich__"):
        out = io.StringIO()
        Console(file=out, width=120, color_system=None, legacy_windows=False).print(content)
        return out.getvalue()
    return str(content)


def _shown(widget: Widget) -> bool:
    node: Any = widget
    while node is not None and isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


def widget_texts(widget: Widget) -> Iterable[str]:
    """The texts one widget shows."""
    if isinstance(widget, DataTable):
        yield from (plain(c.label) for c in widget.columns.values())
        for row in range(widget.row_count):
            yield from (plain(cell) for cell in widget.get_row_at(row))
    elif isinstance(widget, Input):  # its value is the person's own typing, not ours
        yield widget.placeholder
    elif isinstance(widget, OptionList):
        for index in range(widget.option_count):
            yield plain(widget.get_option_at_index(index).prompt)
    elif isinstance(widget, Static):
        yield plain(widget.content)
    border = getattr(widget, "border_title", None)
    if border:
        yield plain(border)


def screen_text(app: App[Any], extra: Iterable[Widget] = ()) -> str:
    """Every text the active screen shows (one per line), with the app's toasts."""
    out: list[str] = []
    widgets = [w for w in app.screen.walk_children(with_self=False) if isinstance(w, Widget)]
    for widget in [*widgets, *extra]:
        if _shown(widget):
            out.extend(t for t in widget_texts(widget) if t)
    out.extend(str(n.message) for n in app._notifications)
    return "\n".join(out)


#: A recipient's address (``120/xianning``): the unit's own id on the bus, as typed in
#: ``dispatch unit 120/xianning``; the unit's screen shows it beside the unit's name.
ADDRESS = re.compile(r"\b(?:110|119|120|section|ops)/[a-z0-9_-]+")
#: Ids: a UUID (order and call ids), whole or its first 8 characters (shown short).
ID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b[0-9a-f]{8}\b")


def english_words(text: str, allowed: Iterable[str] = (), *,
                  addresses: bool = False) -> list[str]:
    """English words in ``text``: two letters or more, not codes, not allowed
    (``addresses``: recipient addresses count as codes)."""
    allow = ALLOWED | set(allowed)
    text = ID.sub(" ", text)  # "187aab21-bf7a-…" holds letter runs that are no words
    if addresses:
        text = ADDRESS.sub(" ", text)
    found = []
    for word in WORD.findall(text):
        if len(word) < 2 or word in allow or CODE.match(word):
            continue
        found.append(word)
    return found


#: The floor's screens: a name and the keys that open it from the board (Esc returns).
FLOOR_STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("timeline", ("t",)),
    ("map", ("m",)),
    ("kpi", ("k",)),
    ("seats", ("f",)),
    ("help", ("f1",)),
    ("palette", ("ctrl+p",)),
    # The prompts and confirmations (Esc leaves each without doing anything).
    ("call_form", ("c",)),
    ("transfer", ("T",)),
    ("cancel_order", ("C",)),
    ("resolve_confirm", ("r",)),
    ("quit_confirm", ("q",)),
]


def _options(app: App[Any]) -> int:
    lists = [w for w in app.screen.walk_children() if isinstance(w, OptionList)]
    return max((w.option_count for w in lists), default=0)


async def walk_floor(app: App[Any], pilot: Any,
                     steps: list[tuple[str, tuple[str, ...]]] | None = None) -> dict[str, str]:
    """Visit the floor, then each view of ``steps`` (default :data:`FLOOR_STEPS`) and back.

    Returns:
        ``{"floor": text, name: text, ...}``.
    """
    await pilot.pause()
    seen = {"floor": screen_text(app)}
    for name, keys in steps or FLOOR_STEPS:
        await pilot.press(*keys)
        await pilot.pause()
        if name == "palette":  # it gathers its commands in a worker: wait for them
            await until(lambda: _options(app) > 20)
        seen[name] = screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    return seen
