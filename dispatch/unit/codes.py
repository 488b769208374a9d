"""Partners' numeric radio status codes as ``dispatch.status/1`` states.

``maps/status-codes.toml`` holds one table per scheme (German FMS 1–9, a TETRA
example): each numeric code, its label in both languages and the state it
reports, if any.  A radio gateway turns a unit's number into a status report
with :func:`status_from_code`; ``dispatch unit`` can show the same labels.  The
file is validated as strictly as the playbooks (``file:line: key: what is
wrong``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from dispatch.errors import DispatchError
from dispatch.paths import shipped
from dispatch.playbook.load import PlaybookValidationError, _File
from dispatch.playbook.schema import Id, Text, _Model

CODES_FILE = "status-codes.toml"
State = Literal["received", "accepted", "declined", "en_route", "on_scene", "cleared"]


class Code(_Model):
    """One numeric code: what it says and the state it reports (none: noted only)."""

    code: Annotated[int, Field(ge=0, le=65535)]  # TETRA status is 16 bits; FMS a digit
    label: Text
    state: State | None = None


class Scheme(_Model):
    """A partner's numbering: every code it sends."""

    title: Text
    source: str
    codes: list[Code]

    @model_validator(mode="after")
    def _unique(self) -> Scheme:
        seen: set[int] = set()
        for code in self.codes:
            if code.code in seen:
                raise ValueError(f"code {code.code} is listed twice")
            seen.add(code.code)
        return self

    def get(self, code: int) -> Code | None:
        """The entry for ``code``, if the scheme has it."""
        return next((c for c in self.codes if c.code == code), None)


class StatusCodes(_Model):
    """The whole file: schemes by id."""

    schemes: dict[Id, Scheme]


def load_codes(path: Path | None = None) -> StatusCodes:
    """Read and validate the status-code table (default: the shipped one).

    Raises:
        PlaybookValidationError: The file is invalid; every problem as ``file:line: key: …``.
    """
    checked = _File(path or shipped("maps") / CODES_FILE)
    data = checked.read()
    table = checked.model(StatusCodes, data) if data is not None else None
    if table is None:
        raise PlaybookValidationError(checked.problems)
    return table


@cache
def _shipped() -> StatusCodes:
    return load_codes()


def status_from_code(scheme: str, code: int, table: StatusCodes | None = None) -> str | None:
    """The ``dispatch.status/1`` state a numeric code reports (``None``: noted only).

    Args:
        scheme: The scheme id (``fms``, ``tetra``).
        code: The number the unit sent.
        table: The codes (default: the shipped ``maps/status-codes.toml``).

    Raises:
        DispatchError: Unknown scheme or code (a gateway logs it and sends nothing).
    """
    codes = table or _shipped()
    found = codes.schemes.get(scheme)
    if found is None:
        raise DispatchError(f"status codes: no scheme {scheme!r} "
                            f"(known: {', '.join(sorted(codes.schemes))})")
    entry = found.get(code)
    if entry is None:
        raise DispatchError(f"status codes: {scheme} has no code {code}")
    return entry.state
