"""The event log: contract schema, durability settings, ids, projections, outbox."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dispatch.clock import ManualClock
from dispatch.errors import TimelineError, UnknownIncidentError
from dispatch.model import EventType as E
from dispatch.model import IncidentStatus
from dispatch.timeline import GroupCommit, Timeline


def test_events_table_follows_the_contract(log: Timeline) -> None:
    cols = {row[1]: (row[2], row[5]) for row in log.conn.execute("PRAGMA table_info(events)")}
    assert cols == {"seq": ("INTEGER", 1), "id": ("TEXT", 0), "at": ("TEXT", 0),
                    "incident": ("TEXT", 0), "type": ("TEXT", 0), "actor": ("TEXT", 0),
                    "data": ("TEXT", 0)}
    assert log.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert log.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_append_assigns_seq_and_stores_rfc3339_ms(log: Timeline, clock: ManualClock) -> None:
    clock.advance(1.2345)
    first = log.record(E.CALL_RECEIVED, "gateway", call="c1", says="追尾了")
    second = log.record(E.NOTE_ADDED, "op1", text="x")
    assert (first.seq, second.seq) == (1, 2)
    row = log.conn.execute("SELECT at, data FROM events WHERE seq = 1").fetchone()
    assert row == ("2026-11-22T00:00:01.234Z", '{"call":"c1","says":"追尾了"}')
    assert [e.id for e in log.events()] == [first.id, second.id]


def test_events_are_append_only(log: Timeline) -> None:
    log.record(E.NOTE_ADDED, "op1", text="x")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.conn.execute("UPDATE events SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.conn.execute("DELETE FROM events")


def test_the_same_fact_recorded_twice_leaves_one_row_silently(log: Timeline) -> None:
    first = log.record(E.NOTE_ADDED, "op1", text="x")
    again = log.event(E.NOTE_ADDED, "op1", data={"text": "y"})
    dup = log.event(E.NOTE_ADDED, "op1", data={"text": "z"})
    dup.id = first.id
    assert log.append(again, dup) == [again]  # only the new fact is returned (and folded)
    assert dup.seq is None
    assert log.event_count() == 2
    twice = log.event(E.NOTE_ADDED, "op1", data={"text": "w"})
    assert log.append(twice, twice) == [twice]
    assert log.event_count() == 3


def test_a_failed_batch_lands_nothing(log: Timeline) -> None:
    log.record(E.NOTE_ADDED, "op1", text="x")
    good = log.event(E.NOTE_ADDED, "op1", data={"text": "y"})
    bad = log.event(E.NOTE_ADDED, "op1", data={"text": object()})  # not JSON
    with pytest.raises(TypeError):
        log.append(good, bad)
    assert log.event_count() == 1 and good.seq is None


def test_incident_ids_per_day_in_the_centre_time_zone(log: Timeline, clock: ManualClock) -> None:
    # 2026-11-22 00:00 UTC is 08:00 in Shanghai.
    assert log.open_incident("op1").incident == "20261122-0001"
    assert log.open_incident("op1").incident == "20261122-0002"
    clock.set(datetime(2026, 11, 22, 16, 0, tzinfo=UTC))  # midnight in Shanghai
    assert log.open_incident("op1").incident == "20261123-0001"


def test_incident_ids_are_never_reused_after_a_restart(make_log: Callable[..., Timeline]) -> None:
    log = make_log()
    ids = [log.open_incident("op1").incident for _ in range(3)]
    log.close()
    reopened = make_log()
    assert reopened.open_incident("op1").incident == "20261122-0004"
    assert ids == ["20261122-0001", "20261122-0002", "20261122-0003"]


def test_a_failed_transaction_takes_no_number(log: Timeline) -> None:
    with pytest.raises(RuntimeError), log.transaction() as tx:
        tx.append(log.event(E.INCIDENT_OPENED, "op1", tx.new_incident_id()))
        raise RuntimeError("operator's command failed half way")
    assert log.event_count() == 0
    assert log.open_incident("op1").incident == "20261122-0001"


def test_open_incident_with_follow_up_events_in_one_commit(log: Timeline) -> None:
    loc = log.event(E.LOCATION_SET, "op1", data={"location": {"road": "G4", "km": 1024.3,
                                                               "section": "g4-xianning"}})
    opened = log.open_incident("op1", {"call": "c1", "kind": "accident", "priority": 1},
                               follow=[loc])
    inc = log.incident(opened.incident)
    assert loc.incident == opened.incident
    assert (inc.kind, inc.priority, inc.road, inc.km, inc.calls, inc.last_seq) == \
        ("accident", 1, "G4", 1024.3, 1, loc.seq)


def test_incident_lifecycle_projection(log: Timeline, clock: ManualClock) -> None:
    iid = log.open_incident("op1").incident
    log.record(E.PLAYBOOK_APPLIED, "op1", iid, playbook="breakdown")
    log.record(E.PRIORITY_SET, "op1", iid, priority=2)
    clock.advance(60)
    log.record(E.INCIDENT_RESOLVED, "op1", iid)
    inc = log.incident(iid)
    assert (inc.kind, inc.priority, inc.status) == ("breakdown", 2, "resolved")
    assert inc.resolved_at == "2026-11-22T00:01:00.000Z"
    log.record(E.INCIDENT_CLOSED, "op1", iid)
    assert log.incident(iid).status == IncidentStatus.CLOSED
    log.record(E.INCIDENT_REOPENED, "sup1", iid)
    inc = log.incident(iid)
    assert (inc.status, inc.closed_at, inc.resolved_at) == ("open", None, None)
    assert [i.id for i in log.incidents("open")] == [iid]


def test_merge_moves_calls_and_marks_the_merged(log: Timeline) -> None:
    first = log.open_incident("op1", {"call": "c1"}).incident
    second = log.open_incident("op2", {"call": "c2"}).incident
    third = log.open_incident("op2", {"call": "c3"}).incident
    log.record(E.INCIDENTS_MERGED, "op1", first, merged=[second, third])
    survivor, merged = log.incident(first), log.incident(second)
    assert survivor.calls == 3
    assert (merged.status, merged.merged_into, merged.calls) == ("merged", first, 0)


def test_unknown_incident(log: Timeline) -> None:
    with pytest.raises(UnknownIncidentError, match="no incident 20261122-0009"):
        log.incident("20261122-0009")


def test_outbox_recovery_query(make_log: Callable[..., Timeline]) -> None:
    log = make_log()
    iid = log.open_incident("op1").incident
    for order, to in [("o1", "120/xianning"), ("o2", "110/xianning"), ("o3", "section/g4-xn")]:
        log.record(E.ORDER_SENT, "op1", iid, order=order, to=to,
                   topic=f"dispatch/v1/hubei/to/{to}", payload={"id": order, "to": to})
    log.record(E.ORDER_DELIVERED, "system", iid, order="o2", to="110/xianning")
    log.close()
    log = make_log()  # a restart reads what is still to go out
    pending = log.pending_orders()
    assert [p.order for p in pending] == ["o1", "o3"]
    assert pending[0].topic == "dispatch/v1/hubei/to/120/xianning"
    assert pending[0].payload == '{"id":"o1","to":"120/xianning"}'
    assert log.outbox_entry("o2").state == "delivered"
    log.record(E.ORDER_RESENT, "system", iid, order="o2", to="110/xianning")
    assert [p.order for p in log.pending_orders()] == ["o1", "o2", "o3"]


def test_incident_events_include_the_ringing_call(log: Timeline) -> None:
    log.record(E.CALL_RECEIVED, "gateway", call="c1", caller={"name": "Li"})
    log.record(E.CALL_RECEIVED, "gateway", call="c2")
    opened = log.open_incident("op1", {"call": "c1"})
    types = [e.type for e in log.incident_events(opened.incident)]
    assert types == ["call_received", "incident_opened"]


def test_a_log_of_another_centre_or_kind_is_refused(make_log: Callable[..., Timeline]) -> None:
    make_log().close()
    with pytest.raises(TimelineError, match="belongs to centre 'hubei', not 'hunan'"):
        make_log(center="hunan")
    with pytest.raises(TimelineError, match="this is a live log; live and drill records never"):
        make_log(drill=True)
    drill = make_log("drill.db", drill=True)
    assert drill.drill and drill.center == "hubei"


def test_not_a_log(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(TimelineError, match="not a dispatch log"):
        Timeline(junk, center="hubei")
    with pytest.raises(TimelineError, match="no such log"):
        Timeline(tmp_path / "missing.db", create=False)


async def test_group_commit_batches_concurrent_appends(log: Timeline) -> None:
    async with GroupCommit(log) as group:
        results = await asyncio.gather(
            *(group.append(log.event(E.CALL_RECEIVED, "gateway", data={"call": f"c{i}"}))
              for i in range(200))
        )
    assert log.event_count() == 200
    assert sorted(ev.seq for batch in results for ev in batch) == list(range(1, 201))
    assert group.commits < 20  # many appends shared each commit


async def test_group_commit_isolates_a_bad_event(log: Timeline) -> None:
    good = log.event(E.NOTE_ADDED, "op1", data={"text": "ok"})
    log.record(E.NOTE_ADDED, "op1", text="first")
    bad = log.event(E.NOTE_ADDED, "op1", data={"text": object()})
    async with GroupCommit(log) as group:
        outcome = await asyncio.gather(group.append(good), group.append(bad),
                                       return_exceptions=True)
    assert outcome[0] == [good] and good.seq is not None
    assert isinstance(outcome[1], TypeError)
    assert log.event_count() == 2
