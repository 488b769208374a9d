"""Plain domain values, bilingual texts and clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.clock import ManualClock, ScaledClock, parse_rfc3339, rfc3339
from dispatch.i18n import LANGS, TEXTS, placeholders, text
from dispatch.model import (
    Address,
    EventType,
    Location,
    Service,
    check_priority,
    format_stake,
    mask_phone,
)


def test_address_round_trip_and_errors() -> None:
    addr = Address.parse("120/xianning")
    assert (addr.service, addr.unit, str(addr)) == (Service.AMBULANCE, "xianning", "120/xianning")
    assert str(Address.parse("section/g4-xianning")) == "section/g4-xianning"
    with pytest.raises(ValueError, match="unknown service '999'"):
        Address.parse("999/x")
    with pytest.raises(ValueError, match="expected SERVICE/UNIT"):
        Address.parse("xianning")
    with pytest.raises(ValueError, match="bad unit id"):
        Address.parse("110/Wu Han")


@pytest.mark.parametrize(("km", "stake"), [(1024.3, "K1024+300"), (0.0, "K0+000"),
                                           (12.0456, "K12+046"), (999.9996, "K1000+000")])
def test_format_stake(km: float, stake: str) -> None:
    assert format_stake(km) == stake
    assert Location(road="G4", km=km).stake == stake


def test_location_json_ignores_unknown_keys() -> None:
    loc = Location(lat=29.8, lon=114.3, road="G4", km=1024.3, text="G4 K1024+300")
    assert Location.from_dict({**loc.to_dict(), "future": 1}) == loc


@pytest.mark.parametrize(("phone", "masked"), [("13800000001", "138****0001"),
                                               ("0715-8123456", "071*****3456"), ("110", "***")])
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_priority() -> None:
    assert check_priority(1) == 1
    for bad in (0, 5, True):
        with pytest.raises(ValueError):
            check_priority(bad)


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    for key, templates in TEXTS.items():
        assert set(templates) == set(LANGS), key
        assert placeholders(templates["en"]) == placeholders(templates["zh"]), key
    for event_type in EventType:
        assert f"event.{event_type.value}" in TEXTS


def test_text_fills_missing_fields_with_a_mark() -> None:
    assert text("event.order_sent", "zh", to="120/xianning") == "已向 120/xianning 派单"
    assert text("event.order_sent", "en") == "Order sent to ?"
    assert text("event.order_sent", "fr", to="x") == "Order sent to x"


def test_clocks() -> None:
    start = datetime(2026, 11, 22, tzinfo=UTC)
    manual = ManualClock(start)
    assert manual.advance(1.5) == start + timedelta(seconds=1.5)
    with pytest.raises(ValueError):
        manual.set(start)
    assert ScaledClock(speed=60, start=start).now() >= start
    assert rfc3339(start + timedelta(microseconds=123456)) == "2026-11-22T00:00:00.123Z"
    assert parse_rfc3339("2026-11-22T08:00:00+08:00") == start
    with pytest.raises(ValueError):
        parse_rfc3339("2026-11-22T08:00:00")
