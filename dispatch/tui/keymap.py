"""The floor's one table of actions: every key, its words in both languages, who may use it.

Everything that names a key is generated from the action table
(:data:`~dispatch.tui.keytable.ACTIONS`): the floor's
bindings (:func:`bindings`), the command palette (:func:`palette_entries`),
the F1 help (:func:`help_rows`), the keys line at the bottom of the floor
(:func:`keys_line`) and the README's key table (:func:`readme_table`; run
``python -m dispatch.tui.keymap --readme`` to rewrite it after a change).
No Textual here except the :class:`~textual.binding.Binding` objects built.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from dispatch.desk.roles import Operator
from dispatch.i18n import render
from dispatch.tui.keytable import ACTIONS, GROUPS, Action, Words
from dispatch.tui.texts import t

__all__ = ["ACTIONS", "BY_ID", "END", "GROUPS", "START", "TYPING", "Action", "allowed",
           "available", "bindings", "help_rows", "keys_line", "main", "palette_entries",
           "readme_table", "words"]

#: Actions by id.
BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


def words(text: Words, lang: str, **fields: object) -> str:
    """``text`` in ``lang`` (English if it has none)."""
    return render(text, lang, **fields)


def allowed(action: Action, operator: Operator | None) -> bool:
    """Whether ``operator`` may use ``action`` (a command needs someone logged in)."""
    if action.needs is None:
        return True
    return operator is not None and operator.may(action.needs)


def available(action: Action, *, replay: bool) -> bool:
    """Whether ``action`` means anything on this floor (replay controls only in a replay)."""
    return action.scope == "floor" or replay


# -- what is generated -------------------------------------------------------------------


def bindings() -> list[Binding]:
    """The floor's bindings: one per action with keys (none shown in a footer)."""
    return [Binding(",".join(a.keys), a.id, words(a.label, "en"), show=False)
            for a in ACTIONS if a.keys]


def palette_entries(lang: str, operator: Operator | None, *,
                    replay: bool) -> list[tuple[str, str, str]]:
    """``(words, keys, action)`` for the command palette: what this operator may do here."""
    return [(words(a.label, lang), " / ".join(a.shown), a.id) for a in ACTIONS
            if a.palette and a.keys and available(a, replay=replay) and allowed(a, operator)]


def help_rows(lang: str, *, markdown: bool = False) -> Iterator[tuple[str | None, str, str]]:
    """``(group heading or None, keys, words)`` for the F1 help, every action.

    Consecutive actions with the same words share a row (``1 / 2 / 3 / 4``); the
    first row of each group carries its heading.  Code marks (backquotes) stay
    only for ``markdown``.
    """
    for group, heading in GROUPS.items():
        rows: list[tuple[list[str], str]] = []
        for action in ACTIONS:
            if action.group != group:
                continue
            text = words(action.help, lang)
            text = text if markdown else text.replace("`", "")
            if rows and rows[-1][1] == text:
                rows[-1][0].extend(action.shown)
            else:
                rows.append((list(action.shown), text))
        for n, (keys, text) in enumerate(rows):
            yield (words(heading, lang) if n == 0 else None), " / ".join(keys), text


def readme_table() -> str:
    """The README's key table (English), as Markdown between the markers."""
    out = ["| key | action |", "|---|---|"]
    for heading, keys, text in help_rows("en", markdown=True):
        if heading:
            out.append(f"| **{heading}** | |")
        shown = " / ".join(f"`{k}`" for k in keys.split(" / "))
        out.append(f"| {shown} | {text} |")
    return "\n".join(out) + "\n"


#: The pane's inputs: typing in one is a mode of its own on the keys line.
TYPING = ("stake", "answer", "note")


def keys_line(lang: str, operator: Operator | None, *, replay: bool = False,
              typing: str | None = None, width: int | None = None) -> Text:
    """The bottom line of the floor: the mode, then its keys.

    Args:
        lang: Language.
        operator: Who is logged in (commands the role forbids are left out).
        replay: A replay: its controls and the views (no desk commands).
        typing: The pane's input being typed in (``stake``, ``answer``, ``note``), if any.
        width: Cells available; keys that do not fit are left out (``F1`` always shows).
    """
    out = Text(no_wrap=True, overflow="ellipsis")
    if typing is not None:
        out.append(f" {t(f'keys.typing.{typing}', lang)} ", style="bold black on yellow")
        out.append("  " + t(f"keys.how.{typing}", lang))
        return out
    out.append(f" {t('keys.replay' if replay else 'keys.commands', lang)} ",
               style="bold reverse")
    shown = [a for a in ACTIONS if a.line is not None and available(a, replay=replay)
             and allowed(a, operator) and not (replay and a.needs)]
    shown.sort(key=lambda a: a.scope != "replay")  # a replay's own keys first
    tail = [a for a in shown if a.id in ("help", "palette")]
    items = [a for a in shown if a not in tail]
    chunks = [f"  {a.shown[0]} {words(a.line or {}, lang)}" for a in items]
    ends = "".join(f"  {a.shown[0].replace('ctrl+', '^')} {words(a.line or {}, lang)}"
                   for a in tail)
    room = None if width is None else width - out.cell_len - cell_len(ends)
    for chunk in chunks:
        if room is not None:
            if cell_len(chunk) > room:
                break
            room -= cell_len(chunk)
        out.append(chunk)
    out.append(ends, style="bold")
    return out


# -- the README ------------------------------------------------------------------------

START, END = "<!-- keys:start -->", "<!-- keys:end -->"


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the key table between the markers regenerated.

    Raises:
        ValueError: The markers are missing.
    """
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the README has no {START} … {END} markers")
    return f"{head}{START}\n{readme_table()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """``python -m dispatch.tui.keymap [--readme [PATH]]``: print the table, or rewrite
    the README's (``PATH`` default ``README.md``)."""
    parser = argparse.ArgumentParser(prog="python -m dispatch.tui.keymap")
    parser.add_argument("--readme", nargs="?", const="README.md", metavar="PATH",
                        help="rewrite the key table of this README between its markers")
    args = parser.parse_args(argv)
    if args.readme is None:
        sys.stdout.write(readme_table())
        return 0
    path = Path(args.readme)
    path.write_text(readme_with_table(path.read_text("utf-8")), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
