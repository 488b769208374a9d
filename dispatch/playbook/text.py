"""Text helpers for bilingual output: normalising, terminal cell widths, wrapping.

Chinese, Japanese and Korean characters take two columns in a terminal, and
Chinese text has no spaces between words, so :func:`textwrap.wrap` neither
measures nor breaks it correctly.  These helpers do, without a dependency.
"""

from __future__ import annotations

import re
import unicodedata

#: Closing punctuation that must not start a line (it stays with the character before it).
_NO_LINE_START = set("，。、；：？！）」』》〉】’”,.;:?!)]}%")
#: Opening punctuation that must not end a line (it stays with the character after it).
_NO_LINE_END = set("（「『《〈【‘“([{")

_TOKEN = re.compile(r"\s+|[^\s]")


def normalize(text: str) -> str:
    """Fold text for matching: NFKC (full-width → half-width), case, quotes, spaces.

    Callers and operators type ``Ｇ４``, ``DON’T`` or ``don't`` for the same
    thing; matching compares the folded forms.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text).casefold()


def is_wide(char: str) -> bool:
    """Whether ``char`` takes two terminal columns (East Asian wide or full-width)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds any wide (CJK) character."""
    return any(is_wide(c) for c in text)


def cell_width(text: str) -> int:
    """The number of terminal columns ``text`` takes.

    Wide characters count two, combining marks and zero-width characters none.
    """
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if is_wide(char) else 1
    return width


def _units(text: str) -> list[str]:
    """Split text into unbreakable units: Latin words, single CJK characters, spaces.

    Punctuation that may not begin a line is glued to the unit before it, and
    punctuation that may not end a line to the unit after it.
    """
    units: list[str] = []
    word = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            if word:
                units.append(word)
                word = ""
            units.append(" ")
        elif is_wide(token) and token not in _NO_LINE_START:
            if word and word[-1] not in _NO_LINE_END:
                units.append(word)
                word = ""
            word += token
            if token not in _NO_LINE_END:
                units.append(word)
                word = ""
        elif token in _NO_LINE_START and not word and units and units[-1] != " ":
            units[-1] += token
        else:
            word += token
    if word:
        units.append(word)
    return units


def _split_long(unit: str, width: int) -> list[str]:
    """Cut a unit wider than ``width`` into pieces that fit (a long URL, say)."""
    pieces, piece = [], ""
    for char in unit:
        if piece and cell_width(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(
    text: str, width: int, indent: str = "", subsequent_indent: str | None = None
) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` terminal columns.

    Latin text breaks at spaces, CJK text between any two characters (but not
    before closing punctuation).  Existing line breaks are kept.

    Args:
        text: The text to wrap.
        width: The maximum width of a line, in columns, indent included.
        indent: Put before the first line.
        subsequent_indent: Put before the other lines (default: ``indent``).

    Returns:
        The lines, without trailing spaces.
    """
    rest = indent if subsequent_indent is None else subsequent_indent
    lines: list[str] = []
    for paragraph in text.split("\n"):
        prefix = indent if not lines else rest
        line = prefix
        fresh = True  # nothing but the prefix on the line yet
        for unit in _units(paragraph):
            if unit == " ":
                if not fresh:
                    line += " "
                continue
            room = width - cell_width(prefix)
            pieces = _split_long(unit, max(room, 1)) if cell_width(unit) > room else [unit]
            for piece in pieces:
                if not fresh and cell_width(line + piece) > width:
                    lines.append(line.rstrip())
                    prefix = rest
                    line = prefix
                line += piece
                fresh = False
        lines.append(line.rstrip())
    return lines


def pad(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` columns (wide characters count two)."""
    return text + " " * max(0, width - cell_width(text))


# English endings a phrase may take and still count: crash → crashes, crashed, crashing.
_ENDINGS = r"(?:s|es|ed|d|ing)?"


def phrase_pattern(phrase: str, *, endings: bool = True) -> re.Pattern[str]:
    """A listed phrase as a pattern over :func:`normalize`-d text.

    Chinese is written without spaces, so a Chinese phrase matches as a substring;
    an English one as whole words (any run of spaces between them), with the
    common endings when ``endings`` (``crash`` matches ``crashed``).
    """
    folded = normalize(phrase)
    if has_cjk(folded):
        return re.compile(re.escape(folded))
    body = r"\s+".join(re.escape(w) for w in folded.split())
    tail = _ENDINGS if endings else ""
    return re.compile(rf"(?<![\w]){body}{tail}(?![\w])")
