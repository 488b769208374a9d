"""Drill scenario files (``playbooks/drills/*.toml``), per DESIGN's drill contract.

Loading is strict: an unknown key, a wrong type or a bad value stops with
``FILE: dotted.key: what is wrong``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dispatch.errors import DispatchError
from dispatch.model import Address, Service


class DrillError(DispatchError):
    """A drill file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Title(_Strict):
    """A bilingual title."""

    en: str
    zh: str


class Expect(_Strict):
    """What a correct operator does with a call."""

    playbook: str
    dispatch: list[Service] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    within_s: Annotated[float, Field(gt=0)] = 90


class Caller(_Strict):
    """Who calls."""

    name: str = ""
    phone: str = ""


class DrillCall(_Strict):
    """One scripted call."""

    at: Annotated[float, Field(ge=0)]
    caller: Caller = Caller()
    says: str
    location: str | None = None
    answers: dict[str, bool | int | float | str] = Field(default_factory=dict)
    expect: Expect


class UnitBehaviour(_Strict):
    """How a simulated recipient behaves in this drill (seconds after the order)."""

    address: str
    receive_after_s: Annotated[float, Field(ge=0)] = 2
    accept_after_s: Annotated[float, Field(ge=0)] | None = None
    en_route_after_s: Annotated[float, Field(ge=0)] | None = None
    on_scene_after_s: Annotated[float, Field(ge=0)] | None = 600
    cleared_after_s: Annotated[float, Field(ge=0)] | None = None
    silent: bool = False

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return str(Address.parse(value))


class Fault(_Strict):
    """A fault injected during the drill."""

    at: Annotated[float, Field(ge=0)]
    kind: Literal["broker_down", "broker_up", "unit_offline", "unit_online"]
    duration_s: Annotated[float, Field(gt=0)] | None = None
    address: str | None = None


class DrillInfo(_Strict):
    """The drill's identity."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    title: Title
    description: Title | None = None


class Scenario(_Strict):
    """A whole drill file."""

    drill: DrillInfo
    calls: Annotated[list[DrillCall], Field(min_length=1)]
    units: list[UnitBehaviour] = Field(default_factory=list)
    faults: list[Fault] = Field(default_factory=list)

    @property
    def length_s(self) -> float:
        """When the last scripted thing happens."""
        ends = [c.at + c.expect.within_s for c in self.calls]
        ends += [f.at + (f.duration_s or 0) for f in self.faults]
        return max(ends)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a drill file.

    Raises:
        DrillError: Missing, not TOML, or not a valid drill (``FILE: key: problem``).
    """
    path = Path(path)
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DrillError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DrillError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        what = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise DrillError(f"{path}: {key}: {what}") from None
