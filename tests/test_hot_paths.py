"""The fast paths of the log give exactly what the plain ones gave."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.clock import ManualClock, parse_log_time, parse_rfc3339, rfc3339
from dispatch.drill.replay import Replay
from dispatch.model import Event, new_id
from dispatch.timeline import Timeline, canonical_json, decode_rows, row_to_event


def _plain_rfc3339(at: datetime) -> str:
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _plain_parse(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(text)
    return parsed.astimezone(UTC)


@settings(max_examples=500)
@given(st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)),
                                               timezone(timedelta(hours=-5, minutes=-30))])))
def test_times_format_and_parse_as_before(at: datetime) -> None:
    text = _plain_rfc3339(at)
    assert rfc3339(at) == text
    assert parse_rfc3339(text) == _plain_parse(text)
    parsed, canonical = parse_log_time(text)
    assert parsed == _plain_parse(text) and canonical == rfc3339(parsed)


@pytest.mark.parametrize("text", ["2026-W01-1T00:00:00.000Z", "2026-01-01T00:00:00,000Z",
                                  "0999-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000+08:00",
                                  "2026-01-01 00:00:00.000Z", "2026-01-01T00:00:00.123456Z"])
def test_odd_times_take_the_general_path(text: str) -> None:
    parsed, canonical = parse_log_time(text)
    assert parsed == _plain_parse(text) and canonical == rfc3339(parsed)


def test_unzoned_and_malformed_times_are_refused() -> None:
    for text in ("2026-01-01T00:00:00.000", "2026-13-01T00:00:00.000Z", "x" * 24):
        with pytest.raises(ValueError):
            parse_rfc3339(text)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                     max_leaves=20)


@settings(max_examples=500)
@given(_JSON)
def test_canonical_json_is_sorted_compact_dumps(value: object) -> None:
    assert canonical_json(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                               separators=(",", ":"))


def test_canonical_json_still_names_circular_data() -> None:
    loop: dict[str, object] = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="Circular reference"):
        canonical_json(loop)


def test_new_ids_are_uuid4_text() -> None:
    for _ in range(200):
        text = new_id()
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_bulk_decoding_and_replay_agree_with_the_plain_path(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 22, 8, tzinfo=UTC))
    with Timeline(tmp_path / "log.db", center="c", drill=False, clock=clock) as log:
        opened = log.open_incident("op1", {"kind": "accident", "priority": 2, "call": "c1"})
        log.append(Event("order_sent", "op1", clock.advance(1), opened.incident,
                         {"order": "o1", "to": "120/x", "topic": "t", "payload": {"a": 1}}),
                   Event("order_status", "120/x", clock.advance(1), opened.incident,
                         {"order": "o1", "status": "accepted", "eta_s": 60}),
                   Event("incident_resolved", "op1", clock.advance(1), opened.incident))
        events, times = decode_rows(log.event_rows())
        plain = [row_to_event(row) for row in log.event_rows()]
        assert events == plain == list(log.events())
        assert times == [rfc3339(e.at) for e in plain]
        fast, slow = Replay.of(log), Replay(log.events())
        fast.run()
        while slow.step() is not None:
            pass
        assert fast.projection.incidents == slow.projection.incidents
        assert fast.projection.outbox == slow.projection.outbox
        assert {i.id: i for i in log.incidents()} == fast.projection.incidents
        assert fast.position == slow.position == len(plain)
