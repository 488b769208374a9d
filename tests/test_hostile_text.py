"""Callers' and partners' text never takes over a terminal.

Calls whose caller name, phone and words hold every class of control sequence
go through the gateway, the desk, an order and the unit; what ``timeline``,
``replay --headless``, the unit screen and the console write holds no ESC, no
C1 control and no bidi override; CSV cells are neutralised; the log keeps what
was said.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Operator, Role
from dispatch.model import Address, mask_phone
from dispatch.safe import csv_cell, safe_text
from dispatch.timeline import Timeline
from dispatch.unit.app import UnitApp
from dispatch.unit.client import UnitClient
from dispatch.unit.store import UnitStore

from .brokers import Mosquitto
from .buslib import count, events_of, orders_of, settings
from .consolelib import console, floor, plain, until
from .desklib import make_desk
from .intakelib import Gateway

OP = Operator("op1", Role.SUPERVISOR)

#: One of each: OSC title, OSC 8 link, CSI clear, RIS reset, DCS, 8-bit CSI,
#: C0 bell and backspace, DEL, bidi override and isolate, zero-width and BOM.
HOSTILE = {
    "osc_title": "\x1b]0;PWNED\x07",
    "osc8_link": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "csi_clear": "\x1b[2J\x1b[H",
    "reset": "\x1bc",
    "dcs": "\x1bPq#0;2;0;0;0\x1b\\",
    "c1_csi": "\x9b31m",
    "c1_osc": "\x9d0;title\x9c",
    "bell_bs": "\x07\x08\x08",
    "delete": "\x7f",
    "bidi": "\u202egnp.exe\u202c\u2066x\u2069",
    "zero_width": "\u200b\u200d\ufeff",
}
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
                       "\ufeff]")


def _hostile_call(n: int) -> dict[str, str]:
    kinds = list(HOSTILE.values())
    evil = kinds[n % len(kinds)]
    short = evil if len(evil) <= 24 else "\x1b]8;;x\x1b\\"  # a phone is at most 40 characters
    return {"name": f"{evil}李{evil}四", "phone": f"{short}1380000{n:04d}",
            "says": f"{evil}三辆车追尾，有人受伤{evil}在G4 K1024附近{evil}"}


def _assert_clean(text: str, where: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"{where}: {[hex(ord(c)) for c in found][:10]}"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_safe_text_removes_each_class(name: str) -> None:
    cleaned = safe_text(f"ok {HOSTILE[name]} 好")
    _assert_clean(cleaned, name)
    assert cleaned.startswith("ok ") and cleaned.endswith(" 好")


def test_masking_works_on_the_cleaned_text() -> None:
    assert mask_phone("\x1bc13800000001") == "138****0001"
    assert mask_phone("\x1b]0;x\x0713800000001\u202e") == "138****0001"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_safe_text_is_idempotent_and_clean(text: str) -> None:
    once = safe_text(text)
    _assert_clean(once, "hypothesis")
    assert safe_text(once) == once
    _assert_clean(safe_text(text, lines=True), "hypothesis lines")


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(cell: str) -> None:
    assert csv_cell(cell).startswith("'")


async def test_hostile_calls_through_gateway_desk_order_unit_and_every_surface(
    tmp_path: Path, clock: ManualClock, mosquitto: Mosquitto,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    tag = uuid.uuid4().hex[:6]
    db = tmp_path / "live.db"
    log = Timeline(db, center="hubei", clock=clock)
    desk = make_desk(log, mosquitto.port, f"console-hubei-{tag}")
    heard = events_of(desk.bus)
    store = UnitStore(tmp_path / "unit.db")
    unit = UnitClient(Address.parse("120/xianning"), store,
                      settings(mosquitto.port, f"unit-120-xianning-{tag}"), center="hubei",
                      clock=clock)
    arrived = orders_of(unit)
    await desk.start()
    await desk.bus.link.wait_up()
    await unit.start()
    await unit.link.wait_up()
    gateway = Gateway(mosquitto.port)
    callers = [_hostile_call(n) for n in range(len(HOSTILE))]
    try:
        from .intakelib import call_payload

        for n, caller in enumerate(callers):
            raw = json.loads(call_payload(str(uuid.uuid4()), n))
            raw["caller"] = {"name": caller["name"], "phone": caller["phone"]}
            raw["says"] = caller["says"]
            gateway.client.publish("dispatch/v1/hubei/calls/in", json.dumps(raw), qos=1)
        await heard.until(lambda evs: count(evs, "call_received") == len(callers))
        assert count(heard.items, "message_rejected") == 0
        call = desk.board.ringing()[0]
        desk.answer(OP, call.id)
        iid = desk.open_incident(OP, call.id)
        desk.set_location(OP, iid, "G4 K1024+300")
        desk.apply_playbook(OP, iid, "accident")
        desk.record_answer(OP, iid, "injured", 2)
        desk.note(OP, iid, "caller says: " + HOSTILE["osc_title"] + HOSTILE["bidi"])
        desk.dispatch(OP, iid, ["120"])
        await arrived.until(lambda items: len(items) >= 1)
        # A partner's report with a hostile note comes back to the console.
        held = store.orders()[0]
        unit.report(held.id, "accepted", note="\x1b[2J" + HOSTILE["reset"] + "on our way")
        await heard.until(lambda evs: count(evs, "order_status", status="accepted") >= 1)

        # The console: queue, board, pane, alerts, status bar (exported screen).
        app = console(desk)
        async with app.run_test(size=(160, 50)) as pilot:
            floor(app).table.select(iid)
            await pilot.pause()
            await until(lambda: "李" in plain(app, "#caller"))
            _assert_clean(app.export_screenshot(), "console screen")
            for part in ("#queue", "#caller", "#alert-lines", "#status"):
                _assert_clean(plain(app, part), part)
        # The unit screen.
        unit_app = UnitApp(unit, "zh", run_client=False)
        async with unit_app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            _assert_clean(unit_app.export_screenshot(), "unit screen")
    finally:
        gateway.close()
        await unit.stop()
        await desk.stop()
        store.close()
    log.close()

    capsysbinary.readouterr()
    for argv in (["timeline", iid, "--db", str(db)], ["replay", str(db), "--headless"],
                 ["report", "--db", str(db)], ["export", "--format", "csv", "--db", str(db)]):
        assert await asyncio.to_thread(main, argv) == 0  # replay runs its own loop
        out = capsysbinary.readouterr().out.decode()
        _assert_clean(out.replace("\n", " "), " ".join(argv[:1]))
        assert "\x1b" not in out
    assert main(["export", "--format", "csv", "--db", str(db)]) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode())))
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    # JSON lines stay faithful data, and the log keeps what was said.
    assert main(["export", "--format", "jsonl", "--db", str(db)]) == 0
    lines = capsysbinary.readouterr().out.decode().splitlines()
    exported = [json.loads(line)["data"]["says"] for line in lines
                if json.loads(line)["type"] == "call_received"]
    assert exported == [c["says"] for c in callers]
    with Timeline(db, center=None, drill=None, create=False, read_only=True) as kept:
        says = [e.data["says"] for e in kept.events(types=["call_received"])]
        assert says == [c["says"] for c in callers]
