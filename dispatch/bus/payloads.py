"""Payload schemas of contract v1 as validated models.

Every payload is a UTF-8 JSON object of at most 64 KiB with ``schema``,
``id`` (UUID), ``at`` (RFC 3339 UTC), ``center`` and ``drill``, and ``sig``
when signed.  Unknown extra keys are ignored (a newer sender may add some);
wrong types, missing keys and bad values are rejected.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from dispatch.clock import rfc3339
from dispatch.model import REPORTED_STATES, Address

Text = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=200)]
#: A recipient address (``120/xianning``), normalised; a bad one fails validation.
AddressText = Annotated[Short, AfterValidator(lambda value: str(Address.parse(value)))]
AnswerValue = bool | int | float | Annotated[str, Field(max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Envelope(_Model):
    """What every payload carries."""

    schema_: str = Field(alias="schema")
    id: str
    at: datetime
    center: Short
    drill: bool
    sig: str | None = None

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError("id must be a UUID") from None

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("at must carry a time zone (RFC 3339)")
        return value

    def to_json(self) -> dict[str, Any]:
        """The JSON object to send (without ``sig``; signing adds it)."""
        data = self.model_dump(by_alias=True, exclude={"sig"}, mode="json")
        data["at"] = rfc3339(self.at)
        return data


class CallerInfo(_Model):
    """Who called."""

    name: Short = ""
    phone: Annotated[str, Field(max_length=40)] = ""


class LatLon(_Model):
    """Coordinates in WGS 84."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class CallMessage(Envelope):
    """``dispatch.call/1``: a call from the telephony gateway or a drill injector."""

    schema_: Literal["dispatch.call/1"] = Field(alias="schema")
    caller: CallerInfo
    says: Text = ""
    location: Annotated[str, Field(max_length=300)] | LatLon | None = None
    answers: dict[Short, AnswerValue] = Field(default_factory=dict)


class OrderLocation(_Model):
    """Where the recipient must go."""

    lat: float | None = None
    lon: float | None = None
    road: Short | None = None
    km: float | None = None
    direction: Short | None = None
    section: Short | None = None
    jurisdiction: Short | None = None
    text: Short | None = None


class OrderMessage(Envelope):
    """``dispatch.order/1``: an order from a console to one recipient."""

    schema_: Literal["dispatch.order/1"] = Field(alias="schema")
    incident: Short
    to: AddressText
    kind: Short
    priority: int = Field(ge=1, le=4)
    location: OrderLocation
    summary: Text = ""
    answers: dict[Short, AnswerValue] = Field(default_factory=dict)
    advice_given: list[Short] = Field(default_factory=list)
    caller: CallerInfo = CallerInfo()
    operator: Short


class StatusMessage(Envelope):
    """``dispatch.status/1``: a recipient's report on an order."""

    schema_: Literal["dispatch.status/1"] = Field(alias="schema")
    order: str
    incident: Short
    from_: AddressText = Field(alias="from")
    status: Literal["received", "accepted", "declined", "en_route", "on_scene", "cleared"]
    eta_s: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)
    note: Text | None = None


class EventMessage(Envelope):
    """``dispatch.event/1``: a timeline event shared with other consoles and wallboards."""

    schema_: Literal["dispatch.event/1"] = Field(alias="schema")
    #: ``None`` for the floor's own events (calls ringing, modes, seats).
    incident: Short | None = None
    type: Short
    actor: Short
    seq: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class AdvisoryMessage(Envelope):
    """``dispatch.advisory/1``: a public advisory; ``cap`` holds the CAP 1.2 XML alert."""

    schema_: Literal["dispatch.advisory/1"] = Field(alias="schema")
    identifier: Short
    msg_type: Literal["Alert", "Update", "Cancel"]
    incident: Short | None = None
    cap: Annotated[str, Field(max_length=60000)]


class Presence(_Model):
    """Retained presence of a console or recipient (the will says ``online: false``)."""

    online: bool
    at: datetime


assert {str(s) for s in REPORTED_STATES} == {
    "received", "accepted", "declined", "en_route", "on_scene", "cleared"}
