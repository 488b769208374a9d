"""The field-unit screen against a real broker: orders in, keys out, nothing shown twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from dispatch.bus.codec import encode
from dispatch.bus.console import ConsoleBus
from dispatch.cli import main
from dispatch.cli.unit_cmd import parse_address, read_key, state_path
from dispatch.clock import ManualClock, rfc3339
from dispatch.config import Config
from dispatch.config.schema import SecurityConfig
from dispatch.i18n import placeholders
from dispatch.model import Address
from dispatch.timeline import Timeline
from dispatch.unit.app import Ask, UnitApp
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore
from dispatch.unit.texts import UNIT_TEXTS

from .brokers import Mosquitto, free_port
from .buslib import Waiter, count, events_of, order, orders_of, settings


def _unit(name: str, store: UnitStore, port: int, clock: ManualClock) -> UnitClient:
    return UnitClient(Address.parse(f"120/{name}"), store, settings(port, f"unit-120-{name}"),
                      center="hubei", clock=clock)


@asynccontextmanager
async def _console(log: Timeline, clock: ManualClock, port: int
                   ) -> AsyncIterator[tuple[ConsoleBus, Waiter]]:
    bus = ConsoleBus(log, settings(port, f"console-{uuid.uuid4().hex[:8]}"), clock=clock,
                     tick_s=None)
    heard = events_of(bus)
    await bus.start()
    await bus.link.wait_up()
    try:
        yield bus, heard
    finally:
        await bus.stop()


def _rows(app: UnitApp) -> list[str]:
    return [str(key.value) for key in app.query_one("#orders", DataTable).rows]


def _status_cell(app: UnitApp, oid: str) -> str:
    return str(app.query_one("#orders", DataTable).get_cell(oid, "status"))


def _notes(app: UnitApp) -> list[str]:
    return [n.message for n in app._notifications]


def _detail(app: UnitApp) -> str:
    content = app.query_one("#detail-text", Static).content
    return getattr(content, "plain", str(content))


async def test_orders_appear_and_keys_report(log: Timeline, clock: ManualClock,
                                             mosquitto: Mosquitto, tmp_path: Path) -> None:
    name = f"ua-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "unit.db"
    store = UnitStore(path)
    client = _unit(name, store, mosquitto.port, clock)
    address = str(client.address)
    app = UnitApp(client, "en", unit_name="Test ambulance")
    async with _console(log, clock, mosquitto.port) as (bus, heard), \
            app.run_test(size=(120, 40)) as pilot:
        arrived = orders_of(client)
        await client.link.wait_up()
        first = log.open_incident("op1").incident
        oid1 = bus.send_order(order(clock, first, to=address), "op1").data["order"]
        await arrived.until(lambda items: len(items) == 1)
        assert _rows(app) == [oid1]
        assert any(f"New order {first}" in n for n in _notes(app))
        await heard.until(lambda evs: count(evs, "order_status", status="received") == 1)
        assert _status_cell(app, oid1) == "received"

        detail = _detail(app)
        assert "13800000001" in detail  # the crew calls back: the full number
        assert "K1024+300" in detail and "leave_lanes" in detail and "injured = 2" in detail
        assert "29.84000, 114.32000" in detail

        await pilot.press("a")
        await heard.until(lambda evs: count(evs, "order_status", status="accepted") == 1)
        assert _status_cell(app, oid1) == "accepted"

        second = log.open_incident("op1").incident
        oid2 = bus.send_order(order(clock, second, to=address, kind="breakdown", priority=3,
                                    location={"road": "G50", "km": 12.05}), "op1"
                              ).data["order"]
        await arrived.until(lambda items: len(items) == 2)
        assert _rows(app) == [oid1, oid2]
        assert str(app.query_one("#orders", DataTable).get_cell(oid2, "place")) == \
            "G50 K12+050"
        await pilot.press("down")
        assert app.current_id() == oid2

        await pilot.press("d")
        assert isinstance(app.screen, Ask)
        await pilot.press("enter")  # an empty reason: the client refuses, the modal stays
        assert isinstance(app.screen, Ask)
        assert any("a decline needs a reason" in n for n in _notes(app))
        app.screen.query_one(Input).value = "车辆检修 no crew"
        await pilot.press("enter")
        await heard.until(lambda evs: count(evs, "order_status", status="declined",
                                            note="车辆检修 no crew") == 1)
        assert not isinstance(app.screen, Ask)
        assert _status_cell(app, oid2) == "declined"

        # Refused steps: a notification, nothing changes, nothing goes out.
        before = (store.order(oid2), store.unsent(), len(heard.items))
        await pilot.press("o")
        await pilot.press("e")  # no ETA question for an order that cannot be en route
        assert not isinstance(app.screen, Ask)
        refusals = [n for n in _notes(app) if n.startswith("Not sent: order is declined")]
        assert len(refusals) == 2
        assert (store.order(oid2), store.unsent(), len(heard.items)) == before
        assert _status_cell(app, oid2) == "declined"

        # En route with an ETA on the first order.
        await pilot.press("up", "e")
        assert isinstance(app.screen, Ask)
        app.screen.query_one(Input).value = "abc"
        await pilot.press("enter")
        assert isinstance(app.screen, Ask)
        assert any("whole minutes" in n for n in _notes(app))
        app.screen.query_one(Input).value = "12"
        await pilot.press("enter")
        await heard.until(lambda evs: count(evs, "order_status", status="en_route",
                                            eta_s=720) == 1)
        assert _status_cell(app, oid1) == "en route"

        # The console sends the first order again: the row is not added twice.
        payload = encode(order(clock, first, to=address, id=oid1))
        await bus.link.publish(bus.topics.to(address), payload)
        await arrived.until(lambda items: len(items) == 3)
        assert arrived.items[-1][1] is False
        assert _rows(app) == [oid1, oid2]

        status = app.status_text().plain
        assert address in status and "Test ambulance" in status and "link up" in status
        await pilot.press("q")
    assert app.return_code == 0
    assert not client.link.up  # the screen stopped its client

    # A restart over the same file shows each order once, with its state.
    again = _unit(name, store, mosquitto.port, clock)
    app2 = UnitApp(again, "en")
    async with app2.run_test(size=(120, 40)):
        assert _rows(app2) == [oid1, oid2]
        assert [_status_cell(app2, o) for o in (oid1, oid2)] == ["en route", "declined"]
        assert not any(n.startswith("New order") for n in _notes(app2))
    store.close()


async def test_chinese_screen(log: Timeline, clock: ManualClock, mosquitto: Mosquitto,
                              tmp_path: Path) -> None:
    name = f"ua-{uuid.uuid4().hex[:8]}"
    store = UnitStore(tmp_path / "unit.db")
    client = _unit(name, store, mosquitto.port, clock)
    app = UnitApp(client, "zh")
    async with _console(log, clock, mosquitto.port) as (bus, heard), \
            app.run_test(size=(120, 40)) as pilot:
        arrived = orders_of(client)
        await client.link.wait_up()
        iid = log.open_incident("op1").incident
        oid = bus.send_order(order(clock, iid, to=str(client.address),
                                   summary="三车追尾，2人受伤",
                                   caller={"name": "李先生", "phone": "13800000001"}),
                             "op1").data["order"]
        await arrived.until(lambda items: len(items) == 1)
        table = app.query_one("#orders", DataTable)
        assert [c.label.plain for c in table.columns.values()] == [
            "接单时间", "事件", "类型", "优先级", "道路/桩号", "状态"]
        assert str(table.get_cell(oid, "kind")) == "交通事故"
        assert any(n.startswith(f"新派单 {iid}") for n in _notes(app))
        detail = _detail(app)
        for label in ("位置", "桩号", "询问结果", "已提示安全事项", "回拨电话", "李先生",
                      "三车追尾"):
            assert label in detail
        assert "已连接" in app.status_text().plain
        await pilot.press("o")
        assert any(n.startswith("未发送：") for n in _notes(app))
        await pilot.press("a")
        await heard.until(lambda evs: count(evs, "order_status", status="accepted") == 1)
        assert str(table.get_cell(oid, "status")) == "已接受"
    store.close()


def test_texts_in_both_languages_with_the_same_fields() -> None:
    for key, templates in UNIT_TEXTS.items():
        assert set(templates) == {"en", "zh"}, key
        assert placeholders(templates["en"]) == placeholders(templates["zh"]), key


def _snapshot_app(tmp_path: Path) -> UnitApp:
    """One order in zh, not connected: everything on screen is fixed."""
    clock = ManualClock(datetime(2026, 11, 22, 0, 5, tzinfo=UTC))
    store = UnitStore(tmp_path / "snap.db")
    client = UnitClient(Address.parse("120/xianning"), store, settings(free_port(), "snap"),
                        center="hubei", clock=clock)
    sent = order(clock, "20261122-0001", id="00000000-0000-4000-8000-000000000001",
                 summary="三车追尾，2人受伤", location={
                     "lat": 29.84, "lon": 114.32, "road": "G4", "km": 1024.3,
                     "direction": "往武汉方向", "section": "g4-xianning",
                     "jurisdiction": "咸宁", "text": "G4 K1024+300"},
                 caller={"name": "李先生", "phone": "13800000001"})
    store.add_order(sent.id, sent.incident, sent.to_json(), rfc3339(clock.now()))
    client.report(sent.id, "received")
    return UnitApp(client, "zh", unit_name="咸宁急救中心120调度台",
                   tz=timezone(timedelta(hours=8)), run_client=False)


def test_snapshot_one_order_in_chinese(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(100, 32))


def test_unit_command_refuses_a_bad_address_in_one_line(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["unit", "999/x"]) == 1
    err = capsys.readouterr().err
    assert err == "dispatch: unit: unknown service '999' in '999/x' (one of 110, 119, 120, " \
        "section, ops)\n"


def test_unit_command_key_and_state_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(b"s3cret-of-16-bytes \n")
    config = Config(security=SecurityConfig(key_file=key_file))
    assert read_key(config) == b"s3cret-of-16-bytes"
    assert read_key(Config()) is None
    address = parse_address("section/g4-xianning")
    assert state_path(address, None).parts[-2:] == ("units", "section-g4-xianning.db")
    assert state_path(address, tmp_path / "u.db") == tmp_path / "u.db"


async def test_radio_status_codes_keyed_as_digits(log: Timeline, clock: ManualClock,
                                                  mosquitto: Mosquitto, tmp_path: Path) -> None:
    """FMS codes as a crew keys them: 3 en route, 4 on scene, 5 noted only, 1 cleared."""
    name = f"ua-{uuid.uuid4().hex[:8]}"
    client = _unit(name, UnitStore(tmp_path / "unit.db"), mosquitto.port, clock)
    app = UnitApp(client, "en", codes="fms")
    async with _console(log, clock, mosquitto.port) as (bus, heard), \
            app.run_test(size=(120, 40)) as pilot:
        arrived = orders_of(client)
        await client.link.wait_up()
        incident = log.open_incident("op1").incident
        oid = bus.send_order(order(clock, incident, to=str(client.address)), "op1"
                             ).data["order"]
        await arrived.until(lambda items: len(items) == 1)
        await pilot.press("a")
        await heard.until(lambda evs: count(evs, "order_status", status="accepted") == 1)
        for key, status in (("3", "en_route"), ("4", "on_scene")):
            await pilot.press(key)
            await heard.until(lambda evs, s=status: count(evs, "order_status", status=s) == 1)
        await pilot.press("5")  # "asks to speak": moves no order
        assert any("FMS status 5 noted" in str(n) for n in _notes(app))
        await pilot.press("1")
        await heard.until(lambda evs: count(evs, "order_status", status="cleared") == 1)
        assert _status_cell(app, oid) == "cleared"
