"""Where each key of a TOML file stands: a map from key path to line number.

:mod:`tomllib` parses but gives no positions, and an error message that
points at ``questions[2].type`` is only useful with the line where that key
is written.  This module scans text that :mod:`tomllib` has already accepted
(so it may assume the syntax is valid) and records, for every table header,
key and array item, the line it starts on.  Paths are tuples in the shape of
pydantic's error locations: names for keys, integers for array items and for
the entries of arrays of tables.

The scanner never raises: on anything it does not understand it stops and
returns what it has, and :func:`line_of` falls back to the nearest enclosing
key it knows (ultimately line 1).
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Arrays of tables: the concrete path of the array → index of its last entry.
        self._aot: dict[Path, int] = {}

    # -- positions -------------------------------------------------------
    def line(self, pos: int | None = None) -> int:
        return bisect.bisect_right(self._starts, self.pos if pos is None else pos)

    def record(self, path: Path, pos: int) -> None:
        self.lines.setdefault(path, self.line(pos))

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    # -- skipping --------------------------------------------------------
    def skip_blank(self, newlines: bool = True) -> None:
        """Skip spaces, comments and (if ``newlines``) line breaks."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # -- keys ------------------------------------------------------------
    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char in ('"', "'"):
                parts.append(self.string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("bad key")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def resolve(self, parts: Sequence[str]) -> Path:
        """Turn a header's names into a concrete path (entering the last array entries)."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in self._aot:
                path = (*path, self._aot[path])
        return path

    # -- values ----------------------------------------------------------
    def string(self) -> str:
        text = self.text
        for quote in ('"""', "'''", '"', "'"):
            if text.startswith(quote, self.pos):
                break
        start = self.pos + len(quote)
        i = start
        while i < len(text):
            if quote[0] == '"' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                # A multi-line string may end with up to two extra quotes.
                end = i
                while len(quote) == 3 and text.startswith(quote[0], end + 3) and end - i < 2:
                    end += 1
                self.pos = end + len(quote)
                return text[start:end]
            i += 1
        raise ValueError("unterminated string")

    def value(self, path: Path) -> None:
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_blank()
                if self.peek() == "]":
                    self.pos += 1
                    return
                before = self.pos
                self.record((*path, index), self.pos)
                self.value((*path, index))
                self.skip_blank()
                if self.peek() == ",":
                    self.pos += 1
                    index += 1
                elif self.pos == before:
                    raise ValueError("no progress in array")
        elif char == "{":
            self.pos += 1
            while True:
                self.skip_blank(newlines=False)
                if self.peek() == "}":
                    self.pos += 1
                    return
                before = self.pos
                self.keyval(path)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.pos += 1
                elif self.pos == before:
                    raise ValueError("no progress in inline table")
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def keyval(self, table: Path) -> None:
        start = self.pos
        parts = self.key()
        full = (*table, *parts)
        for n in range(1, len(parts) + 1):
            self.record((*table, *parts[:n]), start)
        self.skip_blank(newlines=False)
        if self.peek() != "=":
            raise ValueError("expected '='")
        self.pos += 1
        self.skip_blank(newlines=False)
        self.value(full)

    # -- document --------------------------------------------------------
    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            start = self.pos
            if self.peek(2) == "[[":
                self.pos += 2
                parts = self.key()
                array = (*self.resolve(parts[:-1]), parts[-1])
                index = self._aot.get(array, -1) + 1
                self._aot[array] = index
                table = (*array, index)
                self.record(array, start)
                self.record(table, start)
                self.pos = self.text.index("]]", self.pos) + 2
            elif self.peek() == "[":
                self.pos += 1
                parts = self.key()
                table = self.resolve(parts)
                self.record(table, start)
                self.pos = self.text.index("]", self.pos) + 1
            else:
                self.keyval(table)


def key_lines(text: str) -> dict[Path, int]:
    """Map every key path of the TOML ``text`` to the line (1-based) it starts on.

    Args:
        text: A TOML document that :mod:`tomllib` accepts.

    Returns:
        ``{("questions", 2, "type"): 31, ...}``; partial if the text surprised the scanner.
    """
    scanner = _Scanner(text)
    # On a surprise keep what was found; line_of falls back to enclosing keys.
    with contextlib.suppress(ValueError, IndexError):
        scanner.document()
    return scanner.lines


def line_of(lines: dict[Path, int], path: Sequence[str | int]) -> int:
    """The line of ``path``, or of its nearest enclosing key that is known, or 1."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
