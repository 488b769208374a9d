"""Making outside text safe to show.

Callers' words (often speech-to-text from a gateway), their names and numbers,
partners' status notes and operators' notes are untrusted: a terminal obeys
escape sequences in what it prints (``ESC ] 0;…BEL`` retitles the window,
``ESC [2J`` clears it, ``ESC c`` resets it, OSC 8 plants links) and bidi
overrides make text read differently from what it says.  :func:`safe_text` is
the one function every surface that prints or draws such text uses; the log
keeps what was said, and masking works on the cleaned text.

What goes: whole escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte
``ESC x``, in their 7-bit and 8-bit forms), the C0 and C1 controls and DEL,
Unicode format characters (bidi embeddings, overrides and isolates,
zero-width characters, the BOM) and line or paragraph separators.  Tabs and
newlines become spaces unless ``lines`` keeps newlines.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Escape sequences: string-type (OSC, DCS, SOS, PM, APC) up to their terminator or
#: the end, CSI with its parameters, and two-byte escapes.  8-bit C1 forms included.
_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
#: Anything left that a terminal or a bidi algorithm would act on.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE_LIKE = re.compile(r"[\t\n\r\u2028\u2029\x85]")
#: Only characters of these categories are inspected one by one (the rest is common text).
_CHECK = re.compile(r"[^\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _format_free(text: str) -> str:
    # Cf: bidi controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C), zero-width
    # characters, BOM, soft hyphen…; Cs: lone surrogates; Co/Cn: nothing to show.
    return "".join(ch for ch in text
                   if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn"))


def safe_text(value: Any, *, lines: bool = False) -> str:
    """``value`` as text that is safe to print on a terminal or draw on a screen.

    Args:
        value: Anything; ``None`` gives ``""``, other non-strings their ``str()``.
        lines: Keep newlines (multi-line notes); otherwise they become spaces.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not _CHECK.search(text):
        return text  # the common case: plain ASCII or CJK, nothing to do
    text = _SEQUENCE.sub("", text)
    if lines:
        return "\n".join(_clean(part) for part in text.split("\n"))
    return _clean(text)


def _clean(text: str) -> str:
    return _format_free(_CONTROL.sub("", _SPACE_LIKE.sub(" ", text)))


def safe_data(value: Any) -> Any:
    """``value`` with every string inside (dict values and keys, list items) made safe."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(k): safe_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_data(v) for v in value]
    return value


#: A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that is safe to show and that no spreadsheet runs as a formula.

    Text is cleaned as :func:`safe_text` does; text that starts with ``=``, ``+``,
    ``-``, ``@`` (or a tab or carriage return) is prefixed with ``'`` (OWASP's
    advice for CSV injection).  Numbers and other values pass unchanged.
    """
    if not isinstance(value, str):
        return value
    text = safe_text(value, lines=True)
    if text.startswith(_FORMULA_START) or value.startswith(_FORMULA_START):
        return "'" + text
    return text
